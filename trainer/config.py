"""All configuration in one place, read once at start-up.

Each setting is declared once in ``SETTINGS``: its key in ``app.config``, its type,
its default and why it exists. It is read from the environment variable
``TRAINER_<KEY>`` (``DATABASE_URL`` and ``SECRET_KEY`` keep their usual names) and
parsed to its type; a value that cannot be parsed stops the start with a
``ConfigError`` naming the variable, rather than meaning something else (``"no"``
is a true string). ``create_app(test_config)`` can still override any key.
``FIXED`` holds the values that are not settings: how the app works.

Where things are: a checkout's own ``lessons/``, ``static/`` and ``translations/`` are
used in development; an installed wheel carries copies in ``trainer/bundled/`` (written
by ``setup.py`` at build time, catalogues compiled). ``TRAINER_LESSONS_DIR`` wins over
both for every command. Outside a checkout the instance folder (SQLite database, secret
key, backups) is the user's data directory (``platformdirs``).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click
from flask.cli import NoAppException

ROOT = Path(__file__).resolve().parent.parent  # a checkout, when trainer runs from one
BUNDLED = Path(__file__).resolve().parent / "bundled"  # what the wheel carries
APP_NAME = "tapso-trainer"


def is_checkout() -> bool:
    """Running from a git checkout (also an editable install), not an installed wheel."""
    return (ROOT / "pyproject.toml").is_file()


def resource_dir(name: str) -> Path:
    """``lessons``, ``static`` or ``translations``: the checkout's own folder in
    development, else the copy inside the installed package."""
    own = ROOT / name
    return own if is_checkout() and own.is_dir() else BUNDLED / name


def instance_dir() -> Path:
    """Database, secret key and backups: ``instance/`` of a checkout, else the user's data
    directory (``~/.local/share/tapso-trainer``, ``%LOCALAPPDATA%\\tapso-trainer`` …),
    so that ``trainer serve`` works from any folder."""
    if is_checkout():
        return ROOT / "instance"
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


HTMX_VERSION = "2.0.11"

TRUE = ("1", "yes", "true", "on")
FALSE = ("0", "no", "false", "off")


class ConfigError(NoAppException):
    """An environment variable holds a value that cannot be read. Flask's "could not
    load the app" error, so that every ``trainer`` command (and ``trainer --help``)
    prints it as one line, not a traceback or a usage message."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


@dataclass(frozen=True)
class Setting:
    key: str
    type: type  # str, bool, int or float
    default: Any  # or a function of the instance folder
    why: str
    variable: str = ""  # TRAINER_<key> when empty

    @property
    def env(self) -> str:
        return self.variable or f"TRAINER_{self.key}"


SETTINGS = (
    Setting("DATABASE_URL", str, lambda instance: f"sqlite:///{instance / 'tapso.db'}",
            "sqlite:///… for one laptop, postgresql://… for a server", "DATABASE_URL"),
    Setting("SECRET_KEY", str, "", "signs the cookies; unset: generated once into "
            "instance/secret_key, which every process of one site must share", "SECRET_KEY"),
    Setting("LESSONS_DIR", str, lambda _instance: str(resource_dir("lessons")),
            "another folder of lessons (for serve, check and new alike)"),
    Setting("USE_CDN", bool, False, "htmx from a CDN (with SRI) instead of this server; "
            "off by default: the CDN would learn every learner's address"),
    Setting("HTMX_CDN_URL", str,
            f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js",
            "another CDN, if the default is blocked"),
    Setting("SESSION_COOKIE_SECURE", bool, False, "force the Secure cookie flag (it is set "
            "anyway on a request that came over HTTPS)", "TRAINER_SECURE_COOKIES"),
    Setting("PROXY_FIX", int, 0, "proxies in front (1 behind nginx) whose X-Forwarded-* "
            "headers are trusted; 0 when nothing is in front, as they could be forged"),
    Setting("PUBLIC_URL", str, "", "the address in class and card QR codes, when the "
            "server is reached at another address than the volunteer's"),
    Setting("ARCHIVE_KEY", str, "", "signs the files `trainer export` writes for the "
            "provincial server; the same on every laptop and the server (unset: SECRET_KEY, "
            "which only fits one instance)"),
    Setting("NUDGE_SECONDS", int, 60, "a quiet learner is offered help after this long"),
    Setting("PRACTICE_ROUND_SIZE", int, 10, "scenarios in one round of scam practice (a "
            "shorter round suits a slow class)"),
    Setting("CLASS_POLL_SECONDS", int, 3, "how often phones and the class board ask for news"),
    Setting("KIOSK", bool, False, "a shared device: a start screen, and learners are "
            "forgotten after a quiet spell"),
    Setting("KIOSK_IDLE_SECONDS", int, 600, "kiosk: ask 'still learning?' after this long "
            "without a touch"),
    Setting("KIOSK_ASK_SECONDS", int, 60, "kiosk: wait this long for one tap, then return to "
            "the start screen"),
    Setting("KIOSK_LIST_DAYS", int, 30, "kiosk: 'who are you?' lists learners of classes "
            "held this many days back, never everyone on the server"),
    Setting("VOLUNTEER_SESSION_HOURS", float, 12, "a volunteer's sign-in lasts this long (a "
            "laptop left signed in)"),
    Setting("SPEECH_CACHE_DIR", str, lambda instance: str(instance / "speech"), "where the "
            "server's voice keeps what it said (deleting it is safe; it fills again)"),
    Setting("DEV", bool, False, "for lesson authors: reload lessons when a file changes "
            "(also `trainer serve --dev`)"),
)

FIXED = {
    "TRANSLATIONS_DIR": str(resource_dir("translations")),
    "STATIC_DIR": str(resource_dir("static")),
    "DEFAULT_LOCALE": "vi",
    # The vendored htmx, served by the app; also loaded when a CDN in use fails.
    "HTMX_VERSION": HTMX_VERSION,
    "HTMX_SRI": "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg",
    "MAX_CONTENT_LENGTH": 16 * 1024,  # answers are tiny; anything bigger is refused
    "PERMANENT_SESSION_LIFETIME": dt.timedelta(days=400),  # the browsers' cap
    "SESSION_COOKIE_NAME": "tapso",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # no timeouts that lose work: valid as long as the session
    "WTF_CSRF_SSL_STRICT": False,
    "SEND_FILE_MAX_AGE_DEFAULT": dt.timedelta(days=365),  # asset URLs carry a content hash
}


def parse_bool(text: str) -> bool:
    """The one reading of a yes/no value, so that ``no`` never means yes."""
    word = text.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError(text)


PARSERS: dict[type, tuple[Callable[[str], Any], str]] = {
    bool: (parse_bool, "one of 1/0, yes/no, true/false, on/off"),
    int: (lambda text: int(text.strip()), "a whole number, such as 60"),
    float: (lambda text: float(text.strip()), "a number, such as 12 or 0.5"),
    str: (str, "text"),
}


def parse(setting: Setting, text: str) -> Any:
    parser, accepted = PARSERS[setting.type]
    try:
        return parser(text)
    except ValueError:
        raise ConfigError(f"{setting.env}={text!r} is not understood: use {accepted}.") \
            from None


def load(instance_path: str, environ: Mapping[str, str] = os.environ) -> dict:
    """Every key of ``app.config`` this app sets: the settings, from the environment
    (an empty variable counts as unset), and the fixed values."""
    instance = Path(instance_path)
    values = dict(FIXED)
    for setting in SETTINGS:
        values[setting.key] = value(setting, instance, environ)
    if values["DATABASE_URL"].startswith("postgres") and not _has_psycopg():
        raise ConfigError("DATABASE_URL is a PostgreSQL address, and PostgreSQL support is "
                          "not installed: pip install 'tapso-trainer[postgres]'.")
    return values


def _has_psycopg() -> bool:
    import importlib.util

    return importlib.util.find_spec("psycopg") is not None


def value(setting: Setting, instance: Path, environ: Mapping[str, str] = os.environ) -> Any:
    """One setting: from its variable (an empty one counts as unset), else its default."""
    text = environ.get(setting.env, "")
    if text:
        return parse(setting, text)
    return setting.default(instance) if callable(setting.default) else setting.default


def lessons_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The lessons folder for commands that need no app (``trainer check``, ``new``):
    read here like every other setting, so that all commands agree."""
    setting = next(s for s in SETTINGS if s.key == "LESSONS_DIR")
    return Path(value(setting, instance_dir(), environ))


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, or generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()

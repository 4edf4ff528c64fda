"""All configuration in one place. Every value can be set from the environment
(``TRAINER_<NAME>``, or ``DATABASE_URL`` / ``SECRET_KEY``) or passed to
``create_app(test_config)``."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: lessons/, static/, translations/


def defaults(instance_path: str) -> dict:
    instance = Path(instance_path)
    env = os.environ.get
    return {
        "DATABASE_URL": env("DATABASE_URL") or f"sqlite:///{instance / 'tapso.db'}",
        "LESSONS_DIR": env("TRAINER_LESSONS_DIR") or str(ROOT / "lessons"),
        "TRANSLATIONS_DIR": str(ROOT / "translations"),
        "STATIC_DIR": str(ROOT / "static"),
        "DEFAULT_LOCALE": "vi",
        # htmx from a CDN with SRI; the same version is vendored and loaded when it fails.
        "HTMX_VERSION": "2.0.11",
        "HTMX_CDN_URL": env("TRAINER_HTMX_CDN_URL",
                            "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"),
        "HTMX_SRI": "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg",
        "USE_CDN": env("TRAINER_USE_CDN", "1") not in ("0", "false", "no"),
        "NUDGE_SECONDS": int(env("TRAINER_NUDGE_SECONDS", "60")),
        "CLASS_POLL_SECONDS": int(env("TRAINER_CLASS_POLL_SECONDS", "3")),
        # Scenarios in one round of scam practice (a shorter round suits a slow class).
        "PRACTICE_ROUND_SIZE": int(env("TRAINER_PRACTICE_ROUND_SIZE", "10")),
        # Kiosk mode (shared device): ask after KIOSK_IDLE_SECONDS without a touch, then wait
        # KIOSK_ASK_SECONDS for one tap before returning to the start screen.
        "KIOSK": env("TRAINER_KIOSK", "0") in ("1", "true", "yes"),
        "KIOSK_IDLE_SECONDS": int(env("TRAINER_KIOSK_IDLE_SECONDS", "600")),
        "KIOSK_ASK_SECONDS": int(env("TRAINER_KIOSK_ASK_SECONDS", "60")),
        "VOLUNTEER_SESSION_HOURS": float(env("TRAINER_VOLUNTEER_SESSION_HOURS", "12")),
        "MAX_CONTENT_LENGTH": 16 * 1024,  # answers are tiny; anything bigger is refused
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(days=400),  # the browsers' cap
        "SESSION_COOKIE_NAME": "tapso",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("TRAINER_SECURE_COOKIES", "0") == "1",
        "WTF_CSRF_TIME_LIMIT": None,  # no timeouts that lose work: valid as long as the session
        "WTF_CSRF_SSL_STRICT": False,
        "SEND_FILE_MAX_AGE_DEFAULT": dt.timedelta(days=365),  # asset URLs carry a content hash
    }


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

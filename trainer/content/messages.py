"""The language of the problems ``trainer check`` and the authors' pages report.

Problems are written in English in the code (``P_`` marks them for extraction) and
translated from the ``problems`` catalogue in ``translations/<lang>/LC_MESSAGES/
problems.po``: Vietnamese for the authors of this project, English when a catalogue
has no entry. The ``.po`` file is read directly (no compiled ``.mo``), so a fresh
checkout and an author's edit of the catalogue both work without a build step.
``make translations`` extracts new messages into ``translations/problems.pot``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

_PACKAGE = Path(__file__).resolve().parents[1]
# the checkout's translations/ in development, else the copy an installed wheel carries
# (as trainer.config.resource_dir finds it; content/ does not import the Flask side)
CATALOGUES = next((p for p in (_PACKAGE.parent / "translations",
                               _PACKAGE / "bundled" / "translations") if p.is_dir()),
                  _PACKAGE.parent / "translations")
DOMAIN = "problems"
DEFAULT = "vi"

_language: ContextVar[str] = ContextVar("problems_language", default=DEFAULT)


def P_(message: str) -> str:  # noqa: N802 - gettext's N_, named apart from the UI's
    """Mark a problem message for the catalogue; it is translated when shown."""
    return message


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> translation for one language ({} when there is no catalogue)."""
    path = CATALOGUES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        po = read_po(fh, locale=language)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and m.string
            and not m.fuzzy}


def current() -> str:
    return _language.get()


def translate(message: str, language: str | None = None) -> str:
    """``message`` in ``language`` (the current one by default), or English."""
    return catalogue(language or current()).get(message, message)


@contextlib.contextmanager
def language(code: str | None) -> Iterator[None]:
    """Report problems in ``code`` ("vi", "en", "en_GB.UTF-8" ...) inside the block."""
    token = _language.set(pick(code))
    try:
        yield
    finally:
        _language.reset(token)


def use(code: str | None) -> None:
    """Report problems in ``code`` from now on in this context (one web request)."""
    _language.set(pick(code))


def pick(code: str | None) -> str:
    """The two-letter language of a locale name; Vietnamese when none is given."""
    code = (code or "").strip().split(".")[0].split("_")[0].split("-")[0].lower()
    return code if code and code not in ("c", "posix") else DEFAULT


def from_environment(option: str | None = None) -> str:
    """``--lang`` if given, else ``LANG``, else Vietnamese."""
    return pick(option or os.environ.get("LANG"))

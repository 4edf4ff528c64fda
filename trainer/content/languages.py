"""Which interface languages exist and what they are called: plain functions, used by
the web app (language buttons) and the authors' translation status alike."""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError


def languages(translations_dir: str, default: str) -> list[str]:
    """Vietnamese plus every language with a catalogue: adding one needs no code."""
    found = sorted(p.parent.name for p in Path(translations_dir).glob("*/LC_MESSAGES"))
    # A code Babel has no locale data for (e.g. Tày 'tyz') would crash every page once
    # chosen: leave it out; /authors/translations says why (docs/translating.md).
    return [default] + [c for c in found if c != default and babel_knows(c)]


def babel_knows(code: str) -> bool:
    """Whether Babel has locale data for the code: only then can the UI switch to it."""
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def language_name(code: str) -> str:
    """A language's name in itself ("Tiếng Việt", "English"), so anyone can find theirs."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]  # "Tiếng Việt", not capitalize()'s "Tiếng việt"

"""Translation status: for every language but Vietnamese, the lessons not translated
or translated from an older Vietnamese text, and the UI strings its catalogue lacks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from trainer.content.languages import babel_knows, language_name
from trainer.content.lesson import Lesson
from trainer.content.library import DEFAULT_LOCALE, Library

TRANSLATED_FROM = "translated_from"  # optional front-matter field of a translation
STATES = ("missing", "outdated", "unconfirmed")  # of a lesson's translation, most urgent first


def source_hash(text: str) -> str:
    """The fingerprint a translation records as ``translated_from``: it changes whenever
    the Vietnamese file changes (line endings and trailing spaces ignored)."""
    normal = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class LessonTranslation:
    lesson_id: str
    title: str  # the Vietnamese title, so authors recognise the lesson
    source: str  # the Vietnamese file, as shown to authors
    state: str  # "missing", "outdated" or "unconfirmed" (no translated_from recorded)
    path: str = ""  # the translation's file, when there is one
    current_hash: str = ""  # what translated_from should say once the translation is updated


@dataclass
class LanguageStatus:
    code: str
    name: str
    lessons: list[LessonTranslation] = field(default_factory=list)
    catalogue: str = ""  # path of messages.po, "" when the language has none
    untranslated: list[str] = field(default_factory=list)  # msgids without a translation
    ui_total: int = 0
    selectable: bool = True  # False when Babel has no locale data for the code

    @property
    def up_to_date(self) -> bool:
        return not self.lessons and not self.untranslated


def translation_status(library: Library, translations_dir: Path,
                       languages: Iterable[str] = ()) -> list[LanguageStatus]:
    """For every language but Vietnamese: lessons not translated or translated from an
    older Vietnamese text, and UI strings missing from its catalogue."""
    translations_dir = Path(translations_dir)
    codes = set(languages) | set(library.locales) | {
        p.parent.name for p in translations_dir.glob("*/LC_MESSAGES")}
    codes.discard(DEFAULT_LOCALE)
    template = _read_catalogue(translations_dir / "messages.pot")
    wanted = [m.id for m in template if m.id] if template is not None else []
    out = []
    for code in sorted(codes):
        status = LanguageStatus(code, language_name(code), selectable=babel_knows(code))
        status.lessons = _lesson_status(library, code)
        po = translations_dir / code / "LC_MESSAGES" / "messages.po"
        catalogue = _read_catalogue(po)
        status.ui_total = len(wanted)
        if catalogue is not None:
            status.catalogue = str(po)
            status.untranslated = [_msgid_text(m) for m in wanted
                                   if not _translated(catalogue.get(m))]
        else:
            status.untranslated = [_msgid_text(m) for m in wanted]
        out.append(status)
    return out


def _lesson_status(library: Library, code: str) -> list[LessonTranslation]:
    rows = []
    for lesson_id in library.ids():
        source = library.lessons.get((lesson_id, DEFAULT_LOCALE))
        if source is None:
            continue
        current = _file_hash(library.root, source)
        ours = library.lessons.get((lesson_id, code))
        translation_path = library.root / code / Path(source.path).name
        if ours is None and not translation_path.exists():
            rows.append(LessonTranslation(lesson_id, source.title, source.path, "missing",
                                          current_hash=current))
            continue
        recorded = _front_field(translation_path if ours is None else Path(ours.path),
                                library.root, TRANSLATED_FROM)
        if recorded == current:
            continue
        shown = ours.path if ours is not None else str(translation_path)
        rows.append(LessonTranslation(lesson_id, source.title, source.path,
                                      "unconfirmed" if recorded is None else "outdated",
                                      shown, current))
    return sorted(rows, key=lambda row: STATES.index(row.state))  # most urgent first


def _lesson_file(root: Path, shown: str) -> Path:
    """A lesson's file from the path the library shows (relative to cwd, or absolute)."""
    path = Path(shown)
    if path.is_absolute() or path.exists():
        return path
    return Path(root) / path.parent.name / path.name


def _file_hash(root: Path, lesson: Lesson) -> str:
    return source_hash(_lesson_file(root, lesson.path).read_text(encoding="utf-8"))


def _front_field(path: Path, root: Path, key: str) -> str | None:
    """One front-matter value read straight from the file (the parser keeps no extras)."""
    try:
        text = _lesson_file(root, str(path)).read_text(encoding="utf-8")
    except OSError:
        return None
    parts = text.replace("\r\n", "\n").split("\n---", 1)
    if not parts[0].startswith("---"):
        return None
    try:
        front = yaml.safe_load(parts[0][3:])
    except yaml.YAMLError:
        return None
    value = front.get(key) if isinstance(front, dict) else None
    return None if value is None else str(value)


def _read_catalogue(path: Path):
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return read_po(fh)


def _translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def _msgid_text(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple | list) else str(msgid)


def status_lines(statuses: list[LanguageStatus]) -> list[str]:
    """The translation status as plain text for ``trainer check --translations``."""
    out = []
    for status in statuses:
        out.append(f"[{status.code}] {status.name}: {len(status.lessons)} lesson(s) to "
                   f"translate or update, {len(status.untranslated)} of {status.ui_total} "
                   "UI string(s) untranslated.")
        if not status.selectable:
            out.append(f"  Babel has no locale data for '{status.code}': learners cannot "
                       "choose it yet (see docs/translating.md).")
        for row in status.lessons:
            if row.state == "missing":
                out.append(f"  missing   {row.source}: no {status.code}/ translation "
                           f"(translated_from: {row.current_hash})")
            elif row.state == "outdated":
                out.append(f"  outdated  {row.path}: {row.source} changed after it was "
                           f"translated. Update it, then set translated_from: {row.current_hash}")
            else:
                out.append(f"  unknown   {row.path} records no translated_from. Compare it "
                           f"with {row.source}, then set translated_from: {row.current_hash}")
        for msgid in status.untranslated:
            out.append(f"  ui string {msgid!r}")
    return out

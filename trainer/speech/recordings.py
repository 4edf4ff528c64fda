"""Volunteers' recordings: ``lessons/audio/<lang>/<lesson-id>/<role>.<ext>``.

Beside each recording, ``<role>.json`` keeps the words it was made for and their
key. A recording is found by the key of the words on the page, so it is never
played for words it was not made for; when the author changes the text, the
recording stays on disk, unused, and ``trainer check`` calls it outdated.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from trainer.content.lesson import Lesson
from trainer.speech.texts import SpokenText, lesson_texts, text_key
from trainer.speech.voice import write_atomic

KINDS = {"webm": "audio/webm", "ogg": "audio/ogg"}  # what MediaRecorder gives (Opus)
MAGIC = {"webm": b"\x1a\x45\xdf\xa3", "ogg": b"OggS"}
MAX_BYTES = 5 * 1024 * 1024  # about five minutes of Opus speech
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,120}$")


@dataclass(frozen=True)
class Recording:
    lesson_id: str
    role: str
    ext: str
    key: str  # text_key of the words it was made for
    text: str

    @property
    def mimetype(self) -> str:
        return KINDS[self.ext]

    def path(self, root: Path, lang: str) -> Path:
        return folder(root, lang, self.lesson_id) / f"{self.role}.{self.ext}"


def folder(root: Path, lang: str, lesson_id: str) -> Path:
    return Path(root) / "audio" / lang / lesson_id


def safe_name(name: str) -> bool:
    return bool(_NAME.match(name or "")) and ".." not in name


def load(root: Path, lang: str, lesson_id: str) -> dict[str, Recording]:
    """A lesson's recordings by role (a broken side file is skipped, never an error)."""
    out: dict[str, Recording] = {}
    if not (safe_name(lang) and safe_name(lesson_id)):
        return out
    for meta in sorted(folder(root, lang, lesson_id).glob("*.json")):
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            rec = Recording(lesson_id, meta.stem, str(data["ext"]), str(data["key"]),
                            str(data["text"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if rec.ext in KINDS and rec.path(root, lang).is_file():
            out[rec.role] = rec
    return out


def save(root: Path, lang: str, lesson_id: str, said: SpokenText, data: bytes) -> Recording | None:
    """Keep a recording of ``said``; None when ``data`` is not Opus in WebM or Ogg."""
    ext = next((e for e, magic in MAGIC.items() if data.startswith(magic)), None)
    if ext is None or not data or len(data) > MAX_BYTES or not safe_name(said.role):
        return None
    rec = Recording(lesson_id, said.role, ext, said.key, said.text)
    where = folder(root, lang, lesson_id)
    for old in where.glob(f"{said.role}.*"):  # a re-recording may change the container
        if old.suffix.lstrip(".") in KINDS and old.suffix != f".{ext}":
            old.unlink()
    write_atomic(rec.path(root, lang), data)
    meta = {"key": rec.key, "text": rec.text, "ext": ext,
            "recorded": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    write_atomic(where / f"{said.role}.json",
                  json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
    return rec


@dataclass
class _Index:
    signature: tuple = ()
    by_key: dict[str, Recording] = field(default_factory=dict)


_indexes: dict[tuple[str, str], _Index] = {}
_lock = threading.Lock()


def find(root: Path, lang: str, key: str) -> Recording | None:
    """The recording made for the words with ``key`` in ``lang``, if any.

    Re-read only when a lesson's recording folder changed (a save renames a file
    into it), so each "Nghe" button on a page costs a few ``stat`` calls.
    """
    base = Path(root) / "audio" / lang
    if not safe_name(lang) or not base.is_dir():
        return None
    dirs = sorted(p for p in base.iterdir() if p.is_dir())
    signature = tuple((p.name, p.stat().st_mtime_ns) for p in dirs)
    with _lock:
        index = _indexes.setdefault((str(root), lang), _Index())
        if index.signature != signature:
            index.by_key = {rec.key: rec for p in dirs for rec in load(root, lang, p.name).values()}
            index.signature = signature
        return index.by_key.get(key)


@dataclass(frozen=True)
class Coverage:
    """How much of a lesson can be heard in a volunteer's voice."""

    lesson: Lesson
    texts: int
    recorded: list[str]  # roles with a recording of the current words
    outdated: list[Recording]  # the words changed after recording
    missing: list[str]


def coverage(root: Path, lesson: Lesson, gettext: Callable[[str], str]) -> Coverage:
    said = lesson_texts(lesson, gettext)
    recs = load(root, lesson.locale, lesson.id)
    recorded, outdated, missing = [], [], []
    for text in said:
        rec = recs.get(text.role)
        if rec is None:
            missing.append(text.role)
        elif rec.key == text_key(text.text):
            recorded.append(text.role)
        else:
            outdated.append(rec)
    return Coverage(lesson, len(said), recorded, outdated, missing)


def report(root: Path, lessons: Iterable[Lesson], gettext_for: Callable[[str], Callable],
           every_lesson: bool = False) -> list[str]:
    """``trainer check``'s lines about recordings: information, never a failure.

    Outdated recordings always; the missing ones per lesson with ``every_lesson``
    (most lessons have none yet, and a check is read to find what is broken).
    """
    lines, totals, bare = [], {}, 0
    for lesson in sorted(lessons, key=lambda x: (x.locale, x.id)):
        if not every_lesson and not load(root, lesson.locale, lesson.id):
            bare += 1  # nothing recorded, nothing outdated: its texts are not worked out
            continue   # (that is most of check's time on a large library)
        cov = coverage(root, lesson, gettext_for(lesson.locale))
        done, total = totals.get(lesson.locale, (0, 0))
        totals[lesson.locale] = (done + len(cov.recorded), total + cov.texts)
        for rec in cov.outdated:
            lines.append(f"{lesson.path}: recording audio/{lesson.locale}/{lesson.id}/{rec.role}."
                         f"{rec.ext} is outdated: the text changed after it was recorded "
                         f"(record it again on /authors/record/{lesson.id}).")
        if every_lesson and cov.missing:
            lines.append(f"{lesson.path}: {len(cov.recorded)}/{cov.texts} texts recorded; "
                         f"missing: {', '.join(cov.missing)}")
    summary = ", ".join(f"{lang} {done}/{total}" for lang, (done, total) in sorted(totals.items()))
    if every_lesson:
        lines.append(f"Recordings (information): {summary or 'no lessons'} texts recorded; "
                     "the server's voice says the rest.")
    elif summary:
        lines.append(f"Recordings (information): {summary} texts recorded in the lessons "
                     f"that have recordings, {bare} lesson files have none (`trainer check "
                     "--recordings` counts what each one misses); the server's voice says "
                     "the rest.")
    else:
        lines.append("Recordings (information): no lesson has recordings yet (`trainer check "
                     "--recordings` counts the texts); the server's voice says them all.")
    return lines

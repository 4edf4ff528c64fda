"""The live preview of a lesson file: the lesson as far as it parses, every problem at
its line, and a fingerprint of the folder so an open preview knows when to redraw."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from trainer.content.lesson import Lesson, LessonError, Problem
from trainer.content.library import Library, check_text, display_path
from trainer.content.parser import _Collector, _split_steps, parse_lesson

CONTEXT_LINES = 3  # raw lines shown above and below a problem in a file that does not parse


def lesson_files(root: Path) -> list[Path]:
    """Lesson files below ``root``, as the library finds them (``<locale>/<name>.md``)."""
    return sorted(p for p in Path(root).glob("*/*.md") if p.parent.name != "audio")


def resolve_lesson_path(root: Path, wanted: str) -> Path | None:
    """The lesson file ``wanted`` names, only if it is inside ``root`` (no ``..`` tricks).

    Accepts ``vi/x.md`` and ``lessons/vi/x.md`` (as ``trainer check`` prints it).
    """
    root = Path(root).resolve()
    wanted = (wanted or "").replace("\\", "/").strip()
    if not wanted or "\x00" in wanted:
        return None
    prefix = root.name + "/"
    candidates = [wanted, wanted[len(prefix):]] if wanted.startswith(prefix) else [wanted]
    for candidate in candidates:
        path = (root / candidate).resolve()
        if path.is_relative_to(root) and path in {p.resolve() for p in lesson_files(root)}:
            return path
    return None


@dataclass(frozen=True)
class RawLine:
    number: int
    text: str
    bad: bool


@dataclass(frozen=True)
class Section:
    """One ``## Heading`` of the file, from its heading to the next one."""

    heading: str
    line: int
    end: int  # first line after the section
    index: int | None  # position in ``Preview.lesson.steps``; None when the step is broken
    problems: tuple[Problem, ...]


@dataclass
class Preview:
    """One lesson file as an author sees it: the lesson (without the steps that are
    broken, when the rest still makes sense) and every problem, each at its line."""

    path: Path
    shown: str  # e.g. lessons/vi/x.md
    lesson: Lesson | None
    problems: list[Problem]
    lines: list[str] = field(default_factory=list)
    headings: list[tuple[str, int]] = field(default_factory=list)

    def sections(self) -> tuple[list[Problem], list[Section]]:
        """Problems above the first step (front matter, introduction) and each step's."""
        starts = [line for _, line in self.headings]
        head = [p for p in self.problems if not starts or p.line < starts[0]]
        by_line = {s.line: i for i, s in enumerate(self.lesson.steps)} if self.lesson else {}
        out = []
        for i, (heading, line) in enumerate(self.headings):
            end = starts[i + 1] if i + 1 < len(starts) else len(self.lines) + 1
            mine = tuple(p for p in self.problems if line <= p.line < end)
            out.append(Section(heading, line, end, by_line.get(line), mine))
        return head, out

    def raw(self, first: int, last: int, bad: Iterable[int] = ()) -> list[RawLine]:
        """Lines ``first``..``last`` of the file as written, the ``bad`` ones marked."""
        bad = set(bad)
        first, last = max(1, first), min(len(self.lines), last)
        return [RawLine(n, self.lines[n - 1], n in bad) for n in range(first, last + 1)]

    def context(self, problem: Problem) -> list[RawLine]:
        """The raw lines around a problem, for a file that does not parse."""
        return self.raw(problem.line - CONTEXT_LINES, problem.line + CONTEXT_LINES,
                        [problem.line])


def preview(library: Library, path: Path, text: str | None = None) -> Preview:
    """Parse one file fresh from disk (or ``text``, what the browser editor holds) with
    its problems, those found across files too (unknown topic, a translation whose steps
    differ...): from a library loaded from the same files, or checked against it."""
    root = library.root
    shown = f"{root.name}/{path.resolve().relative_to(root.resolve())}"
    if text is None:
        text = path.read_text(encoding="utf-8", errors="replace")
        mine = {str(path), str(path.resolve()), display_path(path)}
        found = [p for p in library.problems if p.path in mine]
    else:
        found = check_text(library, path, text)[1]
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    problems = sorted((replace(p, path=shown) for p in found), key=lambda p: p.line)
    locale = path.parent.name
    try:
        lesson: Lesson | None = parse_lesson(text, shown, locale)
    except LessonError as exc:
        lesson = _without_broken_steps(lines, shown, locale, exc.problems)
    return Preview(path, shown, lesson, problems, lines, _headings(lines))


def _headings(lines: list[str]) -> list[tuple[str, int]]:
    """Every step heading (``## ...`` outside code blocks) with its line number."""
    start = _front_end(lines)
    if start is None:
        return []
    _, steps = _split_steps(lines, start + 1, _Collector(""))
    return [(heading, line) for heading, line, _, _ in steps]


def _front_end(lines: list[str]) -> int | None:
    if not lines or lines[0].strip() != "---":
        return None
    return next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)


def _without_broken_steps(lines: list[str], shown: str, locale: str,
                          problems: list[Problem]) -> Lesson | None:
    """The lesson with its broken steps blanked out (line numbers kept), so the good
    steps can still be previewed; None when the front matter itself is broken."""
    end = _front_end(lines)
    if end is None or any(p.line <= end + 1 for p in problems):
        return None
    starts = [line for _, line in _headings(lines)]
    if not starts or any(p.line < starts[0] for p in problems):
        return None
    kept = list(lines)
    bounds = list(zip(starts, [*starts[1:], len(lines) + 1], strict=True))
    for first, stop in bounds:
        if any(first <= p.line < stop for p in problems):
            kept[first - 1:stop - 1] = [""] * (stop - first)
    if kept == lines:
        return None
    try:
        return parse_lesson("\n".join(kept), shown, locale)
    except LessonError:
        return None


def signature(root: Path) -> str:
    """A cheap fingerprint of the lessons folder (names, sizes, modification times):
    it changes when an author saves, adds or removes a lesson or the topics file."""
    root = Path(root)
    digest = hashlib.sha256()
    for path in [*lesson_files(root), root / "topics.yaml"]:
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    return digest.hexdigest()[:16]

"""The set of lessons in a folder: parsed once, checked across languages.

A broken file is reported and left out; the rest are served. ``trainer check``
and the web app use the same ``load_library`` so they always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.content.lesson import (
    Choose,
    Judge,
    Lesson,
    LessonError,
    Problem,
    Spot,
    Step,
    Tap,
    Type,
)
from trainer.content.messages import P_
from trainer.content.parser import _Collector, load_yaml, parse_lesson, suggest
from trainer.screens.kit import load_apps

DEFAULT_LOCALE = "vi"
TOPICS_FILE = "topics.yaml"


@dataclass(frozen=True)
class Topic:
    id: str
    order: int
    titles: Mapping[str, str]
    summaries: Mapping[str, str]
    group: str = ""  # topics sharing a group share one tile on the home page ("scams")

    def title(self, locale: str) -> str:
        return self.titles.get(locale) or self.titles.get(DEFAULT_LOCALE) or self.id

    def summary(self, locale: str) -> str:
        return self.summaries.get(locale) or self.summaries.get(DEFAULT_LOCALE) or ""


@dataclass
class Library:
    root: Path
    lessons: dict[tuple[str, str], Lesson] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def locales(self) -> list[str]:
        return sorted({locale for _, locale in self.lessons})

    def get(self, lesson_id: str, locale: str) -> Lesson | None:
        """The lesson in ``locale``, falling back to Vietnamese, the source language."""
        return self.lessons.get((lesson_id, locale)) or self.lessons.get(
            (lesson_id, DEFAULT_LOCALE))

    def ids(self) -> list[str]:
        return sorted({lesson_id for lesson_id, _ in self.lessons})

    def listing(self, locale: str) -> list[Lesson]:
        """Every lesson once, in ``locale`` where translated, in suggested order."""
        chosen = [self.get(lesson_id, locale) for lesson_id in self.ids()]
        return sorted((x for x in chosen if x is not None), key=self._sort_key)

    def by_topic(self, locale: str) -> list[tuple[Topic, list[Lesson]]]:
        groups: dict[str, list[Lesson]] = {}
        for lesson in self.listing(locale):
            groups.setdefault(lesson.topic, []).append(lesson)
        return [(self.topics[t], groups[t]) for t in sorted(groups, key=self._topic_order)]

    def _topic_order(self, topic_id: str) -> tuple[int, str]:
        topic = self.topics.get(topic_id)
        return (topic.order if topic else 999, topic_id)

    def _sort_key(self, lesson: Lesson) -> tuple:
        return (*self._topic_order(lesson.topic), lesson.order, lesson.id)


def load_library(root: str | Path, today: dt.date | None = None) -> Library:
    root = Path(root)
    library = Library(root=root)
    library.topics = _load_topics(root, library.problems)
    library.problems.extend(load_apps(root / "apps"))  # before lessons: they use its screens
    files = sorted(p for p in root.glob("*/*.md") if p.parent.name != "audio")
    parsed: list[tuple[Path, Lesson]] = []
    for path in files:
        locale = path.parent.name
        shown = display_path(path)
        try:
            lesson = parse_lesson(path.read_text(encoding="utf-8"), shown, locale, today)
        except UnicodeDecodeError:
            library.problems.append(Problem(shown, 1, P_("The file is not UTF-8 text."),
                                            P_("Save it as UTF-8 in your editor.")))
            continue
        except LessonError as exc:
            library.problems.extend(exc.problems)
            continue
        parsed.append((path, lesson))
    # A copy that keeps its original's id is the mistake, not the original: the older
    # file keeps the id (and the learners' progress saved under it).
    parsed.sort(key=lambda pl: (_age(pl[0]), str(pl[0])))
    for _path, lesson in parsed:
        key, shown = (lesson.id, lesson.locale), lesson.path
        if key in library.lessons:
            library.problems.append(Problem(
                shown, 2, P_("The id '{id}' is already used by {other}."),
                P_("This file looks like a copy: give it its own id (keep the id of "
                   "{other}, as learners' progress is saved under it)."),
                (("id", lesson.id), ("other", library.lessons[key].path))))
            continue
        if lesson.topic not in library.topics:
            library.problems.append(Problem(
                shown, 2, P_("Unknown topic '{topic}'."),
                P_("Use one of: {known}, or add it to lessons/{file}."),
                (("topic", lesson.topic), ("known", sorted(library.topics)),
                 ("file", TOPICS_FILE)), suggest(lesson.topic, library.topics)))
            continue
        silent = [s for s in lesson.steps if s.audio and not (root / "audio" / s.audio).is_file()]
        for step in silent:
            library.problems.append(Problem(
                shown, step.line_of("audio"), P_("The audio file lessons/audio/{file} is "
                                                 "missing."),
                P_("Put the recording there, or remove 'audio:'."), (("file", step.audio),)))
        if silent:
            continue
        library.lessons[key] = lesson
    _check_translations(library)
    return library


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # pragma: no cover - removed while loading
        return 0.0


def _check_translations(library: Library) -> None:
    """A translation must teach what the Vietnamese teaches: the same lesson id, steps,
    screens, right answers, targets and red flags. Only the words may differ."""
    by_file = {Path(x.path).name: x for (_, locale), x in library.lessons.items()
               if locale == DEFAULT_LOCALE}
    for (lesson_id, locale), lesson in list(library.lessons.items()):
        if locale == DEFAULT_LOCALE:
            continue
        source = library.lessons.get((lesson_id, DEFAULT_LOCALE))
        if source is None:
            twin = by_file.get(Path(lesson.path).name)
            if twin is not None:
                library.problems.append(Problem(
                    lesson.path, 2, P_("The id '{id}' differs from '{source}' in {path}."),
                    P_("A translation keeps the Vietnamese lesson's id: write 'id: {source}'."),
                    (("id", lesson_id), ("source", twin.id), ("path", twin.path))))
                del library.lessons[(lesson_id, locale)]
            continue
        found = translation_differences(source, lesson)
        for line, what, fix, args in found:
            library.problems.append(Problem(lesson.path, line, what, fix, tuple(args.items())))
        if found:
            del library.lessons[(lesson_id, locale)]


def translation_differences(source: Lesson, lesson: Lesson) -> list[tuple[int, str, str, dict]]:
    """Where ``lesson`` teaches something other than ``source``: (line, what, fix, args)."""
    ours, theirs = [s.key for s in lesson.steps], [s.key for s in source.steps]
    if len(ours) != len(theirs):
        return [(lesson.steps[-1].line if lesson.steps else 2,
                 P_("This translation has {ours} steps but {path} has {theirs}."),
                 P_("Translations have the same steps, in the same order."),
                 {"ours": len(ours), "theirs": len(theirs), "path": source.path})]
    if ours != theirs:
        index = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b)
        return [(lesson.steps[index].line,
                 P_("Step {number} has id '{ours}' but in {path} it is '{theirs}'."),
                 P_("Keep the same step ids in the same order."),
                 {"number": index + 1, "ours": ours[index], "theirs": theirs[index],
                  "path": source.path})]
    out = []
    if sorted(lesson.state) != sorted(source.state):
        out.append((2, P_("The front matter's state keys differ from {path}: {ours} here, "
                          "{theirs} there."),
                    P_("Translate the texts in the state, keep its keys."),
                    {"path": source.path, "ours": sorted(lesson.state),
                     "theirs": sorted(source.state)}))
    for number, (mine, theirs_step) in enumerate(zip(lesson.steps, source.steps,
                                                     strict=True), start=1):
        for aspect, a, b in _meaning(mine, theirs_step):
            if a != b:
                out.append((mine.line_of(aspect if aspect in mine.key_lines else "id"),
                            P_("Step {number} ('{key}') differs from {path} in {aspect}: "
                               "{ours} here, {theirs} there."),
                            P_("Change only the words: a translation teaches the same thing."),
                            {"number": number, "key": mine.key, "path": source.path,
                             "aspect": aspect, "ours": a, "theirs": b}))
    return out


def _meaning(mine: Step, theirs: Step) -> list[tuple[str, Any, Any]]:
    """The parts of two steps that carry meaning rather than words."""
    a, b = mine.interaction, theirs.interaction
    pairs: list[tuple[str, Any, Any]] = [("screen", mine.screen, theirs.screen),
                                         ("kind", a.kind, b.kind)]
    if a.kind != b.kind:
        return pairs
    if isinstance(a, Tap):
        pairs.append(("tap", sorted(a.targets), sorted(b.targets)))  # type: ignore[union-attr]
    elif isinstance(a, Type):
        pairs += [("type", (a.field, a.card, a.store), (b.field, b.card, b.store))]  # type: ignore[union-attr]
    elif isinstance(a, Choose):
        pairs.append(("choose", [o.correct for o in a.options],
                      [o.correct for o in b.options]))  # type: ignore[union-attr]
    elif isinstance(a, Judge):
        pairs.append(("judge", a.answer, b.answer))  # type: ignore[union-attr]
    elif isinstance(a, Spot):
        pairs.append(("spot", sorted(a.flags_md), sorted(b.flags_md)))  # type: ignore[union-attr]
    pairs += [("set", sorted(mine.set_state), sorted(theirs.set_state)),
              ("add", sorted(mine.add_state), sorted(theirs.add_state))]
    return pairs


def _load_topics(root: Path, problems: list[Problem]) -> dict[str, Topic]:
    path = root / TOPICS_FILE
    shown = display_path(path)
    if not path.exists():
        problems.append(Problem(shown, 1, P_("The topics file is missing."),
                                P_("List each topic's id, order and title per language (see "
                                   "docs/authoring.md).")))
        return {}
    out = _Collector(shown)
    data, lines = load_yaml(path.read_text(encoding="utf-8"), 1, out)
    problems.extend(out.problems)
    topics: dict[str, Topic] = {}
    if not isinstance(data, list):
        if data is not None:
            problems.append(Problem(shown, 1, P_("The topics file is not a list."),
                                    P_("Start each topic with '- id: ...'.")))
        return topics
    for i, item in enumerate(data):
        if not (isinstance(item, Mapping) and isinstance(item.get("id"), str)
                and isinstance(item.get("title"), Mapping)):
            problems.append(Problem(shown, lines.get((i,), 1), P_("This topic is incomplete."),
                                    P_("Give it 'id:', 'order:' and 'title:' with one line per "
                                       "language.")))
            continue
        topics[item["id"]] = Topic(
            id=item["id"], order=int(item.get("order", 999)),
            titles={str(k): str(v) for k, v in item["title"].items()},
            summaries={str(k): str(v) for k, v in (item.get("summary") or {}).items()},
            group=str(item.get("group") or ""),
        )
    return topics


def display_path(path: Path) -> str:
    """A path authors recognise: relative to the working folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)



def check_text(library: Library, path: Path, text: str) -> tuple[Lesson | None, list[Problem]]:
    """What ``trainer check`` would say if ``path`` held ``text``, without writing it:
    the file's own problems and those across files (topic, an id another file uses, a
    translation that teaches otherwise). For the browser editor, which saves only a
    file that passes."""
    shown = display_path(path)
    try:
        lesson = parse_lesson(text, shown, path.parent.name)
    except LessonError as exc:
        return None, list(exc.problems)
    problems: list[Problem] = []
    other = library.lessons.get((lesson.id, lesson.locale))
    if other is not None and Path(other.path).resolve() != path.resolve():
        problems.append(Problem(shown, 2, P_("The id '{id}' is already used by {other}."),
                                P_("This file looks like a copy: give it its own id (keep the "
                                   "id of {other}, as learners' progress is saved under it)."),
                                (("id", lesson.id), ("other", other.path))))
    if lesson.topic not in library.topics:
        problems.append(Problem(shown, 2, P_("Unknown topic '{topic}'."),
                                P_("Use one of: {known}, or add it to lessons/{file}."),
                                (("topic", lesson.topic), ("known", sorted(library.topics)),
                                 ("file", TOPICS_FILE)), suggest(lesson.topic, library.topics)))
    for step in lesson.steps:
        if step.audio and not (library.root / "audio" / step.audio).is_file():
            problems.append(Problem(shown, step.line_of("audio"),
                                    P_("The audio file lessons/audio/{file} is missing."),
                                    P_("Put the recording there, or remove 'audio:'."),
                                    (("file", step.audio),)))
    source = library.lessons.get((lesson.id, DEFAULT_LOCALE))
    if lesson.locale != DEFAULT_LOCALE and source is not None:
        for line, what, fix, args in translation_differences(source, lesson):
            problems.append(Problem(shown, line, what, fix, tuple(args.items())))
    return lesson, problems

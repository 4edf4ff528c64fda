"""The set of lessons in a folder: parsed once, checked across languages.

A broken file is reported and left out; the rest are served. ``trainer check``
and the web app use the same ``load_library`` so they always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from trainer.content.lesson import Lesson, LessonError, Problem
from trainer.content.parser import _Collector, load_yaml, parse_lesson
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


def load_library(root: str | Path) -> Library:
    root = Path(root)
    library = Library(root=root)
    library.topics = _load_topics(root, library.problems)
    library.problems.extend(load_apps(root / "apps"))  # before lessons: they use its screens
    files = sorted(p for p in root.glob("*/*.md") if p.parent.name != "audio")
    for path in files:
        locale = path.parent.name
        shown = display_path(path)
        try:
            lesson = parse_lesson(path.read_text(encoding="utf-8"), shown, locale)
        except UnicodeDecodeError:
            library.problems.append(Problem(shown, 1, "The file is not UTF-8 text. Save it "
                                                      "as UTF-8 in your editor."))
            continue
        except LessonError as exc:
            library.problems.extend(exc.problems)
            continue
        key = (lesson.id, locale)
        if key in library.lessons:
            library.problems.append(Problem(shown, 2, f"The id '{lesson.id}' is already used by "
                                            f"{library.lessons[key].path}. Give each lesson its "
                                            "own id."))
            continue
        if lesson.topic not in library.topics:
            library.problems.append(Problem(shown, 2, f"Unknown topic '{lesson.topic}'. Use one "
                                            f"of: {', '.join(sorted(library.topics))}, or add it "
                                            f"to lessons/{TOPICS_FILE}."))
            continue
        silent = [s for s in lesson.steps if s.audio and not (root / "audio" / s.audio).is_file()]
        for step in silent:
            library.problems.append(Problem(shown, step.line, f"Step '{step.key}': the audio "
                                            f"file lessons/audio/{step.audio} is missing."))
        if silent:
            continue
        library.lessons[key] = lesson
    _check_translations(library)
    return library


def _check_translations(library: Library) -> None:
    """A translation must have the same steps, in the same order, as the Vietnamese."""
    for (lesson_id, locale), lesson in list(library.lessons.items()):
        source = library.lessons.get((lesson_id, DEFAULT_LOCALE))
        if locale == DEFAULT_LOCALE or source is None:
            continue
        ours = [s.key for s in lesson.steps]
        theirs = [s.key for s in source.steps]
        if ours == theirs:
            continue
        if len(ours) != len(theirs):
            message = (f"This translation has {len(ours)} steps but {source.path} has "
                       f"{len(theirs)}. Translations must have the same steps.")
            line = lesson.steps[-1].line
        else:
            index = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b)
            message = (f"Step {index + 1} has id '{ours[index]}' but in {source.path} it is "
                       f"'{theirs[index]}'. Keep the same step ids in the same order.")
            line = lesson.steps[index].line
        library.problems.append(Problem(lesson.path, line, message))
        del library.lessons[(lesson_id, locale)]


def _load_topics(root: Path, problems: list[Problem]) -> dict[str, Topic]:
    path = root / TOPICS_FILE
    shown = display_path(path)
    if not path.exists():
        problems.append(Problem(shown, 1, "Missing topics file: list each topic's id, order "
                                          "and title per language (see docs/authoring.md)."))
        return {}
    out = _Collector(shown)
    data, lines = load_yaml(path.read_text(encoding="utf-8"), 1, out)
    problems.extend(out.problems)
    topics: dict[str, Topic] = {}
    if not isinstance(data, list):
        if data is not None:
            problems.append(Problem(shown, 1, "The topics file is a list: '- id: ...' per topic."))
        return topics
    for i, item in enumerate(data):
        if not (isinstance(item, Mapping) and isinstance(item.get("id"), str)
                and isinstance(item.get("title"), Mapping)):
            problems.append(Problem(shown, lines.get((i,), 1), "Each topic needs 'id:', "
                                    "'order:' and 'title:' with one line per language."))
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


"""The authors' screen catalogue: every screen with its example step, parsed as a
one-step lesson so a broken example fails loudly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trainer.content.lesson import Lesson, LessonError, Problem
from trainer.content.library import DEFAULT_LOCALE
from trainer.content.parser import parse_lesson
from trainer.screens import SCREENS, SPAN, Screen
from trainer.screens.kit import APPS, component_examples, component_screen

_EXAMPLE_FRONT = """\
---
id: example-{slug}
title: "{title}"
summary: Example
topic: example
minutes: 1
order: 1
sources: [{{title: Example, url: "https://example.org/example"}}]
checked: 2026-01-01
---

## {title}

```step
{example}
```
"""


def example_lesson(screen: Screen) -> Lesson:
    """The screen's example step as a one-step lesson, parsed by the real parser.

    Parsing it applies the state the example sets (``set:``/``add:``) and checks
    every target and field it uses, so a broken example fails loudly.
    """
    if not screen.example.strip():
        raise LessonError([Problem(screen.name, 1, f"Screen {screen.name} has no example step.")])
    text = _EXAMPLE_FRONT.format(slug=screen.name.replace(".", "-").replace("_", "-").lower(),
                                 title=screen.title.replace('"', "'"), example=screen.example)
    lesson = parse_lesson(text, f"example of {screen.name}", DEFAULT_LOCALE)
    if lesson.steps[0].screen != screen.name:
        raise LessonError([Problem(screen.name, 1, f"The example of {screen.name} shows "
                                                   f"another screen ({lesson.steps[0].screen}).")])
    return lesson


@dataclass(frozen=True)
class CatalogueEntry:
    screen: Screen
    lesson: Lesson | None
    problems: tuple[Problem, ...] = ()
    spans: tuple[str, ...] = ()  # ``[[name: ...]]`` parts in the example's state


def catalogue(screens: Iterable[Screen] | None = None) -> list[CatalogueEntry]:
    """Every registered screen with its parsed example, grouped by name."""
    entries = []
    for screen in sorted(screens if screens is not None else SCREENS.values(),
                         key=lambda s: s.name):
        try:
            lesson = example_lesson(screen)
        except LessonError as exc:
            entries.append(CatalogueEntry(screen, None, tuple(exc.problems)))
            continue
        spans = tuple(sorted(_spans(lesson.state_at(0))))
        entries.append(CatalogueEntry(screen, lesson, (), spans))
    return entries


def _spans(state) -> set[str]:
    if isinstance(state, dict):
        return set().union(*(_spans(v) for v in state.values())) if state else set()
    if isinstance(state, list):
        return set().union(*(_spans(v) for v in state)) if state else set()
    return {m.group(1) for m in SPAN.finditer(state)} if isinstance(state, str) else set()


@dataclass(frozen=True)
class ComponentEntry:
    """One kind of kit component: what it is, a YAML example to copy, and a one-component
    screen drawing that example."""

    kind: str
    summary: str
    example: str
    screen: Screen
    targets: tuple[str, ...]
    fields: tuple[str, ...]


def apps() -> list[tuple[str, str, str, list[str]]]:
    """Each kit app: its name, ``app:`` id, file and screens."""
    return [(a.name, a.id, a.path, sorted(n for n, s in SCREENS.items()
                                          if s.kit is not None and s.kit.app.id == a.id))
            for a in sorted(APPS.values(), key=lambda a: a.id)]


def components() -> list[ComponentEntry]:
    """Every kit component with its example, in the order of ``kit.KINDS``."""
    entries = []
    for kind, spec, props in component_examples():
        screen = component_screen(kind, props)
        entries.append(ComponentEntry(kind, spec.summary, "- " + spec.example.replace(
            "\n", "\n  ").rstrip() + "\n", screen, tuple(sorted(screen.targets)),
            tuple(sorted(screen.fields))))
    return entries


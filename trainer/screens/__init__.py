"""The registry of simulated screens.

A screen is a Jinja partial (``templates/screens/<group>/<name>.html``) plus a
declaration of the targets a learner can tap and the fields they can type in.
Lessons name screens (``vneid.login``); the validator checks every target and
field a lesson uses against these declarations, and the authors' catalogue is
generated from them. Every module in this package is imported on start-up, so
a new group of screens is one new module and its templates.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Screen:
    name: str
    title: str
    targets: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    example: str = ""  # a complete step block, shown in the catalogue
    frame: str = "phone"  # "phone" or "browser"
    description: str = ""

    @property
    def template(self) -> str:
        group, _, name = self.name.partition(".")
        return f"screens/{group}/{name}.html"


SCREENS: dict[str, Screen] = {}


@dataclass(frozen=True)
class ScreenUI:
    """How a screen is drawn for this request (the lesson state is separate)."""

    taps: bool = True  # targets are buttons; False for pictures (handbook, catalogue)
    highlight: str | None = None  # "show me": the target to point at
    found: frozenset[str] = frozenset()  # red flags already found
    reveal: frozenset[str] = frozenset()  # red flags to point at
    field: str | None = None  # the field the learner types into now
    value: str = ""  # what they typed, kept after a wrong answer
    show_answer: str = ""  # "show me" for a typing step
    spot: bool = False  # a "spot the red flags" step: marked parts are buttons


def register(name: str, title: str, *, targets: Iterable[str] = (), fields: Iterable[str] = (),
             example: str = "", frame: str = "phone", description: str = "") -> Screen:
    if name in SCREENS:
        raise ValueError(f"screen {name} registered twice")
    screen = Screen(name, title, frozenset(targets), frozenset(fields), example.strip("\n"),
                    frame, description)
    SCREENS[name] = screen
    return screen


SPAN = re.compile(r"\[\[([a-z0-9_\-]+):\s*(.*?)\]\]", re.S)


def dynamic_targets(state: Any) -> set[str]:
    """Targets that come from the lesson's state: item ids and ``[[name: text]]`` spans."""
    found: set[str] = set()
    if isinstance(state, Mapping):
        if isinstance(state.get("id"), str):
            found.add(state["id"])
        for value in state.values():
            found |= dynamic_targets(value)
    elif isinstance(state, list | tuple):
        for item in state:
            found |= dynamic_targets(item)
    elif isinstance(state, str):
        found |= {m.group(1) for m in SPAN.finditer(state)}
    return found


def targets_for(screen: Screen, state: Mapping[str, Any]) -> set[str]:
    return set(screen.targets) | dynamic_targets(state)


FILTERS: dict[str, Any] = {}


def template_filter(func):
    """Make a helper available to screen templates (``{{ s.sms|conversations }}``)."""
    FILTERS[func.__name__] = func
    return func


@template_filter
def spans(text: str, ui: ScreenUI | None = None) -> Markup:
    """Escape message text and turn ``[[name: words]]`` into marked parts.

    In a "spot the red flags" step each part is a button; elsewhere it is
    plain text (marked only once found or revealed), so a message reads the
    same in every step and gives nothing away before it is asked.
    """
    out: list[str] = []
    pos = 0
    for match in SPAN.finditer(text or ""):
        out.append(str(escape(text[pos:match.start()])))
        name, words = match.group(1), match.group(2)
        classes = ["part"]
        if ui is not None and name in ui.found:
            classes.append("found")
        if ui is not None and (name == ui.highlight or name in ui.reveal):
            classes.append("show-me")
        cls = " ".join(classes)
        if ui is not None and ui.spot and ui.taps:
            out.append(f'<button type="submit" class="{cls}" name="target" '
                       f'value="{escape(name)}">{escape(words)}</button>')
        elif len(classes) > 1:
            out.append(f'<mark class="{cls}">{escape(words)}</mark>')
        else:
            out.append(str(escape(words)))
        pos = match.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


@template_filter
def plain_spans(text: str) -> str:
    """Message text without the ``[[name: ...]]`` markers (for previews)."""
    return SPAN.sub(lambda m: m.group(2), text or "")


def load_all() -> None:
    """Import every group of screens. ``render`` draws screens for the web pages and is
    imported by them, not here (it needs Flask and the request glue)."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "render":
            importlib.import_module(f"{__name__}.{info.name}")


load_all()

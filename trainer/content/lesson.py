"""The lesson domain: immutable objects built once from Markdown files.

Nothing here knows about Flask or the database, so the parser, the validator,
the answer checker and the command line all share the same objects.

Author text is kept as Markdown (the ``*_md`` fields) and turned into sanitised
HTML on first use (the properties of the same name without ``_md``): rendering
every step of every lesson was most of the server's start-up, while a class
only ever opens a few lessons. ``cached_property`` is safe to share between
threads; at worst two threads render the same text once each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from trainer.content.messages import P_, translate
from trainer.content.text import render_inline, render_markdown

INTERACTIONS = ("tap", "type", "choose", "judge", "spot", "read")
JUDGEMENTS = ("scam", "safe", "unsure")


@dataclass(frozen=True)
class Source:
    """Where a procedure comes from, shown to learners and checked by reviewers."""

    title: str
    url: str = ""


@dataclass(frozen=True)
class Tap:
    """Tap a named target on the simulated screen; ``also`` lists other right ones
    (the Messages icon or the notification banner: both open the message)."""

    target: str  # the one "show me" points at
    also: tuple[str, ...] = ()
    kind: str = "tap"

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target, *self.also)


@dataclass(frozen=True)
class Type:
    """Type into a named field; compared after Unicode NFC normalisation."""

    field: str
    answers: tuple[str, ...] = ()
    pattern: str | None = None
    card: str | None = None  # accept the practice card's value for this attribute
    loose: bool = False  # ignore case and diacritics
    store: str | None = None  # state key that later screens read the answer from
    kind: str = "type"


@dataclass(frozen=True)
class Option:
    key: str
    text_md: str  # inline Markdown
    correct: bool
    why_md: str = ""  # shown when this option is chosen

    @cached_property
    def text(self) -> str:
        return render_inline(self.text_md)

    @cached_property
    def why(self) -> str:
        return render_inline(self.why_md)


@dataclass(frozen=True)
class Choose:
    """Choose one (or, with ``several``, every right one) of the options."""

    options: tuple[Option, ...]
    several: bool = False
    kind: str = "choose"


@dataclass(frozen=True)
class Judge:
    """Judge a message: scam or safe; "not sure, ask someone" is always accepted."""

    answer: str  # "scam" or "safe"
    why_md: str = ""
    kind: str = "judge"

    @cached_property
    def why(self) -> str:
        return render_markdown(self.why_md)


@dataclass(frozen=True)
class Spot:
    """Tap each red flag of a message; each one is explained when found."""

    flags_md: Mapping[str, str]  # target name -> inline Markdown explanation
    kind: str = "spot"

    @cached_property
    def flags(self) -> Mapping[str, str]:
        """Target name -> sanitised HTML explanation."""
        return MappingProxyType({k: render_inline(v) for k, v in self.flags_md.items()})


@dataclass(frozen=True)
class Read:
    """Nothing to do but read and press "Continue"."""

    label: str = ""
    kind: str = "read"


Interaction = Tap | Type | Choose | Judge | Spot | Read


@dataclass(frozen=True)
class Step:
    key: str  # stable id: progress is keyed by it, so steps can be added or reordered
    heading: str
    body_md: str  # the instruction, block Markdown
    screen: str
    interaction: Interaction
    line: int
    hints_md: tuple[str, ...] = ()  # inline Markdown, up to three, graded
    wrong_md: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    praise_md: str = ""
    say: str = ""  # plain text read aloud instead of heading + body
    audio: str = ""  # path below lessons/audio/
    set_state: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    add_state: Mapping[str, tuple] = field(default_factory=lambda: MappingProxyType({}))
    # file line of each key of the step block ("tap", "set:open", "spot:otp"), for problems
    key_lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}),
                                         compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    @cached_property
    def body(self) -> str:
        return render_markdown(self.body_md)

    @cached_property
    def hints(self) -> tuple[str, ...]:
        return tuple(render_inline(h) for h in self.hints_md)

    @cached_property
    def wrong(self) -> Mapping[str, str]:
        """Wrong answer (target, option, "default") -> sanitised HTML message."""
        return MappingProxyType({k: render_inline(v) for k, v in self.wrong_md.items()})

    @cached_property
    def praise(self) -> str:
        return render_inline(self.praise_md)

    def feedback_for(self, answer: str | None) -> str:
        """The author's message for this wrong answer, or their general one."""
        if answer and answer in self.wrong:
            return self.wrong[answer]
        return self.wrong.get("default", "")


@dataclass(frozen=True)
class Lesson:
    id: str
    locale: str
    title: str
    summary: str
    topic: str
    minutes: int
    order: int
    sources: tuple[Source, ...]
    checked: dt.date
    steps: tuple[Step, ...]
    path: str
    intro_md: str = ""  # block Markdown before the first step
    state: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    card: str = "default"

    @cached_property
    def intro(self) -> str:
        return render_markdown(self.intro_md)

    def step_index(self, key: str) -> int | None:
        for i, step in enumerate(self.steps):
            if step.key == key:
                return i
        return None

    def states(self) -> Iterator[dict[str, Any]]:
        """The state at each step in turn: ``state_at`` for every step in one pass."""
        from trainer.content.practice_card import card_value  # local: avoid a cycle

        state: dict[str, Any] = {k: _thaw(v) for k, v in self.state.items()}
        previous: Step | None = None
        for step in self.steps:
            if previous is not None and isinstance(previous.interaction, Type):
                t = previous.interaction
                value = card_value(self.card, t.card) if t.card else (t.answers or ("",))[0]
                state[t.store or t.field] = value
            for key, value in step.set_state.items():
                state[key] = _thaw(value)
            for key, items in step.add_state.items():
                state[key] = list(state.get(key) or []) + [_thaw(v) for v in items]
            previous = step
            yield dict(state)

    def state_at(self, index: int) -> dict[str, Any]:
        """The simulated phone's state when step ``index`` is shown.

        Derived from the lesson alone (never from what a learner typed), so it
        needs no storage and is the same for everyone: a typed field carries
        its accepted answer forward, the way the real app would show it.
        """
        from trainer.content.practice_card import card_value  # local: avoid a cycle

        state: dict[str, Any] = {k: _thaw(v) for k, v in self.state.items()}
        for i, step in enumerate(self.steps[: index + 1]):
            for key, value in step.set_state.items():
                state[key] = _thaw(value)
            for key, items in step.add_state.items():
                state[key] = list(state.get(key) or []) + [_thaw(v) for v in items]
            if i < index and isinstance(step.interaction, Type):
                t = step.interaction
                value = card_value(self.card, t.card) if t.card else (t.answers or ("",))[0]
                state[t.store or t.field] = value
        return state


@dataclass(frozen=True)
class Problem:
    """A validation error: where it is, what is wrong and how to fix it.

    ``what`` and ``fix`` are English catalogue messages with ``{name}`` placeholders
    filled from ``args``; they are translated when shown (``trainer.content.messages``),
    so one library can report in the language of whoever reads it.
    """

    path: str
    line: int
    what: str
    fix: str = ""
    args: tuple[tuple[str, Any], ...] = ()
    close: str = ""  # the name the author probably meant

    def __post_init__(self) -> None:  # lists in the arguments: keep the Problem hashable
        object.__setattr__(self, "args", tuple(
            (k, tuple(v) if isinstance(v, list | set | frozenset) else v) for k, v in self.args))

    @property
    def problem(self) -> str:
        text = _fill(translate(self.what), self.args)
        if self.close:
            text += " " + _fill(translate(P_("Did you mean '{close}'?")), (("close", self.close),))
        return text

    @property
    def how(self) -> str:
        return _fill(translate(self.fix), self.args) if self.fix else ""

    @property
    def message(self) -> str:
        """What is wrong and how to fix it, in the current language."""
        return f"{self.problem} {self.how}".strip()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _fill(text: str, args: tuple[tuple[str, Any], ...]) -> str:
    if not args:
        return text
    values = {k: (", ".join(map(str, v)) if isinstance(v, list | tuple | set | frozenset)
                  else v) for k, v in args}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder
        return text


class LessonError(Exception):
    """Raised by the parser; carries every problem found in one file."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def freeze(value: Any) -> Any:
    """Make parsed YAML immutable so lessons can be shared between requests."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value

"""Lesson files to ``Lesson`` objects, with every problem reported at file:line.

A lesson file is YAML front matter between ``---`` lines, an optional
introduction, then one ``## Heading`` per step. Each step has Markdown
instructions and one fenced block marked ``step`` that says which screen to
show and what the learner must do there (see docs/authoring.md).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

import yaml

from trainer.content.lesson import (
    INTERACTIONS,
    Choose,
    Interaction,
    Judge,
    Lesson,
    LessonError,
    Option,
    Problem,
    Read,
    Source,
    Spot,
    Step,
    Tap,
    Type,
    freeze,
)
from trainer.content.practice_card import CARDS, FIELDS
from trainer.screens import SCREENS, targets_for

FRONT_REQUIRED = ("id", "title", "summary", "topic", "minutes", "order", "sources", "checked")
FRONT_OPTIONAL = ("state", "card", "translated_from")  # translated_from: see docs/translating.md
STEP_KEYS = ("id", "screen", "hints", "wrong", "praise", "say", "audio", "set", "add",
             *INTERACTIONS)
MAX_HINTS = 3
ID_RE = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
FENCE_RE = re.compile(r"^(```+|~~~+)\s*([\w.-]*)\s*$")
CLOSING_RE = {"`": re.compile(r"`{3,}"), "~": re.compile(r"~{3,}")}  # by the opening's char

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Collector:
    """Gathers problems for one file so an author sees all of them at once."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))


class Lines:
    """The file line of each key and item of a YAML document.

    Looked up in the parsed nodes when a problem is reported, rather than recorded
    for every key up front: most blocks have no problem.
    """

    def __init__(self, node: yaml.Node | None = None, first_line: int = 1):
        self.node = node
        self.first_line = first_line

    def get(self, path: tuple, default: int) -> int:
        """The line of the key (or list item) at ``path``, e.g. ``("type", "answer")``."""
        node = self.node
        if node is None:
            return default
        line = node.start_mark.line
        for part in path:
            if isinstance(node, yaml.MappingNode):
                # the last of repeated keys, as that is the value YAML keeps
                match = next(((k, v) for k, v in reversed(node.value) if k.value == part), None)
                if match is None:
                    return default
                line, node = match[0].start_mark.line, match[1]
            elif isinstance(node, yaml.SequenceNode) and part in range(len(node.value)):
                node = node.value[part]
                line = node.start_mark.line
            else:
                return default
        return self.first_line + line


def load_yaml(text: str, first_line: int, problems: _Collector) -> tuple[Any, Lines]:
    """Parse YAML; the ``Lines`` say where each key and item is in the file."""
    try:
        loader = _Loader(text)  # rejects control characters here already
    except yaml.YAMLError as exc:
        problems.add(first_line, f"YAML error: {exc}")
        return None, Lines()
    try:
        node = loader.get_single_node()
        data = _construct(loader, node) if node is not None else None
    except RecursionError:  # an alias inside what it names (&a [*a]) has no end
        problems.add(first_line, "YAML error: an alias (*name) is used inside what it names.")
        return None, Lines()
    except (ValueError, TypeError, KeyError, AttributeError):  # e.g. "x: !!int abc"
        problems.add(first_line + _unfit_line(node), "YAML error: this value does not fit its "
                     "'!!' type tag. Remove the tag, or correct the value.")
        return None, Lines()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problems.add(line, f"YAML error: {exc.problem or exc.context}. Check indentation, "
                           "and put text containing ':' or '#' in quotes.")
        return None, Lines()
    except yaml.YAMLError as exc:  # pragma: no cover - e.g. a reader error
        problems.add(first_line, f"YAML error: {exc}")
        return None, Lines()
    finally:
        loader.dispose()
    return data, Lines(node, first_line)


def _unfit_line(node: yaml.Node) -> int:
    """The line (from 0) of the first scalar PyYAML cannot build, to point the author at it."""
    if isinstance(node, yaml.ScalarNode):
        loader = _Loader("")  # a fresh one: the failed one is left mid-construction
        try:
            loader.construct_object(node, deep=True)
        except (ValueError, TypeError, KeyError, AttributeError):
            return node.start_mark.line
        finally:
            loader.dispose()
        return -1
    children = node.value if isinstance(node, yaml.SequenceNode) else [
        n for pair in node.value for n in pair]
    return next((line for child in children if (line := _unfit_line(child)) >= 0),
                node.start_mark.line)


def _construct(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Any:
    """What PyYAML's constructor makes of ``node``, built directly for text, lists and
    maps with text keys (nearly all of a lesson): PyYAML's general bookkeeping was a
    quarter of parsing. Anything else (numbers, dates, merge keys, tags) is PyYAML's."""
    if node.tag == _STR:
        return node.value
    if node.tag == _SEQ:
        return [_construct(loader, item) for item in node.value]
    if node.tag == _MAP and all(key.tag == _STR for key, _ in node.value):
        return {key.value: _construct(loader, value) for key, value in node.value}
    return loader.construct_object(node, deep=True)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def parse_lesson(text: str, path: str, locale: str) -> Lesson:
    """Parse one lesson file; raise ``LessonError`` listing every problem found."""
    out = _Collector(path)
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise LessonError([Problem(path, 1, "A lesson starts with front matter: a line '---', "
                                            "the lesson's id, title, ... and another '---'.")])
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise LessonError([Problem(path, 1, "The front matter is not closed: add a line '---' "
                                            "after the last front-matter field.")]) from None
    front, flines = load_yaml("\n".join(lines[1:end]), 2, out)
    if front is not None and not isinstance(front, Mapping):
        out.add(2, "The front matter must be 'key: value' lines (id, title, summary, ...).")
        front = None
    meta = _front_matter(front or {}, flines, out) if front is not None else None

    intro, raw_steps = _split_steps(lines, end + 1, out)
    card = (meta or {}).get("card", "default")
    state = (meta or {}).get("state", {})
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for heading, hline, body_lines, block in raw_steps:
        step = _step(heading, hline, body_lines, block, out)
        if step is None:
            continue
        if step.key in seen:
            out.add(step.line, f"Step id '{step.key}' is used twice (first at line "
                               f"{seen[step.key]}). Give each step its own id.")
        seen.setdefault(step.key, step.line)
        steps.append(step)
    if not raw_steps:
        out.add(end + 2, "This lesson has no steps. Start each step with a line '## Heading'.")

    lesson = Lesson(
        id=(meta or {}).get("id", ""), locale=locale, title=(meta or {}).get("title", ""),
        summary=(meta or {}).get("summary", ""), topic=(meta or {}).get("topic", ""),
        minutes=(meta or {}).get("minutes", 0), order=(meta or {}).get("order", 0),
        sources=(meta or {}).get("sources", ()),
        checked=(meta or {}).get("checked", dt.date.min), steps=tuple(steps), path=path,
        intro_md=intro, state=freeze(state), card=card,
    )
    _check_screens(lesson, out)  # also when other parts are broken: report everything at once
    if meta is not None and not out.problems:
        return lesson
    raise LessonError(out.problems)


def _front_matter(front: Mapping, lines: Lines, out: _Collector) -> dict[str, Any] | None:
    ok = True
    for key in FRONT_REQUIRED:
        if key not in front or front[key] in (None, ""):
            out.add(2, f"The front matter needs '{key}:'.")
            ok = False
    for key in front:
        if key not in FRONT_REQUIRED + FRONT_OPTIONAL:
            out.add(lines.get((key,), 2), f"Unknown front-matter field '{key}'."
                    + _suggest(key, FRONT_REQUIRED + FRONT_OPTIONAL))
            ok = False
    if not ok:
        return None
    meta = dict(front)
    line = lines.get(("id",), 2)
    if not isinstance(meta["id"], str) or not ID_RE.match(meta["id"]):
        out.add(line, "The id must be lower-case letters, digits and '-', like 'sms-basics'.")
        ok = False
    for key in ("title", "summary", "topic"):
        meta[key] = str(meta[key]).strip()
    for key in ("minutes", "order"):
        if not isinstance(meta[key], int) or isinstance(meta[key], bool) or meta[key] < 0:
            out.add(lines.get((key,), 2), f"'{key}' must be a whole number, like 5.")
            ok = False
    if not isinstance(meta["checked"], dt.date) or isinstance(meta["checked"], dt.datetime):
        out.add(lines.get(("checked",), 2),
                "'checked' must be the date the steps were last compared with their sources, "
                "written as YYYY-MM-DD, like 2026-11-20.")
        ok = False
    sources = meta["sources"]
    if not isinstance(sources, list) or not sources:
        out.add(lines.get(("sources",), 2), "'sources' must list where the steps come from: "
                                            "one '- title: ...' and 'url: ...' per source.")
        ok = False
    else:
        parsed = []
        for i, src in enumerate(sources):
            if isinstance(src, str):
                parsed.append(Source(title=src))
            elif isinstance(src, Mapping) and src.get("title"):
                parsed.append(Source(title=str(src["title"]), url=str(src.get("url") or "")))
            else:
                out.add(lines.get(("sources", i), 2), "Each source needs a 'title' (and a 'url').")
                ok = False
        meta["sources"] = tuple(parsed)
    card = meta.get("card", "default")
    if card not in CARDS:
        out.add(lines.get(("card",), 2), f"Unknown practice card '{card}'."
                + _suggest(card, CARDS))
        ok = False
    if not isinstance(meta.get("state", {}), Mapping):
        out.add(lines.get(("state",), 2), "'state' must be 'key: value' lines.")
        ok = False
    return meta if ok else None


RawStep = tuple[str, int, list[str], tuple[int, str] | None]


def _split_steps(lines: list[str], start: int, out: _Collector) -> tuple[str, list[RawStep]]:
    """Cut the body into (heading, line, prose lines, step block) per '## ' heading."""
    intro: list[str] = []
    steps: list[RawStep] = []
    fence: str | None = None
    block_start = 0
    block_lines: list[str] = []
    in_step_block = False
    current: list | None = None  # [heading, line, prose, block]
    for i in range(start, len(lines)):
        line, number = lines[i], i + 1
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)[:3]
            in_step_block = match.group(2) == "step"
            if in_step_block:
                block_start, block_lines = number, []
                if current is None:
                    out.add(number, "This step block comes before the first '## Heading'. "
                                    "Put a heading line above it.")
                continue
        elif fence is not None and CLOSING_RE[fence[0]].fullmatch(line.strip()):
            fence = None
            if in_step_block:
                in_step_block = False
                if current is not None:
                    if current[3] is not None:
                        out.add(block_start, "This step has two step blocks; a step has exactly "
                                             "one thing to do. Split it into two steps.")
                    else:
                        current[3] = (block_start + 1, "\n".join(block_lines))
                continue
        elif fence is None and line.startswith("## "):
            current = [line[3:].strip(), number, [], None]
            steps.append(current)  # type: ignore[arg-type]
            continue
        if in_step_block:
            block_lines.append(line)
        elif current is None:
            intro.append(line)
        else:
            current[2].append(line)
    if fence is not None:
        out.add(block_start or len(lines), "A ``` block is not closed: add a line ``` after it.")
    return "\n".join(intro), [tuple(s) for s in steps]  # type: ignore[misc]


def _step(heading: str, hline: int, prose: list[str], block: tuple[int, str] | None,
          out: _Collector) -> Step | None:
    if block is None:
        out.add(hline, f"Step '{heading}' has no ```step block saying what the learner does "
                       f"(one of: {', '.join(INTERACTIONS)}).")
        return None
    first, text = block
    data, lines = load_yaml(text, first, out)
    if data is None:
        if not out.problems or out.problems[-1].line < first:
            out.add(first, "The step block is empty: give it an id, a screen and what to do.")
        return None
    if not isinstance(data, Mapping):
        out.add(first, "A step block is 'key: value' lines (id, screen, tap/type/..., hints).")
        return None

    def at(*path: Any) -> int:
        return lines.get(path, first)

    ok = True
    for key in data:
        if key not in STEP_KEYS:
            out.add(at(key), f"Unknown step field '{key}'." + _suggest(key, STEP_KEYS))
            ok = False
    key = data.get("id")
    if not isinstance(key, str) or not ID_RE.match(key):
        out.add(at("id") if "id" in data else first,
                "Each step needs an 'id:' of lower-case letters, digits and '-' (e.g. "
                "'open-inbox'). Progress is saved by it, so keep it when you edit the step.")
        ok = False
    screen = data.get("screen")
    if not isinstance(screen, str) or not screen:
        out.add(at("screen") if "screen" in data else first,
                "Each step needs a 'screen:' (e.g. phone.home); see docs/authoring.md.")
        ok = False
    elif screen not in SCREENS:
        out.add(at("screen"), f"Unknown screen '{screen}'." + _suggest(screen, SCREENS))
        ok = False
    kinds = [k for k in INTERACTIONS if k in data]
    if len(kinds) != 1:
        what = "nothing to do" if not kinds else f"{len(kinds)} things to do ({', '.join(kinds)})"
        out.add(at(kinds[1]) if len(kinds) > 1 else first,
                f"A step has exactly one of {', '.join(INTERACTIONS)}; this one has {what}.")
        return None
    interaction = _interaction(kinds[0], data[kinds[0]], at, out)
    hints = data.get("hints", [])
    if isinstance(hints, str):
        hints = [hints]
    if not isinstance(hints, list) or len(hints) > MAX_HINTS:
        out.add(at("hints"), f"'hints' is a list of at most {MAX_HINTS}, from gentle to plain.")
        ok = False
        hints = []
    wrong = data.get("wrong", {})
    if isinstance(wrong, str):
        wrong = {"default": wrong}
    if not isinstance(wrong, Mapping):
        out.add(at("wrong"), "'wrong' is a message, or 'answer: message' lines with 'default:'.")
        ok = False
        wrong = {}
    state_set, state_add = data.get("set", {}), data.get("add", {})
    if not isinstance(state_set, Mapping):
        out.add(at("set"), "'set' is 'key: value' lines.")
        ok = False
    if not isinstance(state_add, Mapping) or not all(isinstance(v, list)
                                                     for v in state_add.values()):
        out.add(at("add"), "'add' is 'key:' lines, each followed by a list of items to add.")
        ok = False
    audio = str(data.get("audio") or "")
    if audio and (audio.startswith("/") or ".." in audio):
        out.add(at("audio"), "'audio' is a file name inside lessons/audio/, like 'sms-1.mp3'.")
        ok = False
    if not ok or interaction is None:
        return None
    return Step(
        key=key, heading=heading, body_md="\n".join(prose).strip(), screen=screen,
        interaction=interaction, line=hline, hints_md=tuple(str(h) for h in hints),
        wrong_md=freeze({str(k): str(v) for k, v in wrong.items()}),
        praise_md=str(data.get("praise") or ""), say=str(data.get("say") or ""),
        audio=audio, set_state=freeze(dict(state_set)),
        add_state=freeze({k: list(v) for k, v in state_add.items()}),
    )


def _interaction(kind: str, value: Any, at: Any, out: _Collector) -> Interaction | None:
    line = at(kind)
    if kind == "tap":
        if not isinstance(value, str) or not value:
            out.add(line, "'tap:' names one target on the screen, like 'tap: app-messages'.")
            return None
        return Tap(value)
    if kind == "read":
        return Read(label="" if value is True or value is None else str(value))
    if kind == "type":
        if not isinstance(value, Mapping) or "field" not in value:
            out.add(line, "'type:' needs 'field:' and one of 'answer:', 'pattern:' or 'card:'.")
            return None
        answers = value.get("answer", [])
        answers = answers if isinstance(answers, list) else [answers]
        for a in answers:
            if isinstance(a, int | float) and not isinstance(a, bool):
                out.add(at(kind, "answer"), f"Put the answer {a} in quotes (\"{a}\"), so "
                                            "leading zeros and spaces are kept.")
                return None
        pattern = value.get("pattern")
        if pattern is not None:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                out.add(at(kind, "pattern"), f"This pattern is not a valid regular expression: "
                                             f"{exc}.")
                return None
        card = value.get("card")
        if card is not None and card not in FIELDS:
            out.add(at(kind, "card"),
                    f"The practice card has no '{card}'." + _suggest(card, FIELDS))
            return None
        if not answers and pattern is None and card is None:
            out.add(line, "'type:' needs one of 'answer:', 'pattern:' or 'card:' to check with.")
            return None
        return Type(field=str(value["field"]), answers=tuple(str(a) for a in answers),
                    pattern=None if pattern is None else str(pattern), card=card,
                    loose=bool(value.get("loose", False)),
                    store=str(value["store"]) if value.get("store") else None)
    if kind == "choose":
        several = False
        options = value
        if isinstance(value, Mapping):
            several = bool(value.get("several", False))
            options = value.get("options")
        if not isinstance(options, list) or len(options) < 2:
            out.add(line, "'choose:' needs at least two options, each '- text: ...' with "
                          "'correct: true' on the right one(s).")
            return None
        parsed: list[Option] = []
        for i, opt in enumerate(options, start=1):
            if isinstance(opt, str):
                opt = {"text": opt}
            if not isinstance(opt, Mapping) or not opt.get("text"):
                out.add(line, f"Option {i} needs 'text:'.")
                return None
            parsed.append(Option(key=str(i), text_md=str(opt["text"]),
                                 correct=bool(opt.get("correct", False)),
                                 why_md=str(opt.get("why") or "")))
        right = sum(o.correct for o in parsed)
        if right == 0 or (right > 1 and not several):
            out.add(line, "Mark exactly one option 'correct: true' (or add 'several: true' when "
                          "more than one is right).")
            return None
        return Choose(options=tuple(parsed), several=several)
    if kind == "judge":
        if isinstance(value, str):
            value = {"answer": value}
        answer = value.get("answer") if isinstance(value, Mapping) else None
        if answer not in ("scam", "safe"):
            out.add(line, "'judge:' needs 'answer: scam' or 'answer: safe' (and 'why:').")
            return None
        return Judge(answer=answer, why_md=str(value.get("why") or ""))
    if kind == "spot":
        flags = value.get("flags", value) if isinstance(value, Mapping) else None
        if not isinstance(flags, Mapping) or not flags:
            out.add(line, "'spot:' lists each red flag as 'name: why it is suspicious'; mark the "
                          "words in the message as [[name: words]].")
            return None
        return Spot(flags_md=freeze({str(k): str(v) for k, v in flags.items()}))
    raise AssertionError(kind)  # pragma: no cover


def _check_screens(lesson: Lesson, out: _Collector) -> None:
    """Every target and field a step uses must exist on its screen at that point."""
    for index, step in enumerate(lesson.steps):
        screen = SCREENS[step.screen]
        i = step.interaction
        # Only taps and red flags name targets; the state is costly to derive for every step.
        tapped = isinstance(i, Tap | Spot)
        targets = targets_for(screen, lesson.state_at(index)) if tapped else set()
        missing: list[str] = []
        if isinstance(i, Tap) and i.target not in targets:
            missing.append(i.target)
        if isinstance(i, Spot):
            missing += [f for f in i.flags_md if f not in targets]
        for name in missing:
            out.add(step.line, f"Step '{step.key}': the screen {step.screen} has no target "
                               f"'{name}'." + _suggest(name, targets)
                    + f" Targets here: {', '.join(sorted(targets)) or 'none'}.")
        if isinstance(i, Type) and i.field not in screen.fields:
            out.add(step.line, f"Step '{step.key}': the screen {step.screen} has no field "
                               f"'{i.field}'." + _suggest(i.field, screen.fields)
                    + f" Fields here: {', '.join(sorted(screen.fields)) or 'none'}.")
        if tapped:
            known = targets | {"default"}
            for name in step.wrong_md:
                if name not in known:
                    out.add(step.line, f"Step '{step.key}': 'wrong' names '{name}', which is not "
                                       f"a target on {step.screen}." + _suggest(name, known))

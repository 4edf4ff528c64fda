"""Lesson files to ``Lesson`` objects, with every problem reported at file:line.

A lesson file is YAML front matter between ``---`` lines, an optional
introduction, then one ``## Heading`` per step. Each step has Markdown
instructions and one fenced block marked ``step`` that says which screen to
show and what the learner must do there (see docs/authoring.md).

One mistake is one problem, at the line that is wrong: a broken line is reported
and read as its author meant where that is clear, a step block that is not closed
is reported at its opening, and checks that depend on what came before (the state
of the simulated phone) stop at the first step that could not be read rather than
inventing problems after it. Messages are English ``P_`` strings, translated when
shown (``trainer.content.messages``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

import yaml

from trainer.content import rules
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
from trainer.content.messages import P_
from trainer.content.patterns import nested_quantifier
from trainer.content.practice_card import CARDS, FIELDS
from trainer.screens import SCREENS, buttons_for, item_ids, marks_for, state_keys

FRONT_REQUIRED = ("id", "title", "summary", "topic", "minutes", "order", "sources", "checked")
FRONT_OPTIONAL = ("state", "card", "translated_from")  # translated_from: see docs/translating.md
STEP_KEYS = ("id", "screen", "hints", "wrong", "praise", "say", "audio", "set", "add",
             *INTERACTIONS)
MAX_HINTS = 3
ID_RE = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
FENCE_RE = re.compile(r"^(```+|~~~+)\s*([\w.-]*)\s*$")
CLOSING_RE = {"`": re.compile(r"`{3,}"), "~": re.compile(r"~{3,}")}  # by the opening's char

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """YAML as authors expect it: ``time: 10:42`` is the text "10:42", not YAML 1.1's
    base-60 number 642 (which a message would then show as "642")."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


_Loader.add_implicit_resolver(_INT, re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


class _Collector:
    """Gathers problems for one file so an author sees all of them at once."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.repaired: set[int] = set()  # lines already reported and read as if quoted

    def add(self, line: int, what: str, fix: str = "", *, close: str = "", **args: Any) -> None:
        if line in self.repaired:  # one problem per mistake: that line's is told already
            return
        self.problems.append(Problem(self.path, line, what, fix, tuple(args.items()), close))


class Lines:
    """The file line of each key and item of a YAML document.

    Looked up in the parsed nodes when a problem is reported, rather than recorded
    for every key up front: most blocks have no problem.
    """

    def __init__(self, node: yaml.Node | None = None, first_line: int = 1):
        self.node = node
        self.first_line = first_line

    def find(self, path: tuple) -> tuple[int, yaml.Node] | None:
        node = self.node
        if node is None:
            return None
        line = node.start_mark.line
        for part in path:
            if isinstance(node, yaml.MappingNode):
                # the last of repeated keys, as that is the value YAML keeps
                match = next(((k, v) for k, v in reversed(node.value) if k.value == part), None)
                if match is None:
                    return None
                line, node = match[0].start_mark.line, match[1]
            elif isinstance(node, yaml.SequenceNode) and part in range(len(node.value)):
                node = node.value[part]
                line = node.start_mark.line
            else:
                return None
        return self.first_line + line, node

    def get(self, path: tuple, default: int) -> int:
        """The line of the key (or list item) at ``path``, e.g. ``("type", "answer")``."""
        found = self.find(path)
        return default if found is None else found[0]

    def keys(self, path: tuple = ()) -> dict[str, int]:
        """The line of each key of the mapping at ``path``."""
        found = self.find(path)
        if found is None or not isinstance(found[1], yaml.MappingNode):
            return {}
        return {str(k.value): self.first_line + k.start_mark.line for k, _ in found[1].value}

    def span(self, path: tuple) -> range:
        """The file lines the value at ``path`` takes, its key's line included."""
        found = self.find(path)
        if found is None:
            return range(0)
        node = found[1]
        last = node.end_mark.line - (1 if node.end_mark.column == 0 else 0)
        return range(found[0], self.first_line + max(last, node.start_mark.line) + 1)


# A "key: value" (or "- key: value") line whose value YAML could not read as text.
QUOTABLE = re.compile(r"^(\s*(?:- )?[^\s#'\"][^#]*?:)[ \t]+([^'\"|>&*!\s].*?)\s*$")
MAX_REPAIRS = 20


def load_yaml(text: str, first_line: int, problems: _Collector) -> tuple[Any, Lines]:
    """Parse YAML; the ``Lines`` say where each key and item is in the file.

    A value with a ``:`` or a leading ``[`` inside (``title: Bước 1: mở app``) is the
    commonest mistake and breaks the whole block, so each such line is reported once
    and then read as if quoted: the rest of the block is still checked, and nothing
    after it is reported because of it.
    """
    lines = text.split("\n")
    for _ in range(MAX_REPAIRS):
        data, where, error = _load_once("\n".join(lines), first_line, problems)
        if error is None:
            return data, where
        mark = error.problem_mark
        if error.context_mark and any(w in (error.context or "") for w in ("flow", "quoted")):
            mark = error.context_mark  # where the unclosed [ { or " opened, not where it ends
        line = mark.line if mark else -1
        match = QUOTABLE.match(lines[line]) if 0 <= line < len(lines) else None
        if match is None:
            problems.add(first_line + max(line, 0), P_("YAML error: {error}."),
                         P_("Check the indentation, and put text containing ':' or '#' "
                            "in quotes."), error=error.problem or error.context)
            return None, Lines()
        problems.add(first_line + line,
                     P_("This value contains ':' or starts with '[' or '{', so YAML does not "
                        "read it as text."),
                     P_("Put the value in quotes: {fixed}"),
                     fixed=f'{match.group(1).strip()} "{match.group(2)}"')
        problems.repaired.add(first_line + line)
        value = match.group(2).replace("\\", "\\\\").replace('"', '\\"')
        lines[line] = f'{match.group(1)} "{value}"'
    return None, Lines()


def _load_once(text: str, first_line: int, problems: _Collector
               ) -> tuple[Any, Lines, yaml.MarkedYAMLError | None]:
    try:
        loader = _Loader(text)  # rejects control characters here already
    except yaml.YAMLError as exc:
        problems.add(first_line, P_("YAML error: {error}."),
                     P_("Save the file as plain UTF-8 text."), error=exc)
        return None, Lines(), None
    try:
        node = loader.get_single_node()
        data = _construct(loader, node) if node is not None else None
    except RecursionError:  # an alias inside what it names (&a [*a]) has no end
        problems.add(first_line, P_("YAML error: an alias (*name) is used inside what it "
                                    "names."), P_("Write the value out in full."))
        return None, Lines(), None
    except (ValueError, TypeError, KeyError, AttributeError):  # e.g. "x: !!int abc"
        problems.add(first_line + _unfit_line(node),
                     P_("YAML error: this value does not fit its '!!' type tag."),
                     P_("Remove the tag, or correct the value."))
        return None, Lines(), None
    except yaml.MarkedYAMLError as exc:
        return None, Lines(), exc
    except yaml.YAMLError as exc:  # pragma: no cover - e.g. a reader error
        problems.add(first_line, P_("YAML error: {error}."), "", error=exc)
        return None, Lines(), None
    finally:
        loader.dispose()
    return data, Lines(node, first_line), None


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


def suggest(word: Any, choices: Any) -> str:
    """The choice closest to ``word`` ("" when none is close)."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return close[0] if close else ""


def parse_lesson(text: str, path: str, locale: str, today: dt.date | None = None) -> Lesson:
    """Parse one lesson file; raise ``LessonError`` listing every problem found."""
    out = _Collector(path)
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        out.add(1, P_("A lesson starts with front matter."),
                P_("Make the first line '---', then the lesson's id, title, ... and another "
                   "'---'."))
        raise LessonError(out.problems)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        out.add(1, P_("The front matter is not closed."),
                P_("Add a line '---' after the last front-matter field."))
        raise LessonError(out.problems) from None
    front, flines = load_yaml("\n".join(lines[1:end]), 2, out)
    if front is not None and not isinstance(front, Mapping):
        out.add(2, P_("The front matter must be 'key: value' lines."),
                P_("Write one field per line: id, title, summary, ..."))
        front = None
    meta = _front_matter(front, flines, out, today) if front is not None else None

    intro, raw_steps = _split_steps(lines, end + 1, out)
    card = (meta or {}).get("card", "default")
    state = (meta or {}).get("state", {})
    steps: list[Step] = []
    seen: dict[str, int] = {}
    readable = 0 if meta is None else None  # steps before the first one that cannot be read
    for heading, hline, body_lines, block in raw_steps:
        step, known = _step(heading, hline, body_lines, block, out)
        if step is None:
            if not known:  # what it did to the phone's state is unknown from here on
                readable = len(steps) if readable is None else readable
            continue
        if step.key in seen:
            out.add(step.line_of("id"), P_("Step id '{key}' is used twice (first at line "
                                           "{first})."),
                    P_("Give each step its own id."), key=step.key, first=seen[step.key])
        seen.setdefault(step.key, step.line)
        steps.append(step)
    if not raw_steps:
        out.add(end + 2, P_("This lesson has no steps."),
                P_("Start each step with a line '## Heading'."))

    lesson = Lesson(
        id=(meta or {}).get("id", ""), locale=locale, title=(meta or {}).get("title", ""),
        summary=(meta or {}).get("summary", ""), topic=(meta or {}).get("topic", ""),
        minutes=(meta or {}).get("minutes", 0), order=(meta or {}).get("order", 0),
        sources=(meta or {}).get("sources", ()),
        checked=(meta or {}).get("checked", dt.date.min), steps=tuple(steps), path=path,
        intro_md=intro, state=freeze(state), card=card,
    )
    if meta is not None:
        _check_state_keys(lesson, flines, out)
        rules.check_content(lesson, lines, flines.span(("sources",)), out)
    # also when other parts are broken, up to the first step that could not be read
    _check_screens(lesson, flines, out, readable)
    if meta is not None and not out.problems:
        return lesson
    raise LessonError(out.problems)


def _front_matter(front: Mapping, lines: Lines, out: _Collector,
                  today: dt.date | None) -> dict[str, Any] | None:
    ok = True
    for key in FRONT_REQUIRED:
        if key not in front or front[key] in (None, ""):
            out.add(2, P_("The front matter needs '{key}:'."),
                    P_("Add a line '{key}: ...' between the two '---' lines."), key=key)
            ok = False
    for key in front:
        if key not in FRONT_REQUIRED + FRONT_OPTIONAL:
            out.add(lines.get((key,), 2), P_("Unknown front-matter field '{key}'."),
                    P_("Use one of: {known}."), key=key, known=FRONT_REQUIRED + FRONT_OPTIONAL,
                    close=suggest(key, FRONT_REQUIRED + FRONT_OPTIONAL))
            ok = False
    if not ok:
        return None
    meta = dict(front)
    line = lines.get(("id",), 2)
    if not isinstance(meta["id"], str) or not ID_RE.match(meta["id"]):
        out.add(line, P_("The lesson id '{id}' is not lower-case letters, digits and '-'."),
                P_("Write it like 'sms-basics'."), id=meta["id"])
        ok = False
    for key in ("title", "summary", "topic"):
        meta[key] = str(meta[key]).strip()
    for key in ("minutes", "order"):
        if not isinstance(meta[key], int) or isinstance(meta[key], bool) or meta[key] < 0:
            out.add(lines.get((key,), 2), P_("'{key}' is not a whole number."),
                    P_("Write a number like 5."), key=key)
            ok = False
    if not isinstance(meta["checked"], dt.date) or isinstance(meta["checked"], dt.datetime):
        out.add(lines.get(("checked",), 2), P_("'checked' is not a date."),
                P_("Write the day you last compared the steps with their sources as "
                   "YYYY-MM-DD, like 2026-11-20."))
        ok = False
    sources = meta["sources"]
    if not isinstance(sources, list) or not sources:
        out.add(lines.get(("sources",), 2), P_("'sources' does not list where the steps come "
                                              "from."),
                P_("Add one '- title: ...' and 'url: ...' per page that shows the steps."))
        ok = False
    else:
        parsed = []
        for i, src in enumerate(sources):
            if isinstance(src, str):
                parsed.append(Source(title=src))
            elif isinstance(src, Mapping) and src.get("title"):
                parsed.append(Source(title=str(src["title"]), url=str(src.get("url") or "")))
            else:
                out.add(lines.get(("sources", i), 2), P_("A source has no 'title'."),
                        P_("Give each source a 'title:' (outlet, date, title) and a 'url:'."))
                ok = False
        meta["sources"] = tuple(parsed)
        if ok and isinstance(meta["checked"], dt.date):
            rules.check_sources(meta["sources"], meta["checked"], lines, out, today)
    card = meta.get("card", "default")
    if card not in CARDS:
        out.add(lines.get(("card",), 2), P_("Unknown practice card '{card}'."),
                P_("Use one of: {known}."), card=card, known=sorted(CARDS),
                close=suggest(card, CARDS))
        ok = False
    if not isinstance(meta.get("state", {}), Mapping):
        out.add(lines.get(("state",), 2), P_("'state' is not 'key: value' lines."),
                P_("Indent one 'key: value' line per state key under 'state:'."))
        ok = False
    return meta if ok else None


RawStep = tuple[str, int, list[str], tuple[int, str] | None]


def _split_steps(lines: list[str], start: int, out: _Collector) -> tuple[str, list[RawStep]]:
    """Cut the body into (heading, line, prose lines, step block) per '## ' heading.

    A step block that reaches the next heading or the next step block was not closed:
    it is reported at its opening line and closed there, so the next step is read as
    written instead of being swallowed by the block.
    """
    intro: list[str] = []
    steps: list[list] = []
    fence: str | None = None
    fence_line = 0
    block_start = 0
    block_lines: list[str] = []
    in_step_block = False
    current: list | None = None  # [heading, line, prose, block]

    def close_block() -> None:
        if current is None:
            return
        if current[3] is not None:
            out.add(block_start, P_("This step has two step blocks."),
                    P_("A step has exactly one thing to do: split it into two steps, each "
                       "with its own '## Heading'."))
        else:
            current[3] = (block_start + 1, "\n".join(block_lines))

    def unclosed(last: int) -> None:
        out.add(block_start, P_("This step block is not closed."),
                P_("Add a line ``` after line {last}, the block's last line."), last=last)

    i = start
    while i < len(lines):
        line, number = lines[i], i + 1
        match = FENCE_RE.match(line)
        if in_step_block and (line.startswith("## ") or (match and match.group(2))):
            last = block_start + len(block_lines)
            while last > block_start and not lines[last - 1].strip():
                last -= 1
            unclosed(last)
            while block_lines and not block_lines[-1].strip():
                block_lines.pop()
            close_block()
            fence, in_step_block = None, False
            continue  # read this line again, outside the block
        if fence is None and match:
            fence, fence_line = match.group(1)[:3], number
            in_step_block = match.group(2) == "step"
            if in_step_block:
                block_start, block_lines = number, []
                if current is None:
                    out.add(number, P_("This step block comes before the first '## Heading'."),
                            P_("Put a heading line above it."))
                i += 1
                continue
        elif fence is not None and CLOSING_RE[fence[0]].fullmatch(line.strip()):
            fence = None
            if in_step_block:
                in_step_block = False
                close_block()
                i += 1
                continue
        elif fence is None and line.startswith("## "):
            current = [line[3:].strip(), number, [], None]
            steps.append(current)
            i += 1
            continue
        if in_step_block:
            block_lines.append(line)
        elif current is None:
            intro.append(line)
        else:
            current[2].append(line)
        i += 1
    if in_step_block:
        last = len(lines)
        while last > block_start and not lines[last - 1].strip():
            last -= 1
        unclosed(last)
        close_block()
    elif fence is not None:
        out.add(fence_line, P_("A ``` block is not closed."), P_("Add a line ``` after it."))
    return "\n".join(intro), [tuple(s) for s in steps]  # type: ignore[misc]


def _step(heading: str, hline: int, prose: list[str], block: tuple[int, str] | None,
          out: _Collector) -> tuple[Step | None, bool]:
    """The step, or None when it is broken; and whether the state after it is known
    (a broken step that sets, adds or types nothing leaves the state as it was)."""
    if block is not None:
        data_known = [False]
        step = _read_step(heading, hline, prose, block, out, data_known)
        return step, step is not None or data_known[0]
    _read_step(heading, hline, prose, block, out, [False])
    return None, True


def _read_step(heading: str, hline: int, prose: list[str], block: tuple[int, str] | None,
               out: _Collector, state_known: list[bool]) -> Step | None:
    if block is None:
        out.add(hline, P_("Step '{heading}' has no ```step block."),
                P_("Add one saying what the learner does (one of: {kinds})."),
                heading=heading, kinds=INTERACTIONS)
        return None
    first, text = block
    before = len(out.problems)
    data, lines = load_yaml(text, first, out)
    if data is None:
        if len(out.problems) == before:
            out.add(first, P_("The step block is empty."),
                    P_("Give it an id, a screen and what to do."))
        return None
    if not isinstance(data, Mapping):
        out.add(first, P_("A step block is not 'key: value' lines."),
                P_("Write id, screen, what to do (tap, type, ...) and hints, one per line."))
        return None

    def at(*path: Any) -> int:
        return lines.get(path, first)

    state_known[0] = not ({"set", "add", "type"} & set(data))
    ok = len(out.problems) == before  # a line read as if quoted is a problem, not a reason
    for key in data:                   # to stop: the rest is still checked
        if key not in STEP_KEYS:
            out.add(at(key), P_("Unknown step field '{key}'."), P_("Use one of: {known}."),
                    key=key, known=STEP_KEYS, close=suggest(key, STEP_KEYS))
            ok = False
    key = data.get("id")
    if not isinstance(key, str) or not ID_RE.match(key):
        out.add(at("id") if "id" in data else first, P_("This step has no valid 'id:'."),
                P_("Give it one of lower-case letters, digits and '-' (e.g. 'open-inbox'); "
                   "progress is saved by it, so keep it when you edit the step."))
        ok = False
    screen = data.get("screen")
    if not isinstance(screen, str) or not screen:
        out.add(at("screen") if "screen" in data else first, P_("This step has no 'screen:'."),
                P_("Name the screen to show, e.g. phone.home (list: /authors/screens)."))
        ok = False
    elif screen not in SCREENS:
        out.add(at("screen"), P_("Unknown screen '{screen}'."),
                P_("Pick one from /authors/screens or `trainer screens`."), screen=screen,
                close=suggest(screen, SCREENS))
        ok = False
    kinds = [k for k in INTERACTIONS if k in data]
    if not kinds:
        out.add(first, P_("This step has nothing to do."),
                P_("Add one of: {kinds}."), kinds=INTERACTIONS)
        return None
    if len(kinds) > 1:
        out.add(at(kinds[1]), P_("This step has {count} things to do ({kinds})."),
                P_("A step has exactly one: keep one, or split the step in two."),
                count=len(kinds), kinds=kinds)
        return None
    interaction = _interaction(kinds[0], data[kinds[0]], at, out)
    hints = data.get("hints", [])
    if isinstance(hints, str):
        hints = [hints]
    if not isinstance(hints, list) or len(hints) > MAX_HINTS:
        out.add(at("hints"), P_("'hints' is not a list of at most {most}."),
                P_("Give up to {most} hints, from gentle to plain."), most=MAX_HINTS)
        ok = False
        hints = []
    wrong = data.get("wrong", {})
    if isinstance(wrong, str):
        wrong = {"default": wrong}
    if not isinstance(wrong, Mapping):
        out.add(at("wrong"), P_("'wrong' is neither a message nor 'answer: message' lines."),
                P_("Write one message, or one line per wrong answer plus 'default:'."))
        ok = False
        wrong = {}
    state_set, state_add = data.get("set", {}), data.get("add", {})
    if not isinstance(state_set, Mapping):
        out.add(at("set"), P_("'set' is not 'key: value' lines."),
                P_("Indent one 'key: value' line per state key under 'set:'."))
        ok = False
    if not isinstance(state_add, Mapping) or not all(isinstance(v, list)
                                                     for v in state_add.values()):
        out.add(at("add"), P_("'add' is not 'key:' lines each followed by a list."),
                P_("Under 'add:' write the list's name, then '- ...' items to add to it."))
        ok = False
    audio = str(data.get("audio") or "")
    if audio and (audio.startswith("/") or ".." in audio):
        out.add(at("audio"), P_("'audio' is not a file name inside lessons/audio/."),
                P_("Write just the file name, like 'sms-1.mp3'."))
        ok = False
    if not ok or interaction is None:
        return None
    key_lines = lines.keys(())
    for part in ("set", "add"):
        key_lines.update({f"{part}:{k}": n for k, n in lines.keys((part,)).items()})
    if isinstance(interaction, Spot):
        flags = ("spot", "flags") if "flags" in lines.keys(("spot",)) else ("spot",)
        key_lines.update({f"spot:{k}": n for k, n in lines.keys(flags).items()})
    return Step(
        key=key, heading=heading, body_md="\n".join(prose).strip(), screen=screen,
        interaction=interaction, line=hline, hints_md=tuple(str(h) for h in hints),
        wrong_md=freeze({str(k): str(v) for k, v in wrong.items()}),
        praise_md=str(data.get("praise") or ""), say=str(data.get("say") or ""),
        audio=audio, set_state=freeze(dict(state_set)),
        add_state=freeze({k: list(v) for k, v in state_add.items()}),
        key_lines=freeze(key_lines),
    )


def _interaction(kind: str, value: Any, at: Any, out: _Collector) -> Interaction | None:
    line = at(kind)
    if kind == "tap":
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(n, str) and n for n in names):
            out.add(line, P_("'tap:' does not name a target."),
                    P_("Name the target, like 'tap: app-messages', or every right one in a "
                       "list: 'tap: [app-messages, notification-id]'."))
            return None
        return Tap(names[0], tuple(names[1:]))
    if kind == "read":
        return Read(label="" if value is True or value is None else str(value))
    if kind == "type":
        if not isinstance(value, Mapping) or "field" not in value:
            out.add(line, P_("'type:' has no 'field:'."),
                    P_("Give 'field:' and one of 'answer:', 'pattern:' or 'card:'."))
            return None
        answers = value.get("answer", [])
        answers = answers if isinstance(answers, list) else [answers]
        for a in answers:
            if isinstance(a, int | float) and not isinstance(a, bool):
                out.add(at(kind, "answer"), P_("The answer {answer} is a number to YAML."),
                        P_("Put it in quotes (\"{answer}\"), so leading zeros and spaces are "
                           "kept."), answer=a)
                return None
        pattern = value.get("pattern")
        if pattern is not None:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                out.add(at(kind, "pattern"), P_("This pattern is not a valid regular "
                                                "expression: {error}."),
                        P_("Correct it, or give the answers with 'answer:' instead."),
                        error=str(exc))
                return None
            if nested_quantifier(str(pattern)):
                out.add(at(kind, "pattern"), P_("This pattern repeats something that "
                                                "repeats, like (a+)+: an answer that almost "
                                                "matches could stall the server."),
                        P_("Remove the outer + or *, or give the answers with 'answer:'."))
                return None
        card = value.get("card")
        if card is not None and card not in FIELDS:
            out.add(at(kind, "card"), P_("The practice card has no '{card}'."),
                    P_("Use one of: {known}."), card=card, known=sorted(FIELDS),
                    close=suggest(card, FIELDS))
            return None
        if not answers and pattern is None and card is None:
            out.add(line, P_("'type:' has nothing to check the answer with."),
                    P_("Add one of 'answer:', 'pattern:' or 'card:'."))
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
            out.add(line, P_("'choose:' has fewer than two options."),
                    P_("Give each option as '- text: ...', with 'correct: true' on the right "
                       "one(s)."))
            return None
        parsed: list[Option] = []
        for i, opt in enumerate(options, start=1):
            if isinstance(opt, str):
                opt = {"text": opt}
            if not isinstance(opt, Mapping) or not opt.get("text"):
                out.add(at(kind, *(("options",) if isinstance(value, Mapping) else ()), i - 1),
                        P_("Option {number} has no 'text:'."),
                        P_("Write what the option says after 'text:'."), number=i)
                return None
            parsed.append(Option(key=str(i), text_md=str(opt["text"]),
                                 correct=bool(opt.get("correct", False)),
                                 why_md=str(opt.get("why") or "")))
        right = sum(o.correct for o in parsed)
        if right == 0 or (right > 1 and not several):
            out.add(line, P_("{right} options are marked 'correct: true'."),
                    P_("Mark exactly one, or add 'several: true' when more than one is right."),
                    right=right)
            return None
        return Choose(options=tuple(parsed), several=several)
    if kind == "judge":
        if isinstance(value, str):
            value = {"answer": value}
        answer = value.get("answer") if isinstance(value, Mapping) else None
        if answer not in ("scam", "safe"):
            out.add(line, P_("'judge:' has no answer 'scam' or 'safe'."),
                    P_("Write 'answer: scam' or 'answer: safe', and 'why:'."))
            return None
        return Judge(answer=answer, why_md=str(value.get("why") or ""))
    if kind == "spot":
        flags = value.get("flags", value) if isinstance(value, Mapping) else None
        if not isinstance(flags, Mapping) or not flags:
            out.add(line, P_("'spot:' lists no red flags."),
                    P_("Write each as 'name: why it is suspicious', and mark the words in the "
                       "message as [[name: words]]."))
            return None
        return Spot(flags_md=freeze({str(k): str(v) for k, v in flags.items()}))
    raise AssertionError(kind)  # pragma: no cover


def _check_state_keys(lesson: Lesson, flines: Lines, out: _Collector) -> None:
    """Every state key must be one a screen reads: ``tin_nhan:`` for ``sms:`` or a
    misspelt ``notificaton`` would otherwise silently show nothing."""
    if not all(SCREENS[s.screen].declared for s in lesson.steps):
        return  # a screen that does not say which keys it reads may read any
    typed = {i.store or i.field for s in lesson.steps if isinstance(i := s.interaction, Type)}
    known = state_keys() | typed
    used = frozenset().union(*(SCREENS[s.screen].state_keys for s in lesson.steps))
    where = [(key, line, used) for key, line in flines.keys(("state",)).items()]
    for step in lesson.steps:
        here = SCREENS[step.screen].state_keys
        where += [(k, step.line_of(f"{part}:{k}"), here) for part, keys in
                  (("set", step.set_state), ("add", step.add_state)) for k in keys]
    for key, line, readers in where:
        if key not in known:
            out.add(line, P_("No screen reads the state key '{key}'."),
                    P_("Use a key the screen reads: {known} (see /authors/screens)."),
                    key=key, known=sorted(readers) or "-", close=suggest(key, known))


def _check_screens(lesson: Lesson, flines: Lines, out: _Collector,
                   readable: int | None) -> None:
    """Every target, mark and field a step uses must be drawn by its screen given the
    state at that step, and a key that names an item (``open: bal2``) must name one."""
    steps = lesson.steps if readable is None else lesson.steps[:readable]
    told: set[tuple] = set()
    for index, (step, state) in enumerate(zip(steps, lesson.states(), strict=False)):
        screen = SCREENS[step.screen]
        i = step.interaction
        for key, items in screen.refs:
            value = state.get(key)
            ids = item_ids(state.get(items))
            if value is not None and str(value) not in ids and (key, value) not in told:
                told.add((key, value))
                line = next((s.line_of(f"set:{key}") for s in reversed(steps[:index + 1])
                             if key in s.set_state), flines.get(("state", key), step.line))
                out.add(line, P_("'{key}: {value}' names no item of '{items}'."),
                        P_("Use the id of one of them: {ids}."), key=key, value=value,
                        items=items, ids=ids or "-", close=suggest(value, ids))
        if isinstance(i, Type) and i.field not in screen.fields:
            out.add(step.line_of("type"), P_("The screen {screen} has no field '{name}'."),
                    P_("Type into one of: {known}."), screen=step.screen, name=i.field,
                    known=sorted(screen.fields) or "-", close=suggest(i.field, screen.fields))
        if not isinstance(i, Tap | Spot):
            continue
        buttons, marks = buttons_for(screen, state), marks_for(screen, state)
        if isinstance(i, Tap):
            for name in i.targets:
                if name in buttons:
                    continue
                if name in marks:
                    out.add(step.line_of("tap"), P_("'{name}' is marked words on {screen}, "
                                                    "not a button."),
                            P_("Marked words can be tapped only in a spot step; tap one of: "
                               "{known}."), name=name, screen=step.screen, known=sorted(buttons))
                else:
                    out.add(step.line_of("tap"), P_("The screen {screen} does not show "
                                                    "'{name}' at this step."),
                            P_("Tap one of: {known}."), name=name, screen=step.screen,
                            known=sorted(buttons), close=suggest(name, buttons))
        if isinstance(i, Spot):
            drawn = marks | buttons
            for name in i.flags_md:
                if name not in drawn:
                    out.add(step.line_of(f"spot:{name}"), P_("The screen {screen} shows no "
                                                             "marked words '{name}' here."),
                            P_("Mark the words in the message as [[{name}: words]], or ask "
                               "for one of: {known}."), name=name, screen=step.screen,
                            known=sorted(marks) or "-", close=suggest(name, drawn))
            for name in sorted(marks - set(i.flags_md)):
                out.add(step.line_of("spot"), P_("The words marked '{name}' are not asked "
                                                 "for."),
                        P_("Add '{name}: why it is suspicious' under 'spot:', or remove the "
                           "[[{name}: ...]] mark."), name=name)
        known = buttons | marks | {"default"}
        for name in step.wrong_md:
            if name not in known:
                out.add(step.line_of("wrong"), P_("'wrong' names '{name}', which {screen} "
                                                  "does not show here."),
                        P_("Name one of: {known}."), name=name, screen=step.screen,
                        known=sorted(known), close=suggest(name, known))

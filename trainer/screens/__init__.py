"""The registry of simulated screens.

A screen is a Jinja partial (``templates/screens/<group>/<name>.html``) plus a
declaration of the targets a learner can tap and the fields they can type in.
Lessons name screens (``vneid.login``); the validator checks every target and
field a lesson uses against these declarations, and the authors' catalogue is
generated from them.

Declarations are data, beside their templates: ``templates/screens/<group>/screens.yaml``
is a list of screens, each written like this::

    - name: vneid.login              # <group>.<template>: templates/screens/vneid/login.html
      title: "VNeID: đăng nhập"      # required: the catalogue's heading
      frame: phone                   # phone (the default) or browser
      targets: [back, home, login]   # what a step may ``tap:``
      fields: [id_number, password]  # what a step may ``type:`` into
      reads: [login_mode]            # the state keys it reads (``state:``, ``set:``, ``add:``)
      rows: [devices]                # state lists whose items' ``id`` are buttons on it
      marks: [chat]                  # state keys whose ``[[name: words]]`` are drawn (spot)
      refs: {open: sms}              # a state key that names the ``id`` of an item of a list
      description: >-
        What the screen shows and the state keys it reads (Markdown, for authors).
      example: |
        id: log-in
        screen: vneid.login
        tap: login

A declaration with an unknown key, no title or a name already taken stops the
start-up with its ``file:line``. What data cannot say lives in this package's
modules, one per group that needs it: template filters that compute something
and targets computed from other data (``extend``). They are imported after the
declarations are loaded, so a new group of screens is templates plus a
``screens.yaml``, and a module only if it needs one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "screens"
DECLARATIONS = "screens.yaml"  # in each group's folder of templates
KEYS = ("name", "title", "frame", "targets", "fields", "reads", "rows", "marks", "refs",
        "description", "example")
FRAMES = ("phone", "browser")
# What the frames around every screen read: the phone's notification banner (a button whose
# target is the notification's ``id``) and the browser's "inspect the address" line.
FRAME_READS = {"phone": frozenset({"notification"}), "browser": frozenset({"show_address"})}
NAME_RE = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")


@dataclass(frozen=True)
class Screen:
    name: str
    title: str
    targets: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    example: str = ""  # a complete step block, shown in the catalogue
    frame: str = "phone"  # "phone" or "browser"
    description: str = ""
    source: str = ""  # where it is declared: a screens.yaml or an app file (file:line)
    kit: Any = None  # a kit.KitScreen for screens of apps written in YAML
    # what a built-in screen's template draws from the state (``screens.yaml``):
    state_reads: frozenset[str] = frozenset()  # state keys it reads (``reads:``)
    rows: tuple[str, ...] = ()  # state lists drawn as buttons, one per item ``id``
    marks: tuple[str, ...] = ()  # state keys whose ``[[name: words]]`` are drawn
    refs: tuple[tuple[str, str], ...] = ()  # (state key, the list whose item ``id`` it names)
    # False for a screen registered without saying what it reads: it is then taken to draw
    # every item id and mark in the state, and its state keys are not checked
    declared: bool = True

    @property
    def state_keys(self) -> frozenset[str]:
        """Every state key that changes what this screen draws (typed fields included)."""
        return self.reads | FRAME_READS.get(self.frame, frozenset()) | self.fields

    @property
    def template(self) -> str:
        if self.kit is not None:
            return "screens/kit/page.html" if self.frame == "browser" else "screens/kit/screen.html"
        group, _, name = self.name.partition(".")
        return f"screens/{group}/{name}.html"

    def targets_for(self, state: Mapping[str, Any] | None, *, spans: bool = True) -> set[str]:
        """The targets this screen draws given the lesson's state at a step.

        A kit screen knows exactly: its components' ids, ids from state lists, the phone's
        buttons, and (with ``spans``) the ``[[name: words]]`` parts of the text it shows,
        which are buttons in a spot step only, so a tap step asks with ``spans=False``. A
        built-in screen adds the ids and spans anywhere in the state."""
        state = state or {}
        if self.kit is None:
            return buttons_for(self, state) | (marks_for(self, state) if spans else set())
        if self.frame == "browser":  # the address bar, tapped to read the whole address
            return self.kit.targets(state, spans=spans) | {"address"}
        found = self.kit.targets(state, spans=spans) | {"back", "home"}
        note = state.get("notification")
        if isinstance(note, Mapping) and isinstance(note.get("id"), str):
            found.add(note["id"])  # the phone frame draws the banner on every screen
            if spans:
                found |= {m.group(1) for m in SPAN.finditer(str(note.get("text", "")))}
        return found

    @property
    def reads(self) -> frozenset[str]:
        """The state keys this screen reads (a kit screen knows; a built-in one declares)."""
        return frozenset(self.kit.reads()) if self.kit is not None else self.state_reads


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


class ScreenError(ValueError):
    """A malformed screen declaration, told as ``file:line: what is wrong``."""


def register(name: str, title: str, *, targets: Iterable[str] = (), fields: Iterable[str] = (),
             example: str = "", frame: str = "phone", description: str = "",
             reads: Iterable[str] | None = None, rows: Iterable[str] = (),
             marks: Iterable[str] = (), refs: Mapping[str, str] | None = None) -> Screen:
    """Register a screen from code; ``reads`` (with ``rows``, ``marks``, ``refs``) says what
    it draws from the state, as the ``screens.yaml`` keys do."""
    if name in SCREENS:
        raise ValueError(f"screen {name} registered twice")
    refs = dict(refs or {})
    screen = Screen(name, title, frozenset(targets), frozenset(fields), example.strip("\n"),
                    frame, description,
                    state_reads=frozenset(reads or ()) | set(rows) | set(marks) | set(refs),
                    rows=tuple(rows), marks=tuple(marks), refs=tuple(refs.items()),
                    declared=reads is not None)
    SCREENS[name] = screen
    return screen


def extend(name: str, *, targets: Iterable[str] = (), fields: Iterable[str] = ()) -> Screen:
    """Add targets and fields computed from other data (procedure ids, form fields) to a
    declared screen."""
    screen = SCREENS[name]
    SCREENS[name] = replace(screen, targets=screen.targets | frozenset(targets),
                            fields=screen.fields | frozenset(fields))
    return SCREENS[name]


def screen_data(path: str) -> Any:
    """A YAML file beside the screen templates, e.g. ``portal/site.yaml``."""
    return yaml.safe_load((TEMPLATES / path).read_text(encoding="utf-8"))


def read_declarations(path: Path) -> list[tuple[str, Screen]]:
    """The screens one ``screens.yaml`` declares, each with its ``file:line``."""
    shown = _shown(path)
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:  # what yaml.safe_load does, keeping the nodes for their line numbers
        root = loader.get_single_node()
        items = loader.construct_document(root) if root is not None else []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ScreenError(f"{shown}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}"
                          ) from None
    finally:
        loader.dispose()
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ScreenError(f"{shown}:1: expected a list of screens, each starting "
                          f"'- name: {path.parent.name}.<template>'")
    return [(f"{shown}:{node.start_mark.line + 1}", _declared(item, path, node))
            for node, item in zip(root.value, items, strict=True)]


def _declared(item: dict, path: Path, node: yaml.MappingNode) -> Screen:
    shown, group = _shown(path), path.parent.name
    lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}

    def fail(message: str, key: str | None = None) -> ScreenError:
        return ScreenError(f"{shown}:{lines.get(key, node.start_mark.line + 1)}: {message}")

    keys = [key.value for key, _ in node.value]
    twice = next((key for key in keys if keys.count(key) > 1), None)
    if twice is not None:
        raise fail(f"'{twice}' is given twice", twice)  # at its second line
    unknown = [key for key in item if key not in KEYS]
    if unknown:
        raise fail(f"unknown key '{unknown[0]}'; a screen has {', '.join(KEYS)}", unknown[0])
    name = item.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name) or not name.startswith(group + "."):
        raise fail(f"each screen here needs a name '{group}.<template>' (lower-case, digits, _)",
                   "name")
    template = f"{name.partition('.')[2]}.html"
    if not (path.parent / template).is_file():
        raise fail(f"screen {name} has no template {group}/{template}", "name")
    if not isinstance(item.get("title"), str) or not item["title"].strip():
        raise fail(f"screen {name} has no title")
    for key in ("targets", "fields", "reads", "rows", "marks"):
        names = item.get(key) or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise fail(f"{key} of {name} must be a list of names, like [back, home]", key)
    if item.get("frame", "phone") not in FRAMES:
        raise fail(f"frame of {name} must be one of: {', '.join(FRAMES)}", "frame")
    refs = item.get("refs") or {}
    if not isinstance(refs, dict) or not all(isinstance(v, str) for v in refs.values()):
        raise fail(f"refs of {name} must be 'key: list' lines, like {{open: sms}}", "refs")
    for key in ("description", "example"):
        if not isinstance(item.get(key, ""), str):
            raise fail(f"{key} of {name} must be text", key)
    rows, marks = tuple(item.get("rows") or ()), tuple(item.get("marks") or ())
    return Screen(name, item["title"], frozenset(item.get("targets") or ()),
                  frozenset(item.get("fields") or ()), item.get("example", "").strip("\n"),
                  item.get("frame", "phone"), item.get("description", ""),
                  state_reads=frozenset(item.get("reads") or ()) | set(rows) | set(marks)
                  | set(refs),
                  rows=rows, marks=marks, refs=tuple(refs.items()))


def _shown(path: Path) -> str:
    """``trainer/templates/screens/<group>/screens.yaml`` wherever the package is."""
    path = Path(path)
    return "/".join(path.parts[-5:]) if path.is_relative_to(TEMPLATES) else str(path)


def load_declarations(folder: Path = TEMPLATES) -> None:
    """Register every screen declared in the ``screens.yaml`` files below ``folder``."""
    declared_at: dict[str, str] = {}
    for path in sorted(Path(folder).glob(f"*/{DECLARATIONS}")):
        for where, screen in read_declarations(path):
            if screen.name in SCREENS:
                first = declared_at.get(screen.name, "a register() call")
                raise ScreenError(f"{where}: screen {screen.name} is declared twice "
                                  f"(first: {first})")
            declared_at[screen.name] = where
            SCREENS[screen.name] = replace(screen, source=where)


SPAN = re.compile(r"\[\[([a-z0-9_\-]+):\s*(.*?)\]\]", re.S)


def marked(value: Any) -> set[str]:
    """The names of the ``[[name: words]]`` marks anywhere inside ``value``."""
    if isinstance(value, str):
        return {m.group(1) for m in SPAN.finditer(value)} if "[[" in value else set()
    if isinstance(value, Mapping):
        value = value.values()
    if isinstance(value, Iterable):
        return set().union(*(marked(v) for v in value))
    return set()


def item_ids(items: Any) -> list[str]:
    """The ``id`` of each item of a state list (items without one are drawn without a button)."""
    if not isinstance(items, list | tuple):
        return []
    return [str(x["id"]) for x in items if isinstance(x, Mapping) and x.get("id") is not None]


def _every_id(value: Any) -> set[str]:
    """Every item ``id`` anywhere in the state (for a screen that does not say what it draws)."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        if value.get("id") is not None:
            found.add(str(value["id"]))
        value = tuple(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            found |= _every_id(item)
    return found


# Screens whose buttons or marks depend on the state in ways a declaration cannot say
# (one row per sender, one thread of many): name -> function(state) -> (buttons, marks).
# Registered by the group's module, like template filters.
DRAWN: dict[str, Any] = {}


def drawn_by(name: str):
    """Register how screen ``name`` turns the state into buttons and marks."""
    def register_function(func):
        DRAWN[name] = func
        return func
    return register_function


def buttons_for(screen: Screen, state: Mapping[str, Any]) -> set[str]:
    """The targets this screen draws as buttons given ``state``: what a ``tap:`` may name."""
    if screen.kit is not None:  # a kit screen knows what it draws
        return screen.targets_for(state, spans=False)
    found = set(screen.targets)
    if screen.name in DRAWN:
        found |= DRAWN[screen.name](state)[0]
    elif not screen.declared:
        found |= _every_id(state)
    else:
        for key in screen.rows:
            found.update(item_ids(state.get(key)))
    note = state.get("notification") if screen.frame == "phone" else None
    if isinstance(note, Mapping) and note.get("id") is not None:
        found.add(str(note["id"]))
    return found


def marks_for(screen: Screen, state: Mapping[str, Any]) -> set[str]:
    """The ``[[name: words]]`` marks this screen draws given ``state`` (buttons in a spot step)."""
    if screen.kit is not None:
        return screen.targets_for(state) - screen.targets_for(state, spans=False)
    if screen.name in DRAWN:
        return set(DRAWN[screen.name](state)[1])
    if not screen.declared:
        return marked(state)
    return set().union(*(marked(state.get(key)) for key in screen.marks))


def targets_for(screen: Screen, state: Mapping[str, Any]) -> set[str]:
    """Every name a step on this screen can be answered with: buttons and marks."""
    return buttons_for(screen, state) | marks_for(screen, state)


_state_keys: tuple[tuple, frozenset[str]] = ((), frozenset())


def state_keys() -> frozenset[str]:
    """Every state key some screen reads: anything else in a lesson's state is a mistake."""
    global _state_keys
    version = tuple(map(id, SCREENS.values()))  # a screen added or extended is a new object
    if _state_keys[0] != version:
        _state_keys = (version, frozenset().union(*(s.state_keys for s in SCREENS.values())))
    return _state_keys[1]


FILTERS: dict[str, Any] = {}


def template_filter(func):
    """Make a helper available to screen templates (``{{ s.sms|conversations }}``)."""
    FILTERS[func.__name__] = func
    return func


ORDINARY = "ordinary"  # the target of ordinary text tapped in a spot step


@template_filter
def spans(text: str, ui: ScreenUI | None = None) -> Markup:
    """Escape message text and turn ``[[name: words]]`` into marked parts.

    In a "spot the red flags" step every piece of text is a button that looks like plain
    text, the ordinary words too (they answer ``ordinary``: "Chỗ này bình thường"), so
    nothing on the screen tells a red flag apart until she finds it. Elsewhere a part is
    plain text, marked only once found or revealed, so a message reads the same in
    every step and gives nothing away before it is asked.
    """
    tappable = ui is not None and ui.spot and ui.taps
    out: list[str] = []
    pos = 0

    def ordinary(words: str) -> None:
        out.append(_word_buttons(words, ORDINARY, "part") if tappable else str(escape(words)))

    for match in SPAN.finditer(text or ""):
        ordinary(text[pos:match.start()])
        name, words = match.group(1), match.group(2)
        classes = ["part"]
        if ui is not None and name in ui.found:
            classes.append("found")
        if ui is not None and (name == ui.highlight or name in ui.reveal):
            classes.append("show-me")
        cls = " ".join(classes)
        if tappable:
            out.append(_word_buttons(words, name, " ".join(c for c in classes if c != "show-me"),
                                     show="show-me" in classes))
        elif len(classes) > 1:
            out.append(f'<mark class="{cls}">{escape(words)}</mark>')
        else:
            out.append(str(escape(words)))
        pos = match.end()
    ordinary((text or "")[pos:])
    return Markup("".join(out))


def _word_buttons(words: str, value: str, cls: str, show: bool = False) -> str:
    """One button per word, so the text wraps and reads exactly like text (a button
    spanning several words would be one unbreakable block, showing where a flag starts
    and ends). A screen reader and the keyboard meet each part once: its first word
    carries the whole part as its name, the other words are left out of both. The words
    of a part sit in one inline ``span.spot-part`` (the whole phrase, for its size)."""
    core = words.strip()
    if not core or (value == ORDINARY and not _has_letters(core)):
        return str(escape(words))  # a lone "." or "—" between parts: nothing to tap
    start = words.index(core)
    pieces: list[str] = []
    for word in core.split():  # punctuation rides with its word: no 7 px wide button
        if pieces and not (_has_letters(word) and _has_letters(pieces[-1])):
            pieces[-1] += " " + word
        else:
            pieces.append(word)
    buttons = []
    for n, word in enumerate(pieces):
        if n == 0:
            extra = f' aria-label="{escape(core)}"' if len(pieces) > 1 else ""
        else:
            extra = ' tabindex="-1" aria-hidden="true"'
        buttons.append(f'<button type="submit" class="{cls}" name="target" '
                       f'value="{escape(value)}"{extra}>{escape(word)}</button>')
    group = "spot-part" + (" found" if "found" in cls.split() else "") + \
        (" part show-me" if show else "")  # "show me" points at the whole phrase
    return (f'{escape(words[:start])}<span class="{group}" data-part="{escape(value)}">'
            f'{" ".join(buttons)}</span>{escape(words[start + len(core):])}')


def _has_letters(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


@template_filter
def plain_spans(text: str) -> str:
    """Message text without the ``[[name: ...]]`` markers (for previews)."""
    return SPAN.sub(lambda m: m.group(2), text or "")


def load_all() -> None:
    """Read every group's declarations, then import its module. ``render`` draws screens
    for the web pages and is imported by them, not here (it needs Flask)."""
    load_declarations()
    for info in pkgutil.iter_modules(__path__):
        if info.name != "render":
            importlib.import_module(f"{__name__}.{info.name}")


load_all()

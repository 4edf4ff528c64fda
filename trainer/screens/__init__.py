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
KEYS = ("name", "title", "frame", "targets", "fields", "description", "example")
FRAMES = ("phone", "browser")
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
            return set(self.targets) | dynamic_targets(state)
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
        """State keys a kit screen reads (empty for built-in screens: see their description)."""
        return frozenset(self.kit.reads()) if self.kit is not None else frozenset()


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
             example: str = "", frame: str = "phone", description: str = "") -> Screen:
    if name in SCREENS:
        raise ValueError(f"screen {name} registered twice")
    screen = Screen(name, title, frozenset(targets), frozenset(fields), example.strip("\n"),
                    frame, description)
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
    for key in ("targets", "fields"):
        names = item.get(key) or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise fail(f"{key} of {name} must be a list of names, like [back, home]", key)
    if item.get("frame", "phone") not in FRAMES:
        raise fail(f"frame of {name} must be one of: {', '.join(FRAMES)}", "frame")
    for key in ("description", "example"):
        if not isinstance(item.get(key, ""), str):
            raise fail(f"{key} of {name} must be text", key)
    return Screen(name, item["title"], frozenset(item.get("targets") or ()),
                  frozenset(item.get("fields") or ()), item.get("example", "").strip("\n"),
                  item.get("frame", "phone"), item.get("description", ""))


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
    """The targets ``screen`` draws given ``state`` (see ``Screen.targets_for``)."""
    return screen.targets_for(state)


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
    if not core:
        return str(escape(words))
    start = words.index(core)
    pieces = core.split()
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

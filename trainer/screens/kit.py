"""The screen kit: apps written as YAML by authors, drawn from ready-made components.

An app is ``<lessons>/apps/<app>.yaml`` (see docs/authoring.md, "Một ứng dụng mới")::

    app: nganhang                 # screens are named nganhang.<screen>
    name: Ngân hàng Mẫu           # under its icon on the phone's home screen
    colour: "#0b5d3b"             # app bar, buttons; ink: the text colour on it
    icon: bank                    # a bundled icon (static/img/kit/) or my-icon.svg beside the file
    home: 3                       # place on the home screen (false: not shown there)
    state:                        # state keys the screens read, with their defaults
      recipient: NGUYEN VAN AN
    screens:
      login:
        title: "Ngân hàng Mẫu: đăng nhập"
        components:
          - appbar: {title: Đăng nhập}
          - text: "Chào bác, tên người nhận là {recipient}"
          - pinpad: {id: pin, label: Nhập mã PIN}

Every component with an ``id`` (and every item with an ``id`` in a component's list) is a
target on its screen only; form fields and PIN pads are fields. ``{key}`` in any text is
the lesson state's value (or the app's default); ``when: key`` / ``unless: key`` show a
component only when the state's key is set or not; ``items_from: key`` takes a list from
the state (so ``add:`` in a step makes a new chat message appear). Problems are told as
``file:line: what is wrong. How to fix it.`` in the author's language (English messages
marked ``P_``, translated from the ``problems`` catalogue like the lessons' ones), one per
mistake, and never stop the rest from loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from trainer.content.lesson import Problem
from trainer.content.messages import P_
from trainer.screens import SCREENS, SPAN, Screen, template_filter

APP_KEYS = ("app", "name", "colour", "ink", "icon", "home", "home_when", "reconstruction",
            "sources", "state", "screens")
SCREEN_KEYS = ("title", "description", "example", "background", "frame", "address",
               "components")
COMMON_KEYS = ("when", "unless")
APP_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
BUILT_IN_APPS = ("phone", "vneid", "portal", "call", "chat", "web", "app", "pay", "paper", "kit")
BACKGROUNDS = ("light", "grey", "dark", "colour")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster
BLOCKING = ("dialog", "sheet", "permission")  # overlays that cover the screen below them


@dataclass(frozen=True)
class Kind:
    """One kind of component: the keys it takes and which of them name targets or fields."""

    summary: str  # for the authors' catalogue
    keys: tuple[str, ...]
    example: str  # YAML of one component, rendered in the catalogue and the tests
    id_is: str = ""  # "target" or "field": what its own ``id`` is
    item_keys: tuple[str, ...] = ()  # keys of each item in ``items`` (an item's id is a target)
    target_keys: tuple[str, ...] = ()  # keys whose value is a target id (permission: allow...)
    fixed: tuple[str, ...] = ()  # targets it always draws (call controls), chosen by ``controls``
    required: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


ROW_KEYS = ("id", "avatar", "title", "subtitle", "time", "badge", "icon")
MESSAGE_KEYS = ("id", "mine", "time", "text", "link", "transfer", "image", "voice", "name")
KINDS: dict[str, Kind] = {
    "appbar": Kind("App bar: title, an optional back arrow and named action icons.",
                   ("title", "subtitle", "back", "actions"),
                   "appbar:\n  title: Danh bạ\n  back: true\n  actions:\n"
                   "    - {id: tim-kiem, icon: search, label: Tìm}\n", item_keys=()),
    "tabs": Kind("Bottom tabs, each with an icon and a word; `selected: true` marks the open "
                 "one.",
                 ("items",), "tabs:\n  items:\n    - {id: tab-tin-nhan, icon: chat, "
                 "label: Tin nhắn, selected: true}\n"
                 "    - {id: tab-danh-ba, icon: contacts, label: Danh bạ}\n",
                 item_keys=("id", "icon", "label", "selected"), required=("items",)),
    "tiles": Kind("A grid of tiles (the app's home): icon and words on each.",
                  ("items", "columns"), "tiles:\n  items:\n    - {id: the-bhyt, icon: card, label: "
                  "Thẻ BHYT}\n    - {id: qua-trinh, icon: history, label: Quá trình tham gia}\n",
                  item_keys=("id", "icon", "label"), required=("items",)),
    "list": Kind("List rows: avatar (letters), title, subtitle, time and a badge.",
                 ("title", "items", "items_from"),
                 "list:\n  items:\n    - {id: hoa-don-dien, avatar: Đ, title: Tiền điện, subtitle: "
                 "Tháng 11, time: \"09:15\", badge: Chưa trả}\n", item_keys=ROW_KEYS),
    "contacts": Kind("A contacts list: one row per person, with a letter avatar and a note.",
                     ("title", "items", "items_from"),
                     "contacts:\n  items:\n    - {id: con-trai, name: Minh (con trai), note: "
                     "0123 456 701}\n    - {id: con-gai, name: Lan (con gái)}\n",
                     item_keys=("id", "name", "note", "avatar")),
    "search": Kind("A search box the learner types into (its id is a field).",
                   ("id", "label", "value"), "search: {id: tim-ban, label: Tìm bạn bè}\n",
                   id_is="field", required=("id",)),
    "card": Kind("A card of label–value rows, with an optional title, QR code and id to tap.",
                 ("id", "title", "rows", "qr", "note"),
                 "card:\n  title: Thẻ bảo hiểm y tế\n  qr: true\n  rows:\n"
                 "    - {label: Họ tên, value: NGUYỄN THỊ TẬP}\n"
                 "    - {label: Mã số BHXH, value: \"000158012345\"}\n", id_is="target"),
    "balance": Kind("An account balance that is hidden (******) until the eye is tapped.",
                    ("id", "label", "amount", "hidden"),
                    "balance: {id: xem-so-du, label: Số dư, amount: 12.500.000 đ, hidden: true}\n",
                    id_is="target"),
    "text": Kind("Text: `style` is title, lead, small, note, warn or good.",
                 ("text", "style"), "text: {text: \"Chào bác!\", style: title}\n",
                 required=("text",),
                 choices={"style": ("title", "lead", "small", "note", "warn", "good")}),
    "button": Kind("A button with words (and an optional icon); style: primary, secondary, "
                   "danger or link.", ("id", "label", "icon", "style"),
                   "button: {id: tiep-tuc, label: Tiếp tục, style: primary}\n", id_is="target",
                   required=("id", "label"),
                   choices={"style": ("primary", "secondary", "danger", "link")}),
    "field": Kind("A form field the learner types into: text, number, password or date.",
                  ("id", "label", "type", "value", "example"),
                  "field: {id: so-tien, label: Số tiền (đồng), type: number}\n", id_is="field",
                  required=("id", "label"),
                  choices={"type": ("text", "number", "password", "date")}),
    "select": Kind("A drop-down to tap, showing its chosen value.", ("id", "label", "value"),
                   "select: {id: chon-nha-cung-cap, label: Nhà cung cấp, value: Điện lực Mẫu}\n",
                   id_is="target", required=("id", "label")),
    "radio": Kind("Choices, one of which is `selected: true`.", ("label", "items"),
                  "radio:\n  label: Nhận mã qua\n  items:\n    - {id: qua-app, label: Smart OTP, "
                  "selected: true}\n    - {id: qua-sms, label: Tin nhắn SMS}\n",
                  item_keys=("id", "label", "selected"), required=("items",)),
    "checkbox": Kind("A box to tick.", ("id", "label", "selected"),
                     "checkbox: {id: dong-y, label: Tôi đã kiểm tra tên người nhận}\n",
                     id_is="target", required=("id", "label")),
    "switch": Kind("An on/off switch.", ("id", "label", "selected"),
                   "switch: {id: bat-thong-bao, label: Nhận thông báo, selected: true}\n",
                   id_is="target", required=("id", "label")),
    "dialog": Kind("A dialog over the screen: title, text and buttons.",
                   ("title", "text", "items"),
                   "dialog:\n  title: Xác nhận\n  text: Bác có chắc không?\n  items:\n"
                   "    - {id: huy, label: Huỷ}\n"
                   "    - {id: dong-y, label: Đồng ý, style: primary}\n",
                   item_keys=("id", "label", "style"), required=("items",)),
    "sheet": Kind("A bottom sheet: a title and a list of choices.", ("title", "text", "items"),
                  "sheet:\n  title: Chia sẻ\n  items:\n    - {id: gui-anh, icon: image, label: Gửi "
                  "ảnh}\n    - {id: gui-vi-tri, icon: pin, label: Gửi vị trí}\n",
                  item_keys=("id", "icon", "label"), required=("items",)),
    "toast": Kind("A short message at the bottom of the screen.", ("text",),
                  "toast: {text: Đã sao chép}\n", required=("text",)),
    "permission": Kind("The phone's own permission prompt (camera, microphone, notifications "
                       "or screen sharing) with up to three answers.",
                       ("what", "app", "allow", "once", "deny"),
                       "permission: {what: camera, app: Zalo, allow: cho-phep, deny: tu-choi}\n",
                       target_keys=("allow", "once", "deny"), required=("what",),
                       choices={"what": ("camera", "microphone", "notifications", "screen")}),
    "pinpad": Kind("A PIN pad: dots and a number pad; the learner types the PIN (a field).",
                   ("id", "label", "length", "forgot"),
                   "pinpad: {id: ma-pin, label: Nhập mã PIN 6 số, length: 6}\n",
                   id_is="field", target_keys=("forgot",), required=("id",)),
    "otp": Kind("Smart OTP: the code the app makes, how long it lasts, a button to confirm.",
                ("id", "title", "code", "seconds", "label", "note"),
                "otp: {id: xac-nhan-otp, code: \"482 913\", seconds: 60, label: Xác nhận}\n",
                id_is="target", required=("code",)),
    "facescan": Kind("Face verification: an oval for the face, advice, and a start button.",
                     ("id", "title", "text", "label", "done"),
                     "facescan: {id: bat-dau-quet, title: Xác thực khuôn mặt, label: Bắt đầu}\n",
                     id_is="target"),
    "chat": Kind("A chat thread: bubbles with text, a link card, a transfer card, an image or a "
                 "voice note (`mine: true` for the learner's own). A bubble with a card, image "
                 "or voice note can be tapped by its id.", ("items", "items_from"),
                 "chat:\n  items:\n    - {id: m1, time: \"19:02\", text: Mẹ ơi con đây}\n"
                 "    - {id: m2, mine: true, time: \"19:03\", voice: 12}\n"
                 "    - id: m3\n      link: {title: Nhận quà, address: qua-tang.example}\n",
                 item_keys=MESSAGE_KEYS),
    "chips": Kind("Suggestion chips to tap (AI assistants, quick replies).", ("label", "items"),
                  "chips:\n  items:\n    - {id: goi-y-1, label: Cách đo huyết áp}\n"
                  "    - {id: goi-y-2, label: Món ăn cho người tiểu đường}\n",
                  item_keys=("id", "label"), required=("items",)),
    "compose": Kind("The box to type a message (a field) and its send button.",
                    ("id", "label", "send"), "compose: {id: tin-nhan, label: Nhập tin nhắn, "
                    "send: gui}\n", id_is="field", target_keys=("send",), required=("id",)),
    "call": Kind("A call screen: `mode` incoming, outgoing or in-call; video shows the other "
                 "person and a small self-view; `says` lists the caller's words, one line "
                 "each (they may mark [[name: words]]). `controls` lists the buttons drawn, from: "
                 "answer, decline, mic, camera, speaker, flip, end (their names are the targets).",
                 ("mode", "name", "number", "note", "video", "blurry", "says", "controls"),
                 "call:\n  mode: in-call\n  name: Minh (con trai)\n  video: true\n"
                 "  controls: [mic, camera, speaker, flip, end]\n",
                 fixed=("answer", "decline", "mic", "camera", "speaker", "flip", "end"),
                 required=("mode",), choices={"mode": ("incoming", "outgoing", "in-call")}),
    "map": Kind("A map with a pin; the pin can be tapped by its id.",
                ("id", "place", "address"),
                "map: {id: ghim, place: Trạm y tế phường Mẫu, address: 12 đường Mẫu}\n",
                id_is="target"),
    "status": Kind("Loading, success or error: a big sign, a title, text and a button.",
                   ("id", "kind", "title", "text", "label"),
                   "status: {kind: success, title: Chuyển tiền thành công, id: ve-trang-chu, "
                   "label: Về trang chủ}\n", id_is="target", required=("kind",),
                   choices={"kind": ("loading", "success", "error")}),
    "browser": Kind("A web browser's address bar (tap it by its id to read the full address).",
                    ("id", "address", "secure"),
                    "browser: {id: dia-chi, address: hoadon-mau.example}\n", id_is="target",
                    required=("address",)),
    "qr": Kind("A QR code picture with a caption (a practice pattern, not a real code).",
               ("id", "caption"), "qr: {caption: Mã QR thanh toán}\n", id_is="target"),
    "image": Kind("A picture placeholder with a caption (photo, document).",
                  ("caption", "icon"), "image: {icon: image, caption: Ảnh chụp hoá đơn}\n"),
}


@dataclass(frozen=True)
class Component:
    kind: str
    props: Mapping[str, Any]
    line: int


@dataclass(frozen=True)
class KitApp:
    id: str
    name: str
    path: str  # as shown to authors
    colour: str = "#0a4a8c"
    ink: str = "#ffffff"
    icon: str = "app"  # a bundled icon name, or a file name ending .svg beside the YAML
    icon_file: Path | None = None
    home: int | None = 99  # position on the home screen, None: not there
    home_when: str = ""
    reconstruction: bool = True
    state: Mapping[str, Any] = field(default_factory=dict)
    line: int = 1  # of its 'app:' in the file, where a problem with the whole app is told

    @property
    def target(self) -> str:
        """The home screen's target that opens the app."""
        return f"app-{self.id}"


@dataclass(frozen=True)
class KitScreen:
    app: KitApp
    components: tuple[Component, ...]
    background: str = "light"
    address: str = ""  # in a browser frame: the web address shown in the bar

    def address_at(self, state: Mapping[str, Any] | None) -> str:
        return str(_fill(self.address, self.state(state)))

    def state(self, state: Mapping[str, Any] | None) -> dict:
        """The lesson's state over the app's defaults."""
        return {**self.app.state, **(state or {})}

    def draw(self, state: Mapping[str, Any] | None) -> list[Component]:
        """The components shown given the lesson's state: ``when``/``unless`` applied,
        ``items_from`` filled in and ``{key}`` replaced."""
        merged = self.state(state)
        shown = []
        for c in self.components:
            when, unless = c.props.get("when"), c.props.get("unless")
            if (when and not merged.get(when)) or (unless and merged.get(unless)):
                continue
            props = {k: _fill(v, merged) for k, v in c.props.items() if k not in COMMON_KEYS}
            source = props.pop("items_from", None)
            if source:
                items = merged.get(source)
                props["items"] = [_fill(i, merged) for i in items if isinstance(i, Mapping)] \
                    if isinstance(items, list) else []
            shown.append(Component(c.kind, props, c.line))
        return shown

    def targets(self, state: Mapping[str, Any] | None, *, spans: bool = True) -> set[str]:
        """Exactly the targets drawn given the state: ids of buttons, items, controls and
        (with ``spans``) the ``[[name: words]]`` parts of the text shown."""
        shown = self.draw(state)
        if any(c.kind in BLOCKING for c in shown):  # a dialog covers the rest: only it is tappable
            shown = [c for c in shown if c.kind in BLOCKING]
        found: set[str] = set()
        for c in shown:
            found |= component_targets(c, spans=spans)
        return found

    def fields(self) -> set[str]:
        return {str(c.props["id"]) for c in self.components
                if KINDS[c.kind].id_is == "field" and c.props.get("id")}

    def reads(self) -> set[str]:
        """The state keys this screen reads."""
        keys: set[str] = set()
        for c in self.components:
            keys |= {str(c.props[k]) for k in ("when", "unless", "items_from") if c.props.get(k)}
            keys |= set(PLACEHOLDER.findall(_text_of(c.props)))
        return keys | set(PLACEHOLDER.findall(self.address))


def component_targets(c: Component, *, spans: bool = True) -> set[str]:
    kind, props = KINDS[c.kind], c.props
    found: set[str] = set()
    if kind.id_is == "target" and props.get("id"):
        found.add(str(props["id"]))
    found |= {str(props[k]) for k in kind.target_keys if props.get(k)}
    if c.kind == "appbar":
        found |= {"back"} if props.get("back") else set()
        found |= {str(a["id"]) for a in props.get("actions") or () if isinstance(a, Mapping)
                  and a.get("id")}
    elif c.kind == "call":
        found |= set(props.get("controls") or ())
    elif c.kind == "chat":
        found |= {str(m["id"]) for m in props.get("items") or () if m.get("id")
                  and any(m.get(k) for k in ("link", "transfer", "image", "voice"))}
    else:
        found |= {str(i["id"]) for i in props.get("items") or () if isinstance(i, Mapping)
                  and i.get("id")}
    if spans:
        found |= {m.group(1) for m in SPAN.finditer(_text_of(props))}
    return found


def _own_ids(c: Component) -> list[str]:
    """The ids a component gives its targets and fields (not its [[spans]])."""
    props = c.props
    ids = [str(props["id"])] if props.get("id") else []
    ids += [str(props[k]) for k in KINDS[c.kind].target_keys if props.get(k)]
    for key in ("items", "actions"):
        ids += [str(i["id"]) for i in props.get(key) or () if isinstance(i, Mapping)
                and i.get("id")]
    return ids


def _fill(value: Any, state: Mapping[str, Any]) -> Any:
    """``{key}`` in text replaced by the state's value."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole and not isinstance(state.get(whole.group(1), ""), str):
            return state[whole.group(1)]  # a list or a number from the state, as it is
        return PLACEHOLDER.sub(lambda m: str(state.get(m.group(1), m.group(0))), value)
    if isinstance(value, Mapping):
        return {k: _fill(v, state) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fill(v, state) for v in value]
    return value


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "\n".join(_text_of(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(_text_of(v) for v in value)
    return ""


# --- Loading app files ---------------------------------------------------------------------

APPS: dict[str, KitApp] = {}
_BASE_HOME: Screen | None = None  # phone.home as declared, before kit apps were added


def load_apps(folder: Path) -> list[Problem]:
    """Register the screens of every ``*.yaml`` app in ``folder`` (replacing those of an
    earlier load) and add the apps to the phone's home screen. Returns the problems."""
    global _BASE_HOME
    for name in [n for n, s in SCREENS.items() if s.kit is not None]:
        del SCREENS[name]
    APPS.clear()
    if _BASE_HOME is None:
        _BASE_HOME = SCREENS["phone.home"]
    problems: list[Problem] = []
    for path in sorted(Path(folder).glob("*.yaml")) if Path(folder).is_dir() else ():
        app, screens = read_app(path, problems)
        if app is None:
            continue
        if app.id in APPS:
            _File(app.path, problems).add(
                app.line, P_("The app '{app}' is already defined in {other}."),
                P_("Give each app its own 'app:' name."), app=app.id, other=APPS[app.id].path)
            continue
        APPS[app.id] = app
        for screen in screens:
            SCREENS[screen.name] = screen
    home = {a.target for a in APPS.values() if a.home is not None}
    SCREENS["phone.home"] = replace(_BASE_HOME, targets=_BASE_HOME.targets | home)
    return problems


class _File:
    """One app file being read: its problems, each at a line, told like the lessons' ones
    (English catalogue messages with ``{name}`` placeholders, translated when shown)."""

    def __init__(self, shown: str, problems: list[Problem]):
        self.shown = shown
        self.problems = problems

    def add(self, at: yaml.Node | int | None, what: str, fix: str, *, close: str = "",
            **args: Any) -> None:
        """``at``: the node whose line is wrong (or the line itself; None: the first)."""
        line = at if isinstance(at, int) else at.start_mark.line + 1 if at is not None else 1
        args = {k: str(v) if isinstance(v, Mapping) else v for k, v in args.items()}  # hashable
        self.problems.append(Problem(self.shown, line, what, fix, tuple(args.items()), close))


def _key_node(node: yaml.Node, key: Any) -> yaml.Node:
    """The node of ``key`` in a mapping node (for its line), else the mapping itself."""
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if k.value == key or isinstance(key, bool) and k.tag.endswith(":bool"):
                return k
    return node


def _value_node(node: yaml.Node, key: str | int) -> yaml.Node:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return node


def _suggest(word: Any, names: Iterable[Any]) -> str:
    """The name the author probably meant, as the lesson checks find it."""
    from trainer.content.parser import suggest  # noqa: PLC0415 (the parser imports screens)

    return suggest(word, names)


def _unknown_keys(f: _File, node: yaml.Node, data: Mapping, known: Iterable[str], what: str,
                  fix: str, **args: Any) -> set[str]:
    """Tell each key of ``data`` that is not ``known`` (``what``/``fix`` get ``key`` and
    ``known``); return the known keys they were probably meant to be, so that a misspelt
    key is one problem, not also a missing key."""
    known = tuple(known)
    meant = set()
    for key in data:
        if isinstance(key, bool):
            f.add(_key_node(node, key), P_("YAML reads 'on', 'off', 'yes' and 'no' as "
                                           "true/false, so they cannot be names here."),
                  P_("Write 'selected: true'."))
        elif key not in known:
            close = _suggest(key, known)
            meant.add(close)
            f.add(_key_node(node, key), what, fix, close=close, key=key, known=known, **args)
    return meant


def read_app(path: Path, problems: list[Problem], text: str | None = None
             ) -> tuple[KitApp | None, list[Screen]]:
    """One app file: the app and its screens, or None when the file cannot be used.
    ``text``: what the browser editor holds for ``path`` (else the file is read)."""
    from trainer.content.library import display_path  # noqa: PLC0415 (content imports screens)

    shown = display_path(path)
    f = _File(shown, problems)
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
    except UnicodeDecodeError:
        f.add(None, P_("The file is not UTF-8 text."), P_("Save it as UTF-8 in your editor."))
        return None, []
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and mark.line >= len(text.splitlines()):  # at the end: where it began
            mark = getattr(exc, "context_mark", None) or mark
        f.add(mark.line + 1 if mark else 1, P_("YAML error: {error}."),
              P_("Check the indentation, and put text containing ':' or '#' in quotes."),
              error=getattr(exc, "problem", None) or exc)
        return None, []
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):  # "x: !!int abc"
        f.add(None, P_("YAML error: a value does not fit its '!!' type tag, or an alias "
                       "(*name) is used inside what it names."),
              P_("Remove the tag or the alias."))
        return None, []
    if not isinstance(data, dict):
        f.add(root, P_("An app file starts with 'app: <name>' and 'name: <name shown>', then "
                       "'screens:'."),
              P_("Follow the example in docs/authoring.md, chapter \"Một ứng dụng mới\"."))
        return None, []
    meant = _unknown_keys(f, root, data, APP_KEYS, P_("Unknown key '{key}' in the app file."),
                          P_("An app has: {known}."))
    app_id = data.get("app")
    if not isinstance(app_id, str) or not APP_RE.match(app_id):
        if "app" not in meant:
            f.add(_key_node(root, "app"), P_("The app has no valid 'app:' name."),
                  P_("Write a short name of lower-case letters, digits and _ (e.g. 'app: "
                     "nganhang'); its screens are named <app>.<screen>."))
        return None, []
    app_line = _key_node(root, "app").start_mark.line + 1
    if app_id in BUILT_IN_APPS:
        f.add(app_line, P_("'{app}' is the name of built-in screens."),
              P_("Choose another name for 'app:'."), app=app_id)
        return None, []
    if path.stem != app_id:
        f.add(app_line, P_("The file is {file} but 'app: {app}'."),
              P_("Name the file {app}.yaml, so authors find the app by its name."),
              file=path.name, app=app_id)
    name = data.get("name")
    if (not isinstance(name, str) or not name.strip()) and "name" not in meant:
        f.add(_key_node(root, "name"), P_("The app has no 'name:'."),
              P_("Write the words shown under its icon (e.g. 'name: Ngân hàng Mẫu')."))
    if not isinstance(name, str) or not name.strip():
        name = app_id
    colours = {}
    for key, default in (("colour", "#0a4a8c"), ("ink", "#ffffff")):
        value = data.get(key, default)
        if not isinstance(value, str) or not COLOUR_RE.match(value):
            f.add(_key_node(root, key), P_("'{key}: {value}' is not a colour."),
                  P_("Write a colour as # and six digits or letters a–f, in quotes, like "
                     "\"#0a4a8c\"."), key=key, value=value)
            value = default
        colours[key] = value
    ratio = _contrast(colours["colour"], colours["ink"])
    if ratio < 4.5:
        f.add(_key_node(root, "ink" if "ink" in data else "colour"),
              P_("Text in {ink} on {colour} is hard to read (contrast {ratio}:1, below 4.5:1)."),
              P_("Choose a darker 'colour:', or set 'ink:' to \"#ffffff\" (white) or "
                 "\"#111111\" (black)."), ink=colours["ink"], colour=colours["colour"],
              ratio=f"{ratio:.1f}")
    icon, icon_file = _icon(data.get("icon", "app"), path, f, _key_node(root, "icon"))
    home = data.get("home", 99)
    if home is False:
        home = None
    elif not isinstance(home, int) or isinstance(home, bool):
        f.add(_key_node(root, "home"), P_("'home: {value}' is not a place on the home screen."),
              P_("Write a number such as 8 (the app's place among the icons), or false to "
                 "leave it off."), value=home)
        home = 99
    home_when = data.get("home_when") or ""
    state = data.get("state") or {}
    if not isinstance(state, dict):
        f.add(_key_node(root, "state"), P_("'state' is not 'key: value' lines."),
              P_("Indent one 'key: value' line per state key under 'state:'."))
        state = {}
    app = KitApp(id=app_id, name=name.strip(), path=shown, colour=colours["colour"],
                 ink=colours["ink"], icon=icon, icon_file=icon_file, home=home,
                 home_when=str(home_when), reconstruction=data.get("reconstruction") is not False,
                 state=state, line=app_line)
    screens_node = _value_node(root, "screens")
    declared = data.get("screens")
    if not isinstance(declared, dict) or not declared:
        if "screens" not in meant:
            f.add(_key_node(root, "screens"), P_("The app has no 'screens:'."),
                  P_("List its screens by name under 'screens:', each with 'title:' and "
                     "'components:'."))
        return app, []
    screens = []
    for name_, spec in declared.items():
        screen = _read_screen(app, str(name_), spec, _key_node(screens_node, name_),
                              _value_node(screens_node, name_), f)
        if screen is not None:
            screens.append(screen)
    return app, screens


def icons_dir() -> Path:
    """The bundled icons, ``static/img/kit/<name>.svg`` (in a checkout or the installed
    package)."""
    from trainer.config import resource_dir  # noqa: PLC0415 (config knows Flask's CLI)

    return resource_dir("static") / "img" / "kit"


@cache
def bundled_icons() -> tuple[str, ...]:
    """The names of the bundled icons (they ship with the code: read once)."""
    return tuple(sorted(p.stem for p in icons_dir().glob("*.svg")))


def _icon(value: Any, path: Path, f: _File, node: yaml.Node) -> tuple[str, Path | None]:
    if not isinstance(value, str) or not value:
        f.add(node, P_("'icon:' is not the name of an icon."),
              P_("Write the name of a bundled icon, or of an .svg file beside the app file."))
        return "app", None
    if value.endswith(".svg"):
        own = path.parent / value
        if "/" in value or "\\" in value or not own.is_file():
            f.add(node, P_("The icon file {file} is not beside {app_file}."),
                  P_("Put the .svg file in the same folder, or use a bundled icon: {known}."),
                  file=value, app_file=path.name, known=bundled_icons())
            return "app", None
        unsafe = unsafe_svg(own.read_text(encoding="utf-8", errors="replace"))
        if unsafe:
            f.add(node, unsafe, P_("Save it as a plain drawing (paths and shapes only), or use "
                                   "a bundled icon."), file=value)
            return "app", None
        return value, own
    if value not in bundled_icons():
        f.add(node, P_("There is no bundled icon '{icon}'."), P_("Use one of: {known}."),
              icon=value, known=bundled_icons(), close=_suggest(value, bundled_icons()))
        return "app", None
    return value, None


_UNSAFE_SVG = (
    (re.compile(r"<\s*script", re.I), P_("The icon {file} contains a script.")),
    (re.compile(r"\son[a-z]+\s*=", re.I), P_("The icon {file} has event handlers (on...=).")),
    (re.compile(r"<\s*foreignObject", re.I), P_("The icon {file} contains HTML "
                                                "(foreignObject).")),
    (re.compile(r"(?:href|src)\s*=\s*[\"']\s*(?!#)", re.I),
     P_("The icon {file} links to another file or site.")),
    (re.compile(r"url\(\s*[\"']?\s*(?!#)", re.I),
     P_("The icon {file} loads another file or site (url(...)).")),
    (re.compile(r"<!ENTITY|<!DOCTYPE", re.I), P_("The icon {file} declares entities.")),
)


def unsafe_svg(text: str) -> str:
    """Why an author's SVG is unsafe to serve (a catalogue message naming the ``{file}``),
    or "" when it is only a drawing."""
    if "<svg" not in text:
        return P_("The icon {file} is not an SVG drawing.")
    for pattern, why in _UNSAFE_SVG:
        if pattern.search(text):
            return why
    return ""


def _contrast(a: str, b: str) -> float:
    def lum(colour: str) -> float:
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _read_screen(app: KitApp, name: str, spec: Any, key_node: yaml.Node, node: yaml.Node,
                 f: _File) -> Screen | None:
    full = f"{app.id}.{name}"
    if not APP_RE.match(name):
        f.add(key_node, P_("The screen name '{name}' is not lower-case letters, digits and _."),
              P_("Write it like 'chuyen_tien'; lessons name the screen {app}.chuyen_tien."),
              name=name, app=app.id)
        return None
    if not isinstance(spec, dict):
        f.add(key_node, P_("The screen {screen} has nothing below it."),
              P_("Indent 'title:' and 'components:' below its name."), screen=full)
        return None
    meant = _unknown_keys(f, node, spec, SCREEN_KEYS, P_("Unknown key '{key}' in screen "
                                                         "{screen}."),
                          P_("A screen has: {known}."), screen=full)
    title = spec.get("title")
    if not isinstance(title, str) or not title.strip():
        if "title" not in meant:
            f.add(_key_node(node, "title") if "title" in spec else key_node,
                  P_("The screen {screen} has no 'title:'."),
                  P_("Add one, like 'title: \"{name}: đăng nhập\"'; authors see it in the "
                     "catalogue of screens."), screen=full, name=app.name)
        title = full
    background = spec.get("background", "light")
    if background not in BACKGROUNDS:
        f.add(_key_node(node, "background"), P_("'{key}: {value}' is not one of the choices."),
              P_("Use one of: {known}."), key="background", value=background, known=BACKGROUNDS,
              close=_suggest(background, BACKGROUNDS))
        background = "light"
    frame = spec.get("frame", "phone")
    if frame not in ("phone", "browser"):
        f.add(_key_node(node, "frame"), P_("'{key}: {value}' is not one of the choices."),
              P_("Use phone (the default) or browser (a web page in a browser, with its "
                 "address bar)."), key="frame", value=frame,
              close=_suggest(frame, ("phone", "browser")))
        frame = "phone"
    address = spec.get("address") or ""
    if frame == "browser" and (not isinstance(address, str) or not address):
        f.add(_key_node(node, "address") if "address" in spec else key_node,
              P_("The screen {screen} is in a browser: give its 'address:'."),
              P_("Use a practice address ending in .example, or the official one the lesson "
                 "teaches."), screen=full)
        address = ""
    for key in sorted(set(PLACEHOLDER.findall(str(address))) - set(app.state)):
        f.add(_key_node(node, "address"), P_("'{placeholder}' names a state key the app does "
                                             "not declare."),
              P_("Add it under 'state:' at the top of the app file, with a default value."),
              placeholder=f"{{{key}}}", close=_suggest(key, app.state))
    items = spec.get("components")
    items_node = _value_node(node, "components")
    if not isinstance(items, list) or not items:
        if "components" not in meant:
            f.add(_key_node(node, "components") if "components" in spec else key_node,
                  P_("The screen {screen} has no 'components:'."),
                  P_("List what it shows under 'components:', one line each, like "
                     "'- text: Xin chào'."), screen=full)
        items = []
    components = []
    for i, item in enumerate(items):
        component = _read_component(app, full, item, _value_node(items_node, i), f)
        if component is not None:
            components.append(component)
    kit = KitScreen(app, tuple(components), background, str(address))
    ids: dict[str, int] = {}
    for c in components:
        if c.props.get("when") or c.props.get("unless"):
            continue  # shown in turn with another: they may share an id
        for name_ in _own_ids(c):
            if name_ in ids:
                f.add(c.line, P_("The id '{id}' is used twice on screen {screen} (first at "
                                 "line {first})."),
                      P_("Give each thing on a screen its own id."), id=name_, screen=full,
                      first=ids[name_])
            ids.setdefault(name_, c.line)
    example = spec.get("example") or _example(full, kit)
    frame_targets = {"address"} if frame == "browser" else {"back", "home"}
    return Screen(full, title.strip(), frozenset(kit.targets({}) | frame_targets),
                  frozenset(kit.fields()), str(example).strip("\n"), frame,
                  str(spec.get("description") or ""),
                  source=f"{app.path}:{key_node.start_mark.line + 1}", kit=kit)


def _read_component(app: KitApp, screen: str, item: Any, node: yaml.Node,
                    f: _File) -> Component | None:
    line = node.start_mark.line + 1
    if not isinstance(item, dict) or len([k for k in item if k not in COMMON_KEYS]) != 1:
        f.add(node, P_("On screen {screen}, this is not one component."),
              P_("Write each component as one line '- kind: ...', like '- text: Xin chào' or "
                 "'- button: {example}'."), screen=screen,
              example="{id: tiep-tuc, label: Tiếp tục}")
        return None
    kind_name = next(k for k in item if k not in COMMON_KEYS)
    body_node = _value_node(node, kind_name)
    if kind_name not in KINDS:
        f.add(node, P_("Unknown component '{kind}'."),
              P_("See the components on /authors/screens."), kind=kind_name,
              close=_suggest(kind_name, KINDS))
        return None
    kind = KINDS[kind_name]
    props = item[kind_name]
    if props is None:
        props = {}
    if not isinstance(props, dict):
        if kind_name in ("text", "toast") and isinstance(props, str | int | float):
            props = {"text": str(props)}
        else:
            f.add(node, P_("'{kind}:' takes 'key: value' lines."), P_("For example:\n{example}"),
                  kind=kind_name, example=kind.example)
            return None
    props = dict(props)
    for common in COMMON_KEYS:  # `when:` beside the kind, or inside it
        if item.get(common) is not None:
            props[common] = item[common]
    before = len(f.problems)
    meant = _unknown_keys(f, body_node, {k: v for k, v in props.items()
                                         if k not in COMMON_KEYS},
                          kind.keys, P_("'{kind}' has no '{key}'."), P_("It takes: {known}."),
                          kind=kind_name)
    for key in kind.required:
        if key not in props and key not in meant and not (key == "items"
                                                          and "items_from" in props):
            f.add(node, P_("'{kind}' needs '{key}:'."), P_("For example:\n{example}"),
                  kind=kind_name, key=key, example=kind.example)
    for key, allowed in kind.choices.items():
        if key in props and props[key] not in allowed:
            f.add(_key_node(body_node, key), P_("'{key}: {value}' is not one of the choices."),
                  P_("Use one of: {known}."), key=key, value=props[key], known=allowed,
                  close=_suggest(props[key], allowed))
    for key in ("id", *kind.target_keys):
        value = props.get(key)
        if value is not None and (not isinstance(value, str) or not ID_RE.match(value)):
            f.add(_key_node(body_node, key), P_("'{key}: {value}' must be lower-case letters, "
                                                "digits and '-'."),
                  P_("Write it like 'tiep-tuc'; lessons name it in 'tap:'."), key=key,
                  value=value)
    items = props.get("items")
    if items is not None:
        _read_items(kind_name, kind, items, body_node, f)
    for key, top in (("length", 12), ("columns", 4), ("seconds", 600)):
        value = props.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 1 <= value <= top):
            f.add(_key_node(body_node, key), P_("'{key}:' is a whole number from 1 to {top}, "
                                                "not '{value}'."),
                  P_("Write it in digits, without quotes."), key=key, top=top, value=value)
    for key in ("says", "controls"):
        value = props.get(key)
        if value is not None and not isinstance(value, list) and not (
                isinstance(value, str) and PLACEHOLDER.fullmatch(value)):
            f.add(_key_node(body_node, key), P_("'{key}:' is a list, not one value."),
                  P_("Write [a, b] or one '- ' line per item; for a list kept in the state, "
                     "write \"{placeholder}\"."), key=key, placeholder="{state_key}")
    if kind_name == "call":
        for control in props.get("controls") if isinstance(props.get("controls"), list) else ():
            if control not in kind.fixed:
                f.add(_key_node(body_node, "controls"), P_("The call has no button '{name}'."),
                      P_("Use one of: {known}."), name=control, known=kind.fixed,
                      close=_suggest(control, kind.fixed))
    if kind_name == "appbar":
        actions = props.get("actions") or []
        for i, action in enumerate(actions if isinstance(actions, list) else [actions]):
            if not isinstance(action, dict) or not ID_RE.match(str(action.get("id", ""))) \
                    or not action.get("label"):
                f.add(_value_node(_value_node(body_node, "actions"), i),
                      P_("An action of the app bar needs an 'id:' and a 'label:'."),
                      P_("Write it like {example}: words beside every icon."),
                      example="{id: tim-kiem, icon: search, label: Tìm}")
    known = set(app.state)
    for key in ("when", "unless", "items_from"):
        if props.get(key) and props[key] not in known:
            f.add(_key_node(body_node, key) if isinstance(item[kind_name], dict)
                  and key in item[kind_name] else
                  _key_node(node, key), P_("'{key}: {value}' names a state key the app does not "
                                           "declare."),
                  P_("Add it under 'state:' at the top of the app file, with a default value."),
                  key=key, value=props[key], close=_suggest(props[key], known))
    for key in sorted(set(PLACEHOLDER.findall(_text_of(props))) - known):
        f.add(node, P_("'{placeholder}' names a state key the app does not declare."),
              P_("Add it under 'state:' at the top of the app file, with a default value."),
              placeholder=f"{{{key}}}", close=_suggest(key, known))
    for icon in sorted(_icons_in(props) - set(bundled_icons())):
        f.add(node, P_("There is no bundled icon '{icon}'."), P_("Use one of: {known}."),
              icon=icon, known=bundled_icons(), close=_suggest(icon, bundled_icons()))
    return Component(kind_name, props, line) if len(f.problems) == before else None


def _read_items(kind_name: str, kind: Kind, items: Any, body_node: yaml.Node, f: _File) -> None:
    """Tell what is wrong with the ``items:`` of a component."""
    items_node = _value_node(body_node, "items")
    if not isinstance(items, list):
        f.add(_key_node(body_node, "items"), P_("'items:' is not a list."),
              P_("Write one '- ...' line per item."))
        return
    for i, entry in enumerate(items):
        at = _value_node(items_node, i)
        if not isinstance(entry, dict):
            f.add(at, P_("An item of '{kind}' is not 'key: value' lines."),
                  P_("Write each item as 'key: value' lines, with: {known}."), kind=kind_name,
                  known=kind.item_keys)
            continue
        meant = _unknown_keys(f, at, entry, kind.item_keys, P_("An item of '{kind}' has no "
                                                               "'{key}'."),
                              P_("Items take: {known}."), kind=kind_name)
        if "label" in kind.item_keys and "title" not in kind.item_keys \
                and not entry.get("label") and "label" not in meant:
            f.add(at, P_("An item of '{kind}' has no 'label:'."),
                  P_("Add words beside every icon, for learners who do not know the pictures."),
                  kind=kind_name)
        if entry.get("id") is not None and not ID_RE.match(str(entry["id"])):
            f.add(_key_node(at, "id"), P_("'{key}: {value}' must be lower-case letters, "
                                          "digits and '-'."),
                  P_("Write it like 'tiep-tuc'; lessons name it in 'tap:'."), key="id",
                  value=entry["id"])


def _icons_in(props: Mapping[str, Any]) -> set[str]:
    found = {str(props["icon"])} if props.get("icon") else set()
    for key in ("items", "actions"):
        for entry in props.get(key) or ():
            if isinstance(entry, Mapping) and entry.get("icon"):
                found.add(str(entry["icon"]))
    return found


def _example(name: str, kit: KitScreen) -> str:
    """A step for the catalogue when the app gives none: tap the first thing, or type."""
    targets = sorted(kit.targets({}))
    fields = sorted(kit.fields())
    if targets:
        return f"id: example\nscreen: {name}\ntap: {targets[0]}"
    if fields:
        return f"id: example\nscreen: {name}\ntype:\n  field: {fields[0]}\n  answer: \"1\""
    return f"id: example\nscreen: {name}\nread: Tiếp tục"


# --- For the templates ----------------------------------------------------------------------

def app_styles() -> str:
    """Each app's colours as CSS custom properties (checked as #rrggbb when read)."""
    return "".join(f".kit-app-{a.id}{{--kit:{a.colour};--kit-ink:{a.ink}}}\n"
                   for a in sorted(APPS.values(), key=lambda a: a.id))


@template_filter
def kit_home_apps(state: Mapping[str, Any] | None) -> list[KitApp]:
    """Kit apps shown on the phone's home screen given the state, in their order."""
    state = state or {}
    return sorted((a for a in APPS.values() if a.home is not None
                   and (not a.home_when or state.get(a.home_when))),
                  key=lambda a: (a.home, a.name))


@template_filter
def kit_icon(name: str) -> str:
    """The static path of a bundled icon (for url_for('static', ...))."""
    return f"img/kit/{name}.svg"


@template_filter
def initials(name: Any) -> str:
    """One or two letters for an avatar: the first letter of the last word (Vietnamese given
    names come last)."""
    bare = re.sub(r"\(.*?\)", " ", SPAN.sub(lambda m: m.group(2), str(name or "")))
    words = [w for w in bare.split() if w[:1].isalpha()]  # "Minh (con trai)": M
    return words[0][:1].upper() if len(words) == 1 else (words[-1][:1].upper() if words else "?")


def component_screen(kind: str, props: Mapping[str, Any]) -> Screen:
    """A one-component screen, to show a component in the catalogue and the tests."""
    app = KitApp(id="kit", name="Ứng dụng mẫu", path="kit")
    kit = KitScreen(app, (Component(kind, dict(props), 1),))
    return Screen(f"kit.{kind}", kind, frozenset(kit.targets({})), frozenset(kit.fields()),
                  source="kit", kit=kit)


def component_examples() -> list[tuple[str, Kind, dict]]:
    """Each kind of component with its example parsed."""
    return [(name, kind, yaml.safe_load(kind.example)[name]) for name, kind in KINDS.items()]

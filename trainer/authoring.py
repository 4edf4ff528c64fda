"""Tools for lesson authors: screen examples, previews, scaffolds, translation status.

Plain functions over files and the screen registry (no request or app needed),
shared by the authors' pages and the ``trainer`` command so both always report
the same thing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from trainer.content.languages import babel_knows, language_name
from trainer.content.lesson import Lesson, LessonError, Problem
from trainer.content.library import DEFAULT_LOCALE, Library, display_path, load_library
from trainer.content.parser import ID_RE, _Collector, _split_steps, parse_lesson
from trainer.screens import SCREENS, SPAN, Screen

CONTEXT_LINES = 3  # raw lines shown above and below a problem in a file that does not parse
TRANSLATED_FROM = "translated_from"  # optional front-matter field of a translation
STATES = ("missing", "outdated", "unconfirmed")  # of a lesson's translation, most urgent first

# --- Screen catalogue ------------------------------------------------------------------------

_EXAMPLE_FRONT = """\
---
id: example-{slug}
title: "{title}"
summary: Example
topic: example
minutes: 1
order: 1
sources: [Example]
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


# --- Preview ---------------------------------------------------------------------------------


def lesson_files(root: Path) -> list[Path]:
    """Lesson files below ``root``, as the library finds them (``<locale>/<name>.md``)."""
    return sorted(p for p in Path(root).glob("*/*.md") if p.parent.name != "audio")


def resolve_lesson_path(root: Path, wanted: str) -> Path | None:
    """The lesson file ``wanted`` names, only if it is inside ``root`` (no ``..`` tricks).

    Accepts ``vi/x.md`` and ``lessons/vi/x.md`` (as ``trainer check`` prints it).
    """
    root = Path(root).resolve()
    wanted = (wanted or "").replace("\\", "/").strip()
    if not wanted or "\x00" in wanted:
        return None
    prefix = root.name + "/"
    candidates = [wanted, wanted[len(prefix):]] if wanted.startswith(prefix) else [wanted]
    for candidate in candidates:
        path = (root / candidate).resolve()
        if path.is_relative_to(root) and path in {p.resolve() for p in lesson_files(root)}:
            return path
    return None


@dataclass(frozen=True)
class RawLine:
    number: int
    text: str
    bad: bool


@dataclass(frozen=True)
class Section:
    """One ``## Heading`` of the file, from its heading to the next one."""

    heading: str
    line: int
    end: int  # first line after the section
    index: int | None  # position in ``Preview.lesson.steps``; None when the step is broken
    problems: tuple[Problem, ...]


@dataclass
class Preview:
    """One lesson file as an author sees it: the lesson (without the steps that are
    broken, when the rest still makes sense) and every problem, each at its line."""

    path: Path
    shown: str  # e.g. lessons/vi/x.md
    lesson: Lesson | None
    problems: list[Problem]
    lines: list[str] = field(default_factory=list)
    headings: list[tuple[str, int]] = field(default_factory=list)

    def sections(self) -> tuple[list[Problem], list[Section]]:
        """Problems above the first step (front matter, introduction) and each step's."""
        starts = [line for _, line in self.headings]
        head = [p for p in self.problems if not starts or p.line < starts[0]]
        by_line = {s.line: i for i, s in enumerate(self.lesson.steps)} if self.lesson else {}
        out = []
        for i, (heading, line) in enumerate(self.headings):
            end = starts[i + 1] if i + 1 < len(starts) else len(self.lines) + 1
            mine = tuple(p for p in self.problems if line <= p.line < end)
            out.append(Section(heading, line, end, by_line.get(line), mine))
        return head, out

    def raw(self, first: int, last: int, bad: Iterable[int] = ()) -> list[RawLine]:
        """Lines ``first``..``last`` of the file as written, the ``bad`` ones marked."""
        bad = set(bad)
        first, last = max(1, first), min(len(self.lines), last)
        return [RawLine(n, self.lines[n - 1], n in bad) for n in range(first, last + 1)]

    def context(self, problem: Problem) -> list[RawLine]:
        """The raw lines around a problem, for a file that does not parse."""
        return self.raw(problem.line - CONTEXT_LINES, problem.line + CONTEXT_LINES,
                        [problem.line])


def preview(library: Library, path: Path) -> Preview:
    """Parse one file fresh from disk and take its problems from a library loaded from
    the same files: those found across files too (unknown topic, a translation whose
    steps differ...)."""
    root = library.root
    shown = f"{root.name}/{path.resolve().relative_to(root.resolve())}"
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    lines = text.split("\n")
    mine = {str(path), str(path.resolve()), display_path(path)}
    problems = sorted((Problem(shown, p.line, p.message) for p in library.problems
                       if p.path in mine), key=lambda p: p.line)
    locale = path.parent.name
    try:
        lesson: Lesson | None = parse_lesson(text, shown, locale)
    except LessonError as exc:
        lesson = _without_broken_steps(lines, shown, locale, exc.problems)
    return Preview(path, shown, lesson, problems, lines, _headings(lines))


def _headings(lines: list[str]) -> list[tuple[str, int]]:
    """Every step heading (``## ...`` outside code blocks) with its line number."""
    start = _front_end(lines)
    if start is None:
        return []
    _, steps = _split_steps(lines, start + 1, _Collector(""))
    return [(heading, line) for heading, line, _, _ in steps]


def _front_end(lines: list[str]) -> int | None:
    if not lines or lines[0].strip() != "---":
        return None
    return next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)


def _without_broken_steps(lines: list[str], shown: str, locale: str,
                          problems: list[Problem]) -> Lesson | None:
    """The lesson with its broken steps blanked out (line numbers kept), so the good
    steps can still be previewed; None when the front matter itself is broken."""
    end = _front_end(lines)
    if end is None or any(p.line <= end + 1 for p in problems):
        return None
    starts = [line for _, line in _headings(lines)]
    if not starts or any(p.line < starts[0] for p in problems):
        return None
    kept = list(lines)
    bounds = list(zip(starts, [*starts[1:], len(lines) + 1], strict=True))
    for first, stop in bounds:
        if any(first <= p.line < stop for p in problems):
            kept[first - 1:stop - 1] = [""] * (stop - first)
    if kept == lines:
        return None
    try:
        return parse_lesson("\n".join(kept), shown, locale)
    except LessonError:
        return None


def signature(root: Path) -> str:
    """A cheap fingerprint of the lessons folder (names, sizes, modification times):
    it changes when an author saves, adds or removes a lesson or the topics file."""
    root = Path(root)
    digest = hashlib.sha256()
    for path in [*lesson_files(root), root / "topics.yaml"]:
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    return digest.hexdigest()[:16]


# --- Scaffold --------------------------------------------------------------------------------


class ScaffoldError(ValueError):
    """Why ``trainer new`` cannot write the files (shown to the author as is)."""


def source_hash(text: str) -> str:
    """The fingerprint a translation records as ``translated_from``: it changes whenever
    the Vietnamese file changes (line endings and trailing spaces ignored)."""
    normal = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:10]


def scaffold(root: Path, topic: str, slug: str, today: dt.date | None = None) -> list[Path]:
    """Write ``vi/<slug>.md`` and ``en/<slug>.md``: a lesson that passes ``trainer check``
    with one step of each kind, every line explained in comments."""
    root = Path(root)
    if not ID_RE.match(slug):
        raise ScaffoldError(f"'{slug}' cannot be a lesson name: use lower-case letters, digits "
                            "and '-', like 'lua-dao-qua-zalo'.")
    topics = load_library(root).topics
    if topic not in topics:
        raise ScaffoldError(f"Unknown topic '{topic}'. Use one of: {', '.join(sorted(topics))}, "
                            "or add it to lessons/topics.yaml first.")
    paths = [root / DEFAULT_LOCALE / f"{slug}.md", root / "en" / f"{slug}.md"]
    existing = [str(p) for p in paths if p.exists()]
    if existing:
        raise ScaffoldError(f"{', '.join(existing)} already exists; choose another name.")
    checked = (today or dt.date.today()).isoformat()
    vi = _TEMPLATE_VI.format(slug=slug, topic=topic, checked=checked)
    en = _TEMPLATE_EN.format(slug=slug, topic=topic, checked=checked, hash=source_hash(vi))
    for path, text in zip(paths, (vi, en), strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return paths


_TEMPLATE_VI = """\
---
# Front matter: about the whole lesson. Lines starting with # are notes for
# authors; learners never see them. See docs/authoring.md.
id: {slug}            # never change it once learners use it: progress is saved under it
title: Bài học mới    # what the learner sees on the home page
summary: Một câu nói bài này giúp bác làm gì.
topic: {topic}
minutes: 5            # about how long it takes
order: 99             # position inside the topic
sources:              # where every step comes from (an official guide, a police warning)
  - title: "ĐIỀN TÊN NGUỒN: hướng dẫn chính thức"
    url: https://example.org/nguon
checked: {checked}    # the day you compared the steps with the sources
state:                # what the practice phone holds when the lesson starts
  sms:
    - id: con1
      from: Con gái
      time: "09:30"
      text: Mẹ ơi, chiều nay con về ăn cơm nhé.
    - id: lua1
      from: "0123456789"
      time: "10:05"
      text: "Tai khoan cua ban bi khoa. [[han: Trong 24h]] phai xac minh tai [[link: https://xacminh-taikhoan.example]]"
---

<!-- The introduction: one or two short sentences before the first step.
     Notes like this one, inside the comment marks, are never shown to learners. -->
Bài này giúp bác làm quen với tin nhắn. Cứ làm chậm, sai thì làm lại.

## Mở ứng dụng Tin nhắn

<!-- Each step starts with "## Heading" and asks for ONE action. Name the
     button exactly as the screen shows it, in **bold**. -->
Bác hãy **chạm vào biểu tượng Tin nhắn**.

```step
# tap: the learner taps one named target. The screen catalogue
# (/authors/screens) lists every screen and the names of its targets.
id: mo-tin-nhan
screen: phone.home
tap: app-messages
hints:                # up to three, from gentle to plain
  - Biểu tượng Tin nhắn có hình phong bì thư.
  - Nó có chữ "Tin nhắn" ở dưới.
  - Chạm một lần vào ô có chữ "Tin nhắn".
wrong:                # what to say after a wrong tap: per target, then default
  app-phone: Đó là ứng dụng Điện thoại, dùng để gọi. Tin nhắn ở ngay bên cạnh.
  default: Chưa đúng chỗ. Tìm ô có chữ "Tin nhắn".
```

## Đọc tin nhắn

Tin nhắn của con gái hiện ra. Bác đọc xong thì bấm **Tiếp tục**.

```step
# read: nothing to do but read; the button shows the words you give.
# set: changes the phone's state from this step on (open this message).
id: doc-tin-nhan
screen: phone.sms_thread
set:
  open: con1
read: Tiếp tục
```

## Trả lời con

Bác hãy gõ **Mẹ biết rồi** vào ô tin nhắn, rồi bấm **Gửi**.

```step
# type: the learner types into a named field. answer: the accepted answers
# (in quotes if they are numbers). loose: true ignores capitals and accents.
id: tra-loi
screen: phone.sms_thread
type:
  field: reply
  answer: [Mẹ biết rồi, Vâng]
  loose: true
hints:
  - Chạm vào ô "Nhập tin nhắn" ở dưới cùng.
  - Gõ ba chữ "Mẹ biết rồi".
wrong: Bác thử gõ lại "Mẹ biết rồi".
```

## Ai đã nhắn tin?

Theo bác, ai vừa nhắn tin này?

```step
# choose: one right option (or several: true with check boxes).
# why: explained when the learner picks that option.
id: ai-nhan
screen: phone.sms_thread
choose:
  - text: Con gái
    correct: true
    why: Đúng rồi, tên người gửi ở trên cùng.
  - text: Ngân hàng
    why: Tên người gửi ở trên cùng là "Con gái".
```

## Tin nhắn lạ

Một tin nhắn lạ đến. Bác thấy tin này **lừa đảo** hay **an toàn**?

```step
# judge: is this message a scam or safe? "Not sure, ask someone" is always
# accepted. Explain why in one or two sentences.
id: danh-gia
screen: phone.sms_thread
set:
  open: lua1
judge:
  answer: scam
  why: Cơ quan thật **không gửi đường link** để "xác minh" tài khoản.
```

## Tìm dấu hiệu lừa đảo

Bác hãy **chạm vào từng chỗ đáng ngờ** trong tin nhắn.

```step
# spot: the learner taps each red flag. Mark them in the message text as
# [[name: words]] (see lua1 in the front matter) and explain each one here.
id: tim-dau-hieu
screen: phone.sms_thread
spot:
  han: Giục "trong 24h" để bác vội vàng, không kịp hỏi ai.
  link: Đường link lạ. Cơ quan thật không gửi link qua tin nhắn.
```
"""

_TEMPLATE_EN = """\
---
# The English twin of lessons/vi/{slug}.md: same id, same step ids in the same
# order, same screens, targets and fields; only the words change.
id: {slug}
title: New lesson
summary: One sentence on what this lesson helps with.
topic: {topic}
minutes: 5
order: 99
sources:
  - title: "FILL IN THE SOURCE: official guide"
    url: https://example.org/source
checked: {checked}
# The Vietnamese version this translation was made from. `trainer check
# --translations` reports the translation as out of date when the Vietnamese
# file changes; after updating, paste the new value it prints.
translated_from: {hash}
state:
  sms:
    - id: con1
      from: Daughter
      time: "09:30"
      text: Mum, I'll come home for dinner this afternoon.
    - id: lua1
      from: "0123456789"
      time: "10:05"
      text: "Your account is locked. [[han: Within 24h]] verify it at [[link: https://xacminh-taikhoan.example]]"
---

<!-- Notes inside comment marks like these are never shown to learners. -->
This lesson helps you get used to messages. Take your time; mistakes are fine.

## Open the Messages app

Please **tap the Messages icon**.

```step
id: mo-tin-nhan
screen: phone.home
tap: app-messages
hints:
  - The Messages icon looks like an envelope.
  - It has the word "Messages" under it.
  - Tap once on the box that says "Messages".
wrong:
  app-phone: That is the Phone app, for calls. Messages is right next to it.
  default: Not there yet. Look for the box that says "Messages".
```

## Read the message

Your daughter's message is open. When you have read it, press **Continue**.

```step
id: doc-tin-nhan
screen: phone.sms_thread
set:
  open: con1
read: Continue
```

## Answer your daughter

Type **OK Mum** in the message box, then press **Send**.

```step
id: tra-loi
screen: phone.sms_thread
type:
  field: reply
  answer: [OK Mum, OK]
  loose: true
hints:
  - Tap the box at the very bottom.
  - Type the words "OK Mum".
wrong: Try typing "OK Mum" again.
```

## Who sent it?

Who do you think sent this message?

```step
id: ai-nhan
screen: phone.sms_thread
choose:
  - text: Your daughter
    correct: true
    why: Right, the sender's name is at the top.
  - text: The bank
    why: The name at the top is "Daughter".
```

## A strange message

A strange message arrives. Is it a **scam** or **safe**?

```step
id: danh-gia
screen: phone.sms_thread
set:
  open: lua1
judge:
  answer: scam
  why: Real offices **never send a link** to "verify" your account.
```

## Find the warning signs

**Tap each suspicious part** of the message.

```step
id: tim-dau-hieu
screen: phone.sms_thread
spot:
  han: It rushes you ("within 24h") so you have no time to ask anyone.
  link: A strange link. Real offices do not send links by text message.
```
"""


# --- Translation status ----------------------------------------------------------------------


@dataclass(frozen=True)
class LessonTranslation:
    lesson_id: str
    title: str  # the Vietnamese title, so authors recognise the lesson
    source: str  # the Vietnamese file, as shown to authors
    state: str  # "missing", "outdated" or "unconfirmed" (no translated_from recorded)
    path: str = ""  # the translation's file, when there is one
    current_hash: str = ""  # what translated_from should say once the translation is updated


@dataclass
class LanguageStatus:
    code: str
    name: str
    lessons: list[LessonTranslation] = field(default_factory=list)
    catalogue: str = ""  # path of messages.po, "" when the language has none
    untranslated: list[str] = field(default_factory=list)  # msgids without a translation
    ui_total: int = 0
    selectable: bool = True  # False when Babel has no locale data for the code

    @property
    def up_to_date(self) -> bool:
        return not self.lessons and not self.untranslated


def translation_status(library: Library, translations_dir: Path,
                       languages: Iterable[str] = ()) -> list[LanguageStatus]:
    """For every language but Vietnamese: lessons not translated or translated from an
    older Vietnamese text, and UI strings missing from its catalogue."""
    translations_dir = Path(translations_dir)
    codes = set(languages) | set(library.locales) | {
        p.parent.name for p in translations_dir.glob("*/LC_MESSAGES")}
    codes.discard(DEFAULT_LOCALE)
    template = _read_catalogue(translations_dir / "messages.pot")
    wanted = [m.id for m in template if m.id] if template is not None else []
    out = []
    for code in sorted(codes):
        status = LanguageStatus(code, language_name(code), selectable=babel_knows(code))
        status.lessons = _lesson_status(library, code)
        po = translations_dir / code / "LC_MESSAGES" / "messages.po"
        catalogue = _read_catalogue(po)
        status.ui_total = len(wanted)
        if catalogue is not None:
            status.catalogue = str(po)
            status.untranslated = [_msgid_text(m) for m in wanted
                                   if not _translated(catalogue.get(m))]
        else:
            status.untranslated = [_msgid_text(m) for m in wanted]
        out.append(status)
    return out


def _lesson_status(library: Library, code: str) -> list[LessonTranslation]:
    rows = []
    for lesson_id in library.ids():
        source = library.lessons.get((lesson_id, DEFAULT_LOCALE))
        if source is None:
            continue
        current = _file_hash(library.root, source)
        ours = library.lessons.get((lesson_id, code))
        translation_path = library.root / code / Path(source.path).name
        if ours is None and not translation_path.exists():
            rows.append(LessonTranslation(lesson_id, source.title, source.path, "missing",
                                          current_hash=current))
            continue
        recorded = _front_field(translation_path if ours is None else Path(ours.path),
                                library.root, TRANSLATED_FROM)
        if recorded == current:
            continue
        shown = ours.path if ours is not None else str(translation_path)
        rows.append(LessonTranslation(lesson_id, source.title, source.path,
                                      "unconfirmed" if recorded is None else "outdated",
                                      shown, current))
    return sorted(rows, key=lambda row: STATES.index(row.state))  # most urgent first


def _lesson_file(root: Path, shown: str) -> Path:
    """A lesson's file from the path the library shows (relative to cwd, or absolute)."""
    path = Path(shown)
    if path.is_absolute() or path.exists():
        return path
    return Path(root) / path.parent.name / path.name


def _file_hash(root: Path, lesson: Lesson) -> str:
    return source_hash(_lesson_file(root, lesson.path).read_text(encoding="utf-8"))


def _front_field(path: Path, root: Path, key: str) -> str | None:
    """One front-matter value read straight from the file (the parser keeps no extras)."""
    try:
        text = _lesson_file(root, str(path)).read_text(encoding="utf-8")
    except OSError:
        return None
    parts = text.replace("\r\n", "\n").split("\n---", 1)
    if not parts[0].startswith("---"):
        return None
    try:
        front = yaml.safe_load(parts[0][3:])
    except yaml.YAMLError:
        return None
    value = front.get(key) if isinstance(front, dict) else None
    return None if value is None else str(value)


def _read_catalogue(path: Path):
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return read_po(fh)


def _translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def _msgid_text(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple | list) else str(msgid)


def status_lines(statuses: list[LanguageStatus]) -> list[str]:
    """The translation status as plain text for ``trainer check --translations``."""
    out = []
    for status in statuses:
        out.append(f"[{status.code}] {status.name}: {len(status.lessons)} lesson(s) to "
                   f"translate or update, {len(status.untranslated)} of {status.ui_total} "
                   "UI string(s) untranslated.")
        if not status.selectable:
            out.append(f"  Babel has no locale data for '{status.code}': learners cannot "
                       "choose it yet (see docs/translating.md).")
        for row in status.lessons:
            if row.state == "missing":
                out.append(f"  missing   {row.source}: no {status.code}/ translation "
                           f"(translated_from: {row.current_hash})")
            elif row.state == "outdated":
                out.append(f"  outdated  {row.path}: {row.source} changed after it was "
                           f"translated. Update it, then set translated_from: {row.current_hash}")
            else:
                out.append(f"  unknown   {row.path} records no translated_from. Compare it "
                           f"with {row.source}, then set translated_from: {row.current_hash}")
        for msgid in status.untranslated:
            out.append(f"  ui string {msgid!r}")
    return out

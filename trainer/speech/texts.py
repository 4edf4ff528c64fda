"""The texts a learner can hear, and the keys that name them.

Two kinds of key. A *text key* (``text_key``) is a hash of the words themselves:
a recording or a synthesised file found by it is, by construction, made for
exactly those words. A *role* (``step-2.hint-1``) names a text's place in a
lesson: it stays the same when other texts of the lesson change, so the
recording page and ``trainer check`` can say "this recording is outdated".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel import support
from markupsafe import Markup

from trainer.content.lesson import Choose, Judge, Lesson, Spot, Step

MAX_CHARS = 1500  # longer texts get no server voice: nobody listens to a page that long
_SPACE = re.compile(r"\s+")
_SPAN = re.compile(r"\[\[([a-z0-9_\-]+):\s*(.*?)\]\]", re.S)  # as trainer.screens.SPAN


def spoken(text: str) -> str:
    """What is actually said: no icons (✓ ☛ →), one space between words."""
    text = unicodedata.normalize("NFC", str(text or ""))
    # each distinct character looked up once (a lesson's texts are a few hundred thousand
    # characters of a few hundred kinds: this was a third of `trainer check`)
    icons = {ord(c): None for c in set(text) if unicodedata.category(c) in ("So", "Sm", "Cf")}
    return _SPACE.sub(" ", text.translate(icons) if icons else text).strip()


def text_key(text: str) -> str:
    """The key of a text: the same words (icons and spacing aside) give the same key."""
    return hashlib.sha256(spoken(text).encode("utf-8")).hexdigest()[:20]


def plain(html: str) -> str:
    """An HTML fragment as the words a listener hears (Jinja's ``striptags``)."""
    return Markup(html or "").striptags()


@dataclass(frozen=True)
class SpokenText:
    role: str  # stable name in the lesson: "<step>.say", "<step>.hint-1", "end"
    label: str  # for the recording page: "Bước 2 · Gợi ý 1"
    text: str

    @property
    def key(self) -> str:
        return text_key(self.text)


def instruction(step: Step) -> str:
    """What "Nghe" reads for a step (as ``_step.html`` passes it to ``listen``)."""
    return step.say or f"{step.heading}. {plain(step.body)}"


def lesson_texts(lesson: Lesson, gettext: Callable[[str], str]) -> list[SpokenText]:
    """Every text a learner can hear in ``lesson``, in the order they meet it.

    ``gettext`` translates the app's own words into the lesson's language (the
    feedback titles, the nudge and the end page say them around the author's).
    """
    right = gettext("Đúng rồi! Bác làm tốt lắm.")
    wrong = gettext("Chưa đúng. Không sao, bác thử lại nhé.")
    found = gettext("Đúng, đây là dấu hiệu đáng ngờ.")
    out: list[SpokenText] = []

    def add(role: str, label: str, text: str) -> None:
        said = spoken(text)
        if said:
            out.append(SpokenText(role, label, said))

    for n, step in enumerate(lesson.steps, 1):
        where = gettext("Bước %(n)s") % {"n": n}
        add(f"{step.key}.say", f"{where} · {gettext('Hướng dẫn')}", instruction(step))
        for i, hint in enumerate(step.hints, 1):
            label = gettext("Gợi ý %(n)s") % {"n": i}
            add(f"{step.key}.hint-{i}", f"{where} · {label}", plain(hint))
        interaction = step.interaction
        if isinstance(interaction, Spot):
            for name, flag in interaction.flags.items():
                add(f"{step.key}.flag-{name}", f"{where} · {gettext('Lời nhắn')} ({name})",
                    f"{found} {plain(flag)}")
        else:
            praise = step.praise
            messages = dict(step.wrong)
            if isinstance(interaction, Judge):
                praise = interaction.why
            elif isinstance(interaction, Choose):  # as answers.check: the options' "why" first
                whys = " ".join(o.why for o in interaction.options if o.correct and o.why)
                praise = whys or praise
                messages = {o.key: o.why or step.feedback_for(o.key)
                            for o in interaction.options if not o.correct}
            add(f"{step.key}.praise", f"{where} · {gettext('Lời nhắn')} (✓)",
                f"{right} {plain(praise)}")
            for answer, message in messages.items():
                add(f"{step.key}.wrong-{answer}", f"{where} · {gettext('Lời nhắn')} ({answer})",
                    f"{wrong} {plain(message)}")
    for i, line in enumerate(call_lines(lesson), 1):
        add(f"call-{i}", gettext("Người gọi nói") + f" {i}", line)
    add("nudge", gettext("Lời nhắn"), gettext("Bác cần giúp không? Không sao cả, cứ từ từ."))
    again = gettext("Bác có thể học lại bất cứ lúc nào. "
                    "Ngoài đời, cứ làm chậm từng bước như khi tập.")
    done = gettext("Bác đã học xong bài này!")
    add("end", gettext("Xong bài"), f"{done} {lesson.title}. {again}")
    return out


def call_lines(lesson: Lesson) -> list[str]:
    """A call scam's caller lines, across the lesson's states, each once."""
    seen: list[str] = []
    states = [lesson.state] + [s.set_state for s in lesson.steps]
    for state in states:
        for line in (state or {}).get("call_lines") or ():
            text = line.get("text", "") if isinstance(line, dict) else str(line)
            words = caller_words(text)
            if words and words not in seen:
                seen.append(words)
    return seen


def caller_words(text: str) -> str:
    """A caller's line as said: the ``[[flag: words]]`` markers removed."""
    return spoken(_SPAN.sub(lambda m: m.group(2), text or ""))


def ui_gettext(translations_dir: Path, locale: str) -> Callable[[str], str]:
    """The app's own words in ``locale`` outside a request (for ``trainer check``)."""
    return support.Translations.load(str(translations_dir), [locale]).ugettext

"""Checking a learner's answer against a step: pure functions, no web, no database.

A ``Verdict`` says whether the answer was right, whether the step is finished,
which author feedback applies and why (``reason``, which the web layer turns
into gentle words in the learner's language). ``detail`` is what may be
recorded about the answer: a target, option or judgement, never typed text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from trainer.content.lesson import Choose, Interaction, Judge, Read, Spot, Step, Tap, Type
from trainer.content.practice_card import card_value, looks_real
from trainer.content.text import fold, nfc

MAX_TEXT = 200  # longer than any field in a simulated form
MAX_FIELD = 80  # a target, option or judgement: a short name
MAX_OPTIONS = 20


class BadSubmission(ValueError):
    """A form no page of ours sends (missing or oversized fields): tampered or broken."""

    def __init__(self, too_long: bool = False) -> None:
        super().__init__("too long" if too_long else "malformed")
        self.too_long = too_long


@dataclass(frozen=True)
class Submission:
    target: str | None = None  # a tapped part of the screen
    text: str | None = None  # what was typed into the active field
    options: tuple[str, ...] = ()  # chosen option keys
    judgement: str | None = None  # scam / safe / unsure
    done: bool = False  # "Continue" on a read step, "I have finished" on a spot step

    @classmethod
    def from_form(cls, form) -> Submission:  # noqa: ANN001 - any MultiDict-like mapping
        """Read a posted answer form; raises ``BadSubmission`` rather than guessing."""
        fields = {k: form.getlist(k) for k in ("target", "answer", "option", "judge", "done")}
        if not any(fields.values()):
            raise BadSubmission()
        if any(len(v) > MAX_FIELD for k, vs in fields.items() if k != "answer" for v in vs):
            raise BadSubmission()
        if any(len(v) > MAX_TEXT for v in fields["answer"]) or \
                len(fields["option"]) > MAX_OPTIONS:
            raise BadSubmission(too_long=True)
        first = {k: (vs[0] if vs else None) for k, vs in fields.items()}
        return cls(target=first["target"], text=first["answer"],
                   options=tuple(fields["option"]), judgement=first["judge"],
                   done=first["done"] == "1")


@dataclass(frozen=True)
class Difference:
    """One place where typed text differs from the expected practice value.

    ``kind`` is ``wrong`` (a different character), ``missing`` (left out), ``extra``
    (one too many) or ``case`` (same letters, other case: ``expected`` holds every
    such letter as it should be written, ``upper`` says which way). ``position``
    counts from 1 in the expected value, digits only when the value is a number.
    """

    kind: str
    position: int = 0
    expected: str = ""
    typed: str = ""
    upper: bool = False


@dataclass(frozen=True)
class Verdict:
    correct: bool
    finished: bool
    reason: str
    feedback: str = ""  # the author's sanitised HTML, if any
    detail: str = ""
    found: frozenset[str] = field(default_factory=frozenset)
    missed: frozenset[str] = field(default_factory=frozenset)
    differences: tuple[Difference, ...] = ()  # a near miss in a typing step ("typo")
    digits: bool = False  # the expected value is a number: positions count digits

    @property
    def keeps_text(self) -> bool:
        """Whether what she typed goes back into the field: after a near miss, or a
        wrong answer that cannot be someone's real number (never after "far" on a card
        field, which may hold her own ID or password)."""
        return self.reason in ("wrong", "empty", "typo")

    @property
    def counts(self) -> bool:
        """Whether this answer is worth recording (an empty or misplaced tap is not)."""
        return self.reason not in ("empty", "not-here", "spot-again")


def check(step: Step, sub: Submission, card: str = "default",
          found: frozenset[str] = frozenset()) -> Verdict:
    i = step.interaction
    if isinstance(i, Tap):
        if sub.target is None:
            return Verdict(False, False, "empty")
        if sub.target in i.targets:
            return Verdict(True, True, "right", step.praise, detail=sub.target)
        return Verdict(False, False, "wrong", step.feedback_for(sub.target), detail=sub.target)
    if isinstance(i, Type):
        return _check_type(step, i, sub, card)
    if isinstance(i, Choose):
        return _check_choose(step, i, sub)
    if isinstance(i, Judge):
        if sub.judgement not in ("scam", "safe", "unsure"):
            return Verdict(False, False, "not-here" if sub.target else "empty")
        if sub.judgement == "unsure":
            return Verdict(True, True, "unsure", i.why, detail="unsure")
        if sub.judgement == i.answer:
            return Verdict(True, True, "right", i.why, detail=sub.judgement)
        return Verdict(False, False, "wrong", step.feedback_for(sub.judgement),
                       detail=sub.judgement)
    if isinstance(i, Spot):
        return _check_spot(step, i, sub, found)
    if isinstance(i, Read):
        if sub.done:
            return Verdict(True, True, "right", step.praise, detail="read")
        return Verdict(False, False, "not-here" if sub.target else "empty")
    raise AssertionError(i)  # pragma: no cover


def accepted_answers(i: Type, card: str) -> list[str]:
    answers = list(i.answers)
    if i.card:
        answers.append(card_value(card, i.card))
    return answers


def first_answer(i: Interaction, card: str) -> str:
    """What "show me" tells a learner to type (nothing for steps that are not typed)."""
    if not isinstance(i, Type):
        return ""
    answers = accepted_answers(i, card)
    return answers[0] if answers else ""


MAX_DIFFERENCES = 3  # more than this and a list of differences no longer helps


def _normal(text: str, loose: bool) -> str:
    """What the real app would read: full-width digits and letters as plain ones (NFKC),
    runs of spaces as one."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    return fold(text) if loose else nfc(text)


def _digits(text: str) -> str | None:
    compact = re.sub(r"[\s.\-]", "", text)
    return compact if compact.isascii() and compact.isdigit() else None


def _phone_digits(text: str, expected: str) -> str | None:
    """``text`` as digits, a leading +84 / 84 read as 0 when ``expected`` is a phone
    number (what the real apps accept)."""
    compact = re.sub(r"[\s.\-()]", "", text)
    phone = len(expected) == 10 and expected.startswith("0")
    if phone and re.fullmatch(r"\+?84\d{9}", compact):
        compact = "0" + compact.lstrip("+")[2:]
    return _digits(compact)


def _same(typed: str, expected: str) -> bool:
    if typed == expected:
        return True
    want = _digits(expected)
    return bool(want) and _phone_digits(typed, want) == want


def differences(typed: str, expected: str) -> tuple[Difference, ...] | None:
    """Where ``typed`` differs from ``expected``, or None when it differs too much to
    say (then it is a different thing altogether, not a slip of the finger).

    Both are already normalised. A number is compared digit by digit, ignoring spaces."""
    want = _digits(expected)
    if want is not None:
        got = _phone_digits(typed, want)
        if got is None:
            return None
        expected, typed = want, got
    if expected.casefold() == typed.casefold() and expected != typed:
        wrong = [(e, t) for e, t in zip(expected, typed, strict=True) if e != t]
        upper = [e for e, _ in wrong if e.isupper()]
        lower = [e for e, _ in wrong if not e.isupper()]
        out = []
        if upper:
            out.append(Difference("case", expected="".join(dict.fromkeys(upper)), upper=True))
        if lower:
            out.append(Difference("case", expected="".join(dict.fromkeys(lower))))
        return tuple(out)
    out = []
    changed = 0
    for op, a1, a2, b1, b2 in SequenceMatcher(None, expected, typed, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        changed += max(a2 - a1, b2 - b1)
        if op == "replace" and a2 - a1 == b2 - b1:
            out += [Difference("wrong", a1 + k + 1, expected[a1 + k], typed[b1 + k])
                    for k in range(a2 - a1)]
        elif op == "replace":
            return None
        elif op == "delete":
            out += [Difference("missing", a1 + k + 1, expected[a1 + k]) for k in range(a2 - a1)]
        else:
            out += [Difference("extra", a1 + 1, typed=typed[b1 + k]) for k in range(b2 - b1)]
    if not out or len(out) > MAX_DIFFERENCES or changed > max(1, len(expected) // 4):
        return None
    return tuple(out)


def _check_type(step: Step, i: Type, sub: Submission, card: str) -> Verdict:
    if sub.target and sub.text is None:
        return Verdict(False, False, "not-here")
    text = (sub.text or "")[:MAX_TEXT]
    if not text.strip():
        return Verdict(False, False, "empty")
    typed = _normal(text, i.loose)
    answers = accepted_answers(i, card)
    for answer in answers:
        if _same(typed, _normal(answer, i.loose)):
            return Verdict(True, True, "right", step.praise, detail="typed")
    if i.pattern and re.fullmatch(i.pattern, typed, re.I if i.loose else 0):
        return Verdict(True, True, "right", step.praise, detail="typed")
    # The value she copies (the card's, else the author's first answer) tells her where
    # she slipped; a near miss is never her own number, so it is kept in the field.
    model = card_value(card, i.card) if i.card else (answers[0] if answers else "")
    near = differences(typed, _normal(model, i.loose)) if model else None
    real = looks_real(unicodedata.normalize("NFKC", text))
    if near and not (real and len(near) > 1):  # one slip from the card is never her own
        return Verdict(False, False, "typo", detail="typed", differences=near,
                       digits=_digits(model) is not None)
    if real:
        # Far from the practice value and shaped like a real ID or phone number: maybe
        # her own, so it is neither echoed back nor recorded.
        return Verdict(False, False, "practice-card", detail="practice-card")
    if i.card:
        # Far from the card's value (a password field may hold her real one): not echoed.
        return Verdict(False, False, "far", detail="typed")
    return Verdict(False, False, "wrong", step.feedback_for("default"), detail="typed")


def _check_choose(step: Step, i: Choose, sub: Submission) -> Verdict:
    keys = {o.key for o in i.options}
    chosen = [k for k in dict.fromkeys(sub.options) if k in keys]
    if not chosen:
        return Verdict(False, False, "not-here" if sub.target else "empty")
    if not i.several:
        chosen = chosen[:1]
    right = {o.key for o in i.options if o.correct}
    detail = ",".join(sorted(chosen))
    whys = " ".join(o.why for o in i.options if o.key in chosen and o.why)
    if set(chosen) == right:
        return Verdict(True, True, "right", whys or step.praise, detail=detail)
    wrong_pick = next((k for k in chosen if k not in right), None)
    feedback = whys or step.feedback_for(wrong_pick)
    reason = "wrong" if wrong_pick else "not-all"
    return Verdict(False, False, reason, feedback, detail=detail)


def _check_spot(step: Step, i: Spot, sub: Submission, found: frozenset[str]) -> Verdict:
    flags = set(i.flags)
    found = frozenset(found & flags)
    if sub.done:
        return Verdict(True, True, "spot-done", detail="done", found=found,
                       missed=frozenset(flags - found))
    if sub.target is None:
        return Verdict(False, False, "empty", found=found)
    if sub.target in found:
        return Verdict(False, False, "spot-again", i.flags[sub.target], found=found)
    if sub.target in flags:
        now = found | {sub.target}
        return Verdict(True, now == flags, "spot-found", i.flags[sub.target],
                       detail=sub.target, found=now)
    return Verdict(False, False, "wrong", step.feedback_for(sub.target), detail=sub.target,
                   found=found)

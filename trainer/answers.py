"""Checking a learner's answer against a step: pure functions, no web, no database.

A ``Verdict`` says whether the answer was right, whether the step is finished,
which author feedback applies and why (``reason``, which the web layer turns
into gentle words in the learner's language). ``detail`` is what may be
recorded about the answer: a target, option or judgement, never typed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
class Verdict:
    correct: bool
    finished: bool
    reason: str
    feedback: str = ""  # the author's sanitised HTML, if any
    detail: str = ""
    found: frozenset[str] = field(default_factory=frozenset)
    missed: frozenset[str] = field(default_factory=frozenset)

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
        if sub.target == i.target:
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


def _normal(text: str, loose: bool) -> str:
    text = re.sub(r"\s+", " ", nfc(text)).strip()
    return fold(text) if loose else text


def _digits(text: str) -> str | None:
    compact = re.sub(r"[\s.\-]", "", text)
    return compact if compact.isdigit() else None


def _check_type(step: Step, i: Type, sub: Submission, card: str) -> Verdict:
    if sub.target and sub.text is None:
        return Verdict(False, False, "not-here")
    text = (sub.text or "")[:MAX_TEXT]
    if not text.strip():
        return Verdict(False, False, "empty")
    typed = _normal(text, i.loose)
    for answer in accepted_answers(i, card):
        expected = _normal(answer, i.loose)
        if typed == expected or (_digits(expected) and _digits(typed) == _digits(expected)):
            return Verdict(True, True, "right", step.praise, detail="typed")
    if i.pattern and re.fullmatch(i.pattern, typed, re.I if i.loose else 0):
        return Verdict(True, True, "right", step.praise, detail="typed")
    if i.card or looks_real(text):
        # A field bound to the practice card holds an identity: whatever else was typed
        # may be the learner's own number, so it is neither echoed back nor recorded.
        return Verdict(False, False, "practice-card", detail="practice-card")
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

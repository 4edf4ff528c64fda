"""What a learner sends to answer a step right or wrong (used by the load tests)."""

from __future__ import annotations

from trainer.answers import accepted_answers
from trainer.content.lesson import Choose, Judge, Lesson, Read, Spot, Tap, Type

WRONG = {"target": "nothing-here"}


def right_answers(lesson: Lesson, index: int) -> list[dict[str, str | list[str]]]:
    """The form posts that finish step ``index`` (a spot step needs one per flag + done)."""
    i = lesson.steps[index].interaction
    if isinstance(i, Tap):
        return [{"target": i.target}]
    if isinstance(i, Judge):
        return [{"judge": i.answer}]
    if isinstance(i, Read):
        return [{"done": "1"}]
    if isinstance(i, Choose):
        keys = [o.key for o in i.options if o.correct]
        return [{"option": keys if i.several else keys[:1]}]
    if isinstance(i, Spot):
        return [{"target": name} for name in i.flags] + [{"done": "1"}]
    if isinstance(i, Type):
        accepted = accepted_answers(i, lesson.card)
        return [{"answer": accepted[0]}] if accepted else [{"done": "1"}]
    return [{"done": "1"}]


def wrong_answer(lesson: Lesson, index: int) -> dict[str, str]:
    i = lesson.steps[index].interaction
    if isinstance(i, Judge):
        return {"judge": "safe" if i.answer == "scam" else "scam"}
    if isinstance(i, Type):
        return {"answer": "sai"}
    if isinstance(i, Choose):
        wrong = [o.key for o in i.options if not o.correct]
        return {"option": wrong[0]} if wrong else WRONG
    return WRONG

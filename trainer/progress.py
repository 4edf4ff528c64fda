"""Learners' progress: plain functions over an SQLAlchemy session.

What a learner has done is never stored as a counter: it is read from the
step events, so a step added to a lesson shows as "not yet done" and a step
removed simply stops counting.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trainer.answers import Verdict
from trainer.content.lesson import Lesson, Step
from trainer.models import Attempt, Learner, StepEvent, utcnow


@dataclass(frozen=True)
class LessonProgress:
    done: int
    total: int
    resume: int  # index of the first unfinished step (== total when finished)
    started: bool

    @property
    def finished(self) -> bool:
        return self.started and self.done >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class StepStatus:
    wrong: int
    hints: int
    shown: bool
    finished: bool
    found: frozenset[str]


def new_public_id() -> str:
    return str(uuid.uuid4())


# The queries every step page and answer runs, built once: building a statement costs
# more Python time than SQLite takes to answer it.
_LEARNER = select(Learner).where(Learner.public_id == bindparam("public_id"))
_CURRENT_ATTEMPT = (select(Attempt)
                    .where(Attempt.learner_id == bindparam("learner_id"),
                           Attempt.lesson_id == bindparam("lesson_id"))
                    .order_by(Attempt.id.desc()).limit(1))
# One row per kind of event, however often a learner pressed the same button.
_STEP_EVENTS = (select(StepEvent.kind, StepEvent.correct, StepEvent.finished, StepEvent.detail,
                       func.count().label("times"))
                .where(StepEvent.attempt_id == bindparam("attempt_id"),
                       StepEvent.step_key == bindparam("step_key"))
                .group_by(StepEvent.kind, StepEvent.correct, StepEvent.finished,
                          StepEvent.detail))


def find_learner(db: Session, public_id: str | None) -> Learner | None:
    if not public_id:
        return None
    return db.scalar(_LEARNER, {"public_id": public_id})


def is_public_id(value: object) -> bool:
    """Whether ``value`` has the form of a learner's public id (a UUID)."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def get_or_create_learner(db: Session, public_id: str) -> Learner:
    learner = find_learner(db, public_id)
    if learner is None:
        learner = Learner(public_id=public_id)
        db.add(learner)
        db.flush()
    return learner


def current_attempt(db: Session, learner: Learner | None, lesson_id: str) -> Attempt | None:
    if learner is None:
        return None
    return db.scalar(_CURRENT_ATTEMPT, {"learner_id": learner.id, "lesson_id": lesson_id})


def start_attempt(db: Session, learner: Learner, lesson_id: str) -> Attempt:
    attempt = Attempt(learner_id=learner.id, lesson_id=lesson_id)
    db.add(attempt)
    db.flush()
    return attempt


def finished_steps(db: Session, attempt: Attempt | None) -> set[str]:
    if attempt is None:
        return set()
    return set(db.scalars(select(StepEvent.step_key).where(StepEvent.attempt_id == attempt.id,
                                                           StepEvent.finished.is_(True))))


def lesson_progress(lesson: Lesson, done_keys: set[str], started: bool) -> LessonProgress:
    keys = [s.key for s in lesson.steps]
    done = sum(k in done_keys for k in keys)
    resume = next((i for i, k in enumerate(keys) if k not in done_keys), len(keys))
    return LessonProgress(done=done, total=len(keys), resume=resume, started=started)


def progress_for(db: Session, learner: Learner | None,
                 lessons: Iterable[Lesson]) -> dict[str, LessonProgress]:
    """Progress in each lesson, in one query per table (the home page lists them all)."""
    lessons = list(lessons)
    if learner is None:
        return {x.id: lesson_progress(x, set(), False) for x in lessons}
    attempts: dict[str, Attempt] = {}
    for attempt in db.scalars(select(Attempt).where(Attempt.learner_id == learner.id)
                              .order_by(Attempt.id)):
        attempts[attempt.lesson_id] = attempt  # the newest wins
    done: dict[int, set[str]] = {a.id: set() for a in attempts.values()}
    if done:
        rows = db.execute(select(StepEvent.attempt_id, StepEvent.step_key)
                          .where(StepEvent.attempt_id.in_(list(done)),
                                 StepEvent.finished.is_(True)))
        for attempt_id, key in rows:
            done[attempt_id].add(key)
    return {
        x.id: lesson_progress(x, done[attempts[x.id].id] if x.id in attempts else set(),
                              x.id in attempts)
        for x in lessons
    }


def step_status(db: Session, attempt: Attempt | None, step: Step) -> StepStatus:
    if attempt is None:
        return StepStatus(0, 0, False, False, frozenset())
    events = db.connection().execute(_STEP_EVENTS, {"attempt_id": attempt.id,
                                                    "step_key": step.key}).all()
    return StepStatus(
        wrong=sum(e.times for e in events if e.kind == "answer" and e.correct is False),
        hints=sum(e.times for e in events if e.kind == "hint"),
        shown=any(e.kind == "show" for e in events),
        finished=any(e.finished for e in events),
        found=frozenset(e.detail for e in events if e.kind == "answer" and e.correct),
    )


# INSERT … ON CONFLICT DO NOTHING on the (attempt, form id) constraint: a form sent twice
# is stored once, in one statement (no savepoint), on SQLite and PostgreSQL alike.
_ONCE = ["attempt_id", "submission"]
_EVENT_ONCE = {
    "sqlite": sqlite.insert(StepEvent).on_conflict_do_nothing(index_elements=_ONCE)
    .returning(StepEvent.id),
    "postgresql": postgresql.insert(StepEvent).on_conflict_do_nothing(index_elements=_ONCE)
    .returning(StepEvent.id),
}


def record(db: Session, attempt: Attempt, step: Step, kind: str, verdict: Verdict | None = None,
           submission: str | None = None, lesson: Lesson | None = None) -> bool:
    """Store one event; False (and nothing stored) if this form was already sent.

    The caller commits. When the event finishes the last unfinished step of
    ``lesson``, the attempt is marked finished too.
    """
    finished = bool(verdict and verdict.finished)
    stored = db.connection().execute(_EVENT_ONCE[db.get_bind().dialect.name], {
        "attempt_id": attempt.id, "step_key": step.key, "kind": kind,
        "correct": None if verdict is None else verdict.correct, "finished": finished,
        "detail": (verdict.detail if verdict else "")[:80],
        "submission": submission[:40] if submission else None, "created_at": utcnow()})
    if stored.scalar() is None:  # nothing returned: this form was stored before
        return False
    if finished and lesson is not None and attempt.finished_at is None:
        done = finished_steps(db, attempt)
        if all(s.key in done for s in lesson.steps):
            attempt.finished_at = utcnow()
    return True

"""Learners' progress: plain functions over an SQLAlchemy session.

What a learner has done is never stored as a counter: it is read from the
step events, so a step added to a lesson shows as "not yet done" and a step
removed simply stops counting.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
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


def _insert_once(db: Session, model, keys: list[str]):  # noqa: ANN001, ANN202
    """INSERT … ON CONFLICT DO NOTHING on ``keys``, for the session's database."""
    module = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(model).on_conflict_do_nothing(index_elements=keys)


def get_or_create_learner(db: Session, public_id: str) -> Learner:
    """The learner with this id, created if new. Two requests creating the same id at
    once (a double tap) make one row: the second insert does nothing, then finds it."""
    learner = find_learner(db, public_id)
    if learner is None:
        db.execute(_insert_once(db, Learner, ["public_id"]).values(public_id=public_id,
                                                                   created_at=utcnow()))
        learner = find_learner(db, public_id)
    return learner


def current_attempt(db: Session, learner: Learner | None, lesson_id: str) -> Attempt | None:
    if learner is None:
        return None
    return db.scalar(_CURRENT_ATTEMPT, {"learner_id": learner.id, "lesson_id": lesson_id})


def first_attempt(db: Session, learner: Learner, lesson_id: str) -> Attempt:
    """The current attempt, or the learner's first one made now. Six copies of a first
    answer sent at once, or two tabs, all find the same one (see ``_attempt_after``)."""
    return current_attempt(db, learner, lesson_id) or _attempt_after(db, learner, lesson_id,
                                                                     None)


def start_attempt(db: Session, learner: Learner, lesson_id: str,
                  after: Attempt | None = None, *, fresh: bool = False) -> Attempt:
    """"Start again": a new attempt after ``after`` (default: the current one). Sent
    twice, at once or one after the other, both find the one new attempt: a current
    attempt with nothing in it yet is already a fresh start. ``fresh`` always makes a
    new one (a practice round's scenario)."""
    after = after or current_attempt(db, learner, lesson_id)
    if not fresh and after is not None and db.scalar(
            select(StepEvent.id).where(StepEvent.attempt_id == after.id).limit(1)) is None:
        return after
    return _attempt_after(db, learner, lesson_id, after)


def _attempt_after(db: Session, learner: Learner, lesson_id: str,
                   seen: Attempt | None) -> Attempt:
    """A new attempt, unless one newer than ``seen`` (the newest the caller saw) was
    made meanwhile. The learner's row is locked first (an UPDATE: a row lock on
    PostgreSQL, the write lock on SQLite), so requests making an attempt for one learner
    take turns, and the later ones find the attempt the first one made."""
    db.execute(update(Learner).where(Learner.id == learner.id)
               .values(settings=Learner.settings))
    made = current_attempt(db, learner, lesson_id)
    if made is not None and (seen is None or made.id != seen.id):
        return made
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


# --- where to go next: the home page's "Học tiếp" and the end page's "Bài tiếp theo" ------

def recent_lessons(db: Session, learner: Learner | None, limit: int = 20) -> list[str]:
    """Lesson ids she answered in most recently, newest first (practice rounds left out)."""
    if learner is None:
        return []
    rows = db.execute(select(Attempt.lesson_id, func.max(StepEvent.id).label("last"))
                      .join(StepEvent, StepEvent.attempt_id == Attempt.id)
                      .where(Attempt.learner_id == learner.id,
                             ~Attempt.lesson_id.startswith("practice:"))
                      .group_by(Attempt.lesson_id).order_by(func.max(StepEvent.id).desc())
                      .limit(limit))
    return [lesson_id for lesson_id, _ in rows]


def continue_lesson(db: Session, learner: Learner | None, lessons: list[Lesson],
                    states: dict[str, LessonProgress]) -> Lesson | None:
    """The lesson she was last in the middle of ("Học tiếp"), if any."""
    by_id = {x.id: x for x in lessons}
    return next((by_id[i] for i in recent_lessons(db, learner)
                 if i in by_id and states[i].started and not states[i].finished), None)


def suggested_next(lessons: list[Lesson], states: dict[str, LessonProgress],
                   after: str | None = None) -> Lesson | None:
    """The next unfinished lesson in the suggested order (``lessons`` as the library lists
    them): after ``after`` first (activation leads on to login, never back to the start
    of the path), then from the beginning."""
    ids = [x.id for x in lessons]
    start = ids.index(after) + 1 if after in ids else 0
    return next((x for x in lessons[start:] + lessons[:start]
                 if x.id != after and not states[x.id].finished), None)

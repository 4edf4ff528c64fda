"""What the union reports: classes held, people supported, lessons and steps done, and
which steps learners miss most (where a lesson may be unclear). Plain functions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from trainer.classroom.charts import Bar, bars
from trainer.models import Attempt, ClassMember, ClassSession, StepEvent, Volunteer


@dataclass(frozen=True)
class ClassLine:
    held_on: dt.date
    title: str
    place: str
    learners: int


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    place: str
    classes: list[ClassLine]
    learners: int
    lessons_completed: int
    steps_practised: int
    most_missed: list[tuple[str, str, int]]  # lesson id, step key, wrong answers

    @property
    def classes_held(self) -> int:
        return len(self.classes)


def _classes(db: Session, volunteer: Volunteer, start: dt.date, end: dt.date,
             place: str) -> list[ClassSession]:
    query = select(ClassSession).where(ClassSession.held_on >= start, ClassSession.held_on <= end)
    if volunteer.role != "admin":
        query = query.where(ClassSession.volunteer_id == volunteer.id)
    found = db.scalars(query.order_by(ClassSession.held_on, ClassSession.id))
    # Matched in Python: SQLite's lower() leaves Vietnamese capitals (Đ, Ư, …) alone.
    wanted = " ".join(place.split()).casefold()
    return [c for c in found
            if not wanted or wanted in f"{c.commune} {c.village}".casefold()]


def build(db: Session, volunteer: Volunteer, start: dt.date, end: dt.date,
          place: str = "") -> Report:
    """The report over the classes this volunteer may see (an admin: all of them)."""
    chosen = _classes(db, volunteer, start, end, place)
    class_ids = [c.id for c in chosen]
    counts: dict[int, int] = {}
    learner_ids: set[int] = set()
    if class_ids:
        for class_id, learner_id in db.execute(select(ClassMember.class_id, ClassMember.learner_id)
                                               .where(ClassMember.class_id.in_(class_ids))):
            counts[class_id] = counts.get(class_id, 0) + 1
            learner_ids.add(learner_id)
    lines = [ClassLine(c.held_on, c.title, ", ".join(x for x in (c.village, c.commune) if x),
                       counts.get(c.id, 0)) for c in chosen]
    since = dt.datetime.combine(start, dt.time.min)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
    completed = practised = 0
    missed: list[tuple[str, str, int]] = []
    if learner_ids:
        ids = list(learner_ids)
        completed = db.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.learner_id.in_(ids), Attempt.finished_at >= since,
            Attempt.finished_at < until)) or 0
        in_range = and_(Attempt.learner_id.in_(ids), StepEvent.created_at >= since,
                        StepEvent.created_at < until)
        practised = db.scalar(
            select(func.count()).select_from(
                select(StepEvent.attempt_id, StepEvent.step_key)
                .join(Attempt, Attempt.id == StepEvent.attempt_id)
                .where(in_range, StepEvent.finished.is_(True))
                .group_by(StepEvent.attempt_id, StepEvent.step_key).subquery())) or 0
        wrong = func.count().label("wrong")
        missed = [(lesson_id, key, n) for lesson_id, key, n in db.execute(
            select(Attempt.lesson_id, StepEvent.step_key, wrong)
            .join(Attempt, Attempt.id == StepEvent.attempt_id)
            .where(in_range, StepEvent.kind == "answer", StepEvent.correct.is_(False))
            .group_by(Attempt.lesson_id, StepEvent.step_key)
            .order_by(wrong.desc(), Attempt.lesson_id, StepEvent.step_key).limit(10))]
    return Report(start, end, place.strip(), lines, len(learner_ids), completed, practised,
                  missed)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (names are untrusted)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: Report, labels: dict[str, str]) -> str:
    """UTF-8 with a BOM, so Excel shows Vietnamese diacritics correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    rows: list[list[object]] = [
        [labels["from"], report.start.isoformat()], [labels["to"], report.end.isoformat()],
        [labels["place"], report.place],
        [labels["classes"], report.classes_held], [labels["learners"], report.learners],
        [labels["lessons"], report.lessons_completed], [labels["steps"], report.steps_practised],
        [],
        [labels["date"], labels["class"], labels["place"], labels["learners"]],
        *[[c.held_on.isoformat(), c.title, c.place, c.learners] for c in report.classes],
        [],
        [labels["lesson"], labels["step"], labels["wrong"]],
        *[[lesson, step, n] for lesson, step, n in report.most_missed],
    ]
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def chart_bars(report: Report) -> list[Bar]:
    """Bars for "learners per class" (the last 20 classes)."""
    return bars([(c.held_on.strftime("%d/%m"), c.learners, str(c.learners))
                 for c in report.classes[-20:]], 800, 320, left=40, right=40, top=40, bottom=40)

"""Personal data (Decree 13/2023): what we keep about a learner (shown on /my-data/),
an export of it (the learner's own download, the admin's export), "delete my data" and
the purge of learners inactive for months. Plain functions over a session.

Tables that belong to a learner are found from their foreign keys, so a table
added later (classes, settings) is exported and deleted without code here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from trainer.models import (
    Attempt,
    Base,
    ClassMember,
    ClassSession,
    KioskLogin,
    Learner,
    LearnerCard,
    StepEvent,
)


@dataclass(frozen=True)
class Summary:
    """What /my-data/ shows a learner about themselves."""

    lessons_started: int
    classes: list[tuple[str, dt.date, str, int | None]]  # title, day, name given, birth year
    kiosk_picture: str | None  # the picture of their kiosk sign-in, if they have one
    kiosk_kind: str | None  # pin, pictures
    cards: int  # learner cards that still work
    settings: str | None


def summary(db: Session, learner: Learner) -> Summary:
    classes = db.execute(select(ClassSession.title, ClassSession.held_on,
                                ClassMember.display_name, ClassMember.birth_year)
                         .join(ClassMember.klass).where(ClassMember.learner_id == learner.id)
                         .order_by(ClassSession.held_on)).all()
    login = db.scalar(select(KioskLogin).where(KioskLogin.learner_id == learner.id))
    return Summary(
        lessons_started=db.scalar(select(func.count(func.distinct(Attempt.lesson_id)))
                                  .where(Attempt.learner_id == learner.id)) or 0,
        classes=[tuple(row) for row in classes],
        kiosk_picture=login.picture if login else None,
        kiosk_kind=login.secret_kind if login else None,
        cards=db.scalar(select(func.count()).select_from(LearnerCard).where(
            LearnerCard.learner_id == learner.id, LearnerCard.revoked_at.is_(None))) or 0,
        settings=learner.settings)


def inactive_learners(db: Session, before: dt.datetime) -> list[Learner]:
    """Learners with nothing stored since ``before`` (``trainer purge --inactive``)."""
    recent_answer = (select(Attempt.learner_id).join(StepEvent)
                     .where(StepEvent.created_at >= before))
    recent_class = select(ClassMember.learner_id).where(ClassMember.joined_at >= before)
    return list(db.scalars(select(Learner).where(
        Learner.created_at < before, Learner.id.not_in(recent_answer),
        Learner.id.not_in(recent_class)).order_by(Learner.id)))


def learner_tables() -> list[tuple[Table, str]]:
    """Every (table, column) that points at ``learner.id`` directly."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "learner" for fk in column.foreign_keys):
                found.append((table, column.name))
    return found


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def _rows(db: Session, table: Table, where) -> list[dict[str, Any]]:
    """Rows as plain dicts; hashes (passwords, kiosk secrets, cards, codes) and the seeds
    cards and codes are made from are never exported."""
    return [{k: _plain(v) for k, v in row._mapping.items() if "hash" not in k and k != "seed"}
            for row in db.execute(select(table).where(where))]


def export_learner(db: Session, learner: Learner) -> dict[str, Any]:
    """Everything stored about one learner, including rows hanging off their own rows."""
    out: dict[str, Any] = {"learner": _rows(db, Learner.__table__,
                                            Learner.__table__.c.id == learner.id)[0]}
    for table, column in learner_tables():
        rows = _rows(db, table, table.c[column] == learner.id)
        out[table.name] = rows
        ids = [r["id"] for r in rows if "id" in r]
        for child in Base.metadata.sorted_tables:  # one level down: attempt -> step_event
            for col in child.columns:
                if ids and any(fk.column.table is table for fk in col.foreign_keys):
                    out.setdefault(child.name, []).extend(_rows(db, child, col.in_(ids)))
    return out


def export_all(db: Session) -> dict[str, Any]:
    learners = db.scalars(select(Learner).order_by(Learner.id)).all()
    return {"exported_at": _plain(dt.datetime.now(dt.UTC).replace(tzinfo=None)),
            "learners": [export_learner(db, x) for x in learners]}


def delete_learner(db: Session, learner: Learner) -> None:
    """Remove the learner and everything that hangs off them (the caller commits).

    Direct children are deleted explicitly too, so this works whether or not
    the database enforces ``ON DELETE CASCADE``; grandchildren rely on it.
    """
    for table, column in reversed(learner_tables()):
        db.execute(delete(table).where(table.c[column] == learner.id))
    db.execute(delete(Learner).where(Learner.id == learner.id))

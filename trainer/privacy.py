"""Personal data (Decree 13/2023): what we keep about a learner, an export of
it for the admin, and "delete my data". Plain functions over a session.

Tables that belong to a learner are found from their foreign keys, so a table
added later (classes, settings) is exported and deleted without code here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from trainer.models import Base, Learner


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
    """Rows as plain dicts; password and kiosk-secret hashes are never exported."""
    return [{k: _plain(v) for k, v in row._mapping.items() if "hash" not in k}
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

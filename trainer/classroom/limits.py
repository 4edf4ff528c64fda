"""Limits on guessing: volunteer passwords, class codes. Plain functions over a session.

Each try is *reserved* before it is checked, by one atomic statement
(``UPDATE … SET tries = tries + 1 WHERE key = … AND tries < limit RETURNING``), so 60
parallel requests cannot check more than ``limit`` guesses between them, in one process
or in several, on SQLite or PostgreSQL. The counters live in ``try_counter``; a window
that has passed starts again, and rows of passed windows are deleted on the next try
anywhere (the addresses in them are kept no longer than the window).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trainer.models import TryCounter, utcnow

LONGEST_WINDOW = dt.timedelta(minutes=15)  # no counter is kept longer than this


def _insert(dialect: str):
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(TryCounter).on_conflict_do_nothing(index_elements=["key"])


def reserve(db: Session, key: str, limit: int, window: dt.timedelta,
            now: dt.datetime | None = None) -> bool:
    """Count one try under ``key``; False (and nothing counted) once ``limit`` tries were
    made within ``window``. Commits at once, so the try is counted before it is checked."""
    now = now or utcnow()
    key = key[:160]
    table = TryCounter.__table__
    db.execute(delete(TryCounter).where(TryCounter.since < now - max(window, LONGEST_WINDOW)))
    # A window that has passed starts again with this try.
    restarted = db.execute(update(table).where(table.c.key == key, table.c.since < now - window)
                           .values(tries=1, since=now).returning(table.c.tries)).first()
    ok = restarted is not None or _count(db, key, limit)
    if not ok:
        created = db.execute(_insert(db.get_bind().dialect.name)
                             .values(key=key, tries=1, since=now).returning(table.c.key)).first()
        ok = created is not None or _count(db, key, limit)  # lost the race to create it
    db.commit()
    return ok


def _count(db: Session, key: str, limit: int) -> bool:
    table = TryCounter.__table__
    return db.execute(update(table).where(table.c.key == key, table.c.tries < limit)
                      .values(tries=table.c.tries + 1).returning(table.c.tries)).first() \
        is not None


def refund(db: Session, key: str) -> None:
    """A try that turned out right does not count (the caller commits)."""
    table = TryCounter.__table__
    db.execute(update(table).where(table.c.key == key[:160], table.c.tries > 0)
               .values(tries=table.c.tries - 1))


def clear(db: Session, *keys: str) -> None:
    """Forget the tries under these keys (a right password; an admin's unlock)."""
    db.execute(delete(TryCounter).where(TryCounter.key.in_([k[:160] for k in keys])))


def clear_prefix(db: Session, prefix: str) -> int:
    """Forget every counter whose key starts with ``prefix``; how many there were."""
    return db.execute(delete(TryCounter).where(TryCounter.key.startswith(prefix[:160],
                                                                          autoescape=True))
                      ).rowcount


# --- class codes ----------------------------------------------------------------------------

JOIN_LIMIT = 20  # wrong class codes from one address …
JOIN_WINDOW = dt.timedelta(minutes=10)  # … within this long (8⁶ codes: never guessed)


def join_key(address: str) -> str:
    return f"join:{address[:64]}"


def join_try(db: Session, address: str) -> bool:
    """May this address try a class code now? Call before looking the code up; call
    ``join_found`` when the code was right, so only wrong codes count."""
    return reserve(db, join_key(address), JOIN_LIMIT, JOIN_WINDOW)


def join_found(db: Session, address: str) -> None:
    refund(db, join_key(address))
    db.commit()

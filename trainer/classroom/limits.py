"""Limits on guessing: volunteer passwords, class codes, learner codes (on ``/resume``
and on a kiosk). The one mechanism for all of them. Plain functions over a session.

Each try is *reserved* before it is checked, by one atomic statement
(``UPDATE … SET tries = tries + 1 WHERE key = … AND tries < limit RETURNING``), so 60
parallel requests cannot check more than ``limit`` guesses between them, in one process
or in several, on SQLite or PostgreSQL. The counters live in ``try_counter``; a window
that has passed starts again, and rows of passed windows are deleted on the next try
anywhere (the addresses in them are kept no longer than the window).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

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


# --- codes typed by anyone: class codes, learner codes ------------------------------------

@dataclass(frozen=True)
class Guess:
    """A code anyone may type, limited per address: ``tries`` wrong ones within
    ``window``; a right one is given back, so only wrong codes count."""

    name: str
    tries: int
    window: dt.timedelta


# A class code is on the projector for everyone; 20 wrong from one address in 10 minutes
# is a typo-prone class behind one Wi-Fi, never a search of the 8⁶ codes.
JOIN = Guess("join", 20, dt.timedelta(minutes=10))
# A learner code ("mã học tiếp", also typed on a kiosk) is a sign-in: 5 wrong ones per
# address in 15 minutes, counted together on every page that takes one.
LEARNER_CODE = Guess("code", 5, dt.timedelta(minutes=15))


def address_key(address: str) -> str:
    """Who is counted: an IPv4 address, or an IPv6 /64 (one household or phone gets a
    whole /64, so counting single IPv6 addresses would count nothing)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(guess: Guess, address: str) -> str:
    return f"{guess.name}:{address_key(address)}"


def may_try(db: Session, guess: Guess, address: str) -> bool:
    """May this address type one more code now? Call before looking the code up (the
    try is counted and committed first); then ``was_right`` when the code was right."""
    return reserve(db, _key(guess, address), guess.tries, guess.window)


def was_right(db: Session, guess: Guess, address: str) -> None:
    """A right code does not count against the address (committed)."""
    refund(db, _key(guess, address))
    db.commit()

"""Classes a volunteer runs: join codes, members, the presenter's position, raised
hands and the live "who is stuck" board. Plain functions over a session; the
caller commits. Nothing here knows about Flask.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager

from trainer.content.lesson import Lesson
from trainer.models import (
    Attempt,
    ClassMember,
    ClassSession,
    Learner,
    StepEvent,
    Volunteer,
    utcnow,
)

# Digits only, without 0 and 1 (read as O, I or l on a projector or by weak eyes).
CODE_ALPHABET = "23456789"
CODE_LENGTH = 6
CODE_GRACE = dt.timedelta(days=1)  # a code still works the day after the class
STUCK_WRONG = 2  # wrong answers on one step
STUCK_IDLE = dt.timedelta(minutes=2)
MAX_NAME = 60


class ClassError(ValueError):
    """The class cannot be created or joined as asked; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- classes --------------------------------------------------------------------------

def new_code(db: Session) -> str:
    """A random join code no other class uses."""
    for _ in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.scalar(select(ClassSession.id).where(ClassSession.code == code)) is None:
            return code
    raise ClassError("no-code")


def normalise_code(code: str) -> str:
    """What the learner typed, without spaces or dashes (printed codes may have them)."""
    return "".join(ch for ch in (code or "") if ch.isdigit())[:CODE_LENGTH + 2]


def create_class(db: Session, volunteer: Volunteer, title: str, held_on: dt.date,
                 commune: str = "", village: str = "",
                 lessons: Sequence[str] = ()) -> ClassSession:
    title = (title or "").strip()[:120]
    if not title:
        raise ClassError("title")
    klass = ClassSession(code=new_code(db), title=title, held_on=held_on,
                         commune=(commune or "").strip()[:80],
                         village=(village or "").strip()[:80],
                         lessons=" ".join(lessons)[:1000], volunteer_id=volunteer.id,
                         current_lesson=lessons[0] if lessons else "", current_step=1)
    db.add(klass)
    db.flush()
    return klass


def planned(klass: ClassSession) -> list[str]:
    return klass.lessons.split() if klass.lessons else []


def classes_for(db: Session, volunteer: Volunteer) -> list[ClassSession]:
    """A volunteer's own classes, newest first; an admin sees every class."""
    query = select(ClassSession).order_by(ClassSession.held_on.desc(), ClassSession.id.desc())
    if volunteer.role != "admin":
        query = query.where(ClassSession.volunteer_id == volunteer.id)
    return list(db.scalars(query))


def class_for(db: Session, volunteer: Volunteer, class_id: int) -> ClassSession | None:
    """The class, if this volunteer may see it (their own, or any for an admin)."""
    klass = db.get(ClassSession, class_id)
    if klass is None or (volunteer.role != "admin" and klass.volunteer_id != volunteer.id):
        return None
    return klass


def is_open(klass: ClassSession, today: dt.date) -> bool:
    """Open until the volunteer closes it, or until the day after the later of its date
    and the day it was written down: last week's door-to-door session, recorded today,
    stays open for recording today and tomorrow."""
    written = klass.created_at.date() if klass.created_at else klass.held_on
    return klass.closed_at is None and today <= max(klass.held_on, written) + CODE_GRACE


def find_by_code(db: Session, code: str, today: dt.date) -> ClassSession:
    """The open class with this code; ClassError("unknown"/"expired") otherwise."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        raise ClassError("unknown")
    klass = db.scalar(select(ClassSession).where(ClassSession.code == code))
    if klass is None:
        raise ClassError("unknown")
    if not is_open(klass, today):
        raise ClassError("expired")
    return klass


# --- members ----------------------------------------------------------------------------

def clean_name(name: str) -> str:
    """A display name: trimmed, one line, at most 60 characters (still untrusted: escape it)."""
    return " ".join((name or "").split())[:MAX_NAME]


def parse_birth_year(value: str, today: dt.date) -> int | None:
    """An optional birth year; anything that is not a plausible year is simply not kept."""
    value = (value or "").strip()
    if not value.isdigit() or len(value) != 4:
        return None
    year = int(value)
    return year if today.year - 120 <= year <= today.year - 10 else None


def join(db: Session, klass: ClassSession, learner: Learner, name: str,
         birth_year: int | None = None) -> ClassMember:
    """Add the learner to the class (or update their name); their progress stays theirs."""
    name = clean_name(name)
    if not name:
        raise ClassError("name")
    member = db.scalar(select(ClassMember).where(ClassMember.class_id == klass.id,
                                                 ClassMember.learner_id == learner.id))
    if member is None:
        member = ClassMember(class_id=klass.id, learner_id=learner.id, display_name=name,
                             birth_year=birth_year, following=True)
        db.add(member)
    else:
        member.display_name, member.birth_year = name, birth_year
    learner.display_name = name
    db.flush()
    return member


_MEMBERSHIP = (select(ClassMember).join(ClassMember.klass)  # every step page asks: built once
               .options(contains_eager(ClassMember.klass))
               .where(ClassMember.learner_id == bindparam("learner_id"),
                      ClassSession.closed_at.is_(None),
                      (ClassSession.held_on >= bindparam("since"))
                      | (ClassSession.created_at >= bindparam("since")))
               .order_by(ClassMember.joined_at.desc(), ClassMember.id.desc()).limit(1))


def membership(db: Session, learner: Learner | None, today: dt.date) -> ClassMember | None:
    """The learner's place in their most recently joined class that is still open."""
    if learner is None:
        return None
    return db.scalar(_MEMBERSHIP, {"learner_id": learner.id, "since": today - CODE_GRACE})


def member_of(db: Session, klass: ClassSession, member_id: int) -> ClassMember | None:
    member = db.get(ClassMember, member_id)
    return member if member is not None and member.class_id == klass.id else None


def raise_hand(member: ClassMember, now: dt.datetime | None = None) -> None:
    if member.hand_raised_at is None:
        member.hand_raised_at = now or utcnow()


def lower_hand(member: ClassMember) -> None:
    member.hand_raised_at = None


# --- presenter ----------------------------------------------------------------------------

def present(klass: ClassSession, lesson: Lesson, step: int) -> None:
    """Move the presenter (and, when "follow me" is on, every following phone)."""
    klass.current_lesson = lesson.id
    klass.current_step = max(1, min(step, len(lesson.steps)))


def bar_version(member: ClassMember) -> str:
    """A short fingerprint of everything the class bar shows, so a phone polling for news
    is told "nothing changed" without the bar being drawn again."""
    klass = member.klass
    shown = (klass.title, member.display_name, member.hand_raised_at is not None,
             klass.follow_on, member.following)
    return f"{zlib.crc32(repr(shown).encode()):08x}"


def follow_target(klass: ClassSession, member: ClassMember) -> tuple[str, int] | None:
    """Where a following learner's phone should be, or None to leave them alone."""
    if not klass.follow_on or not member.following or not klass.current_lesson:
        return None
    return klass.current_lesson, klass.current_step


# --- the live board -----------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    member: ClassMember
    cells: tuple[str, ...]  # per step: done, working, stuck or todo
    stuck: bool
    hand: bool
    at: int | None  # index of the step they are on (None when finished or not started)

    @property
    def needs_help(self) -> bool:
        return self.stuck or self.hand


def learner_cells(lesson: Lesson, events: Sequence[StepEvent], since: dt.datetime,
                  now: dt.datetime) -> tuple[tuple[str, ...], int | None, bool]:
    """Each step's state for one learner, from their events in this lesson's attempt.

    The learner is "on" the step of their latest event, or the first unfinished step
    after it once that one is done. They are stuck there after STUCK_WRONG wrong
    answers on it, or when nothing has happened for STUCK_IDLE.
    """
    keys = [s.key for s in lesson.steps]
    done = {e.step_key for e in events if e.finished}
    wrong: dict[str, int] = {}
    for e in events:
        if e.kind == "answer" and e.correct is False:
            wrong[e.step_key] = wrong.get(e.step_key, 0) + 1
    last = max(events, key=lambda e: (e.created_at, e.id)) if events else None
    at: int | None = None
    if last is not None and last.step_key in keys:
        start = keys.index(last.step_key)
        at = next((i for i in range(start, len(keys)) if keys[i] not in done), None)
    elif not events:
        at = 0 if keys else None
    if at is None and last is not None and len(done & set(keys)) < len(keys):
        at = next(i for i, k in enumerate(keys) if k not in done)
    idle_since = max(last.created_at, since) if last is not None else since
    stuck = at is not None and (wrong.get(keys[at], 0) >= STUCK_WRONG
                                or now - idle_since > STUCK_IDLE)
    cells = tuple("done" if k in done else
                  ("stuck" if stuck else "working") if i == at else "todo"
                  for i, k in enumerate(keys))
    return cells, at, stuck


def board(db: Session, klass: ClassSession, lesson: Lesson,
          now: dt.datetime | None = None) -> list[Row]:
    """Every member × every step of ``lesson``; raised hands and the stuck come first."""
    now = now or utcnow()
    members = list(klass.members)
    learner_ids = [m.learner_id for m in members]
    latest: dict[int, int] = {}
    if learner_ids:
        for attempt_id, learner_id in db.execute(
                select(Attempt.id, Attempt.learner_id)
                .where(Attempt.learner_id.in_(learner_ids), Attempt.lesson_id == lesson.id)
                .order_by(Attempt.id)):
            latest[learner_id] = attempt_id  # the newest wins
    events: dict[int, list[StepEvent]] = {a: [] for a in latest.values()}
    if events:
        for event in db.scalars(select(StepEvent).where(StepEvent.attempt_id.in_(list(events)))
                                .order_by(StepEvent.id)):
            events[event.attempt_id].append(event)
    rows = []
    for member in members:
        mine = events.get(latest.get(member.learner_id, -1), [])
        cells, at, stuck = learner_cells(lesson, mine, member.joined_at, now)
        rows.append(Row(member, cells, stuck, member.hand_raised_at is not None, at))
    rows.sort(key=lambda r: (not r.hand, not r.stuck, r.member.display_name.casefold(),
                             r.member.id))
    return rows

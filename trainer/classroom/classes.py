"""Classes a volunteer runs: join codes, members, the presenter's position, raised
hands and the live "who is stuck" board. Plain functions over a session; the
caller commits. Nothing here knows about Flask.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, contains_eager

from trainer.content.lesson import Lesson
from trainer.models import (
    Attempt,
    ClassHelper,
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
IDLE_AFTER = dt.timedelta(minutes=2)  # quiet, not following, and the presenter is still
MAX_NAME = 60
SENT = ("show", "pull")  # what a volunteer can send to one phone from the board


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
                 lessons: Sequence[str] = (), organiser: str = "") -> ClassSession:
    klass = ClassSession(code=new_code(db), volunteer_id=volunteer.id, current_step=1)
    edit_class(klass, title, held_on, commune, village, lessons, organiser)
    klass.current_lesson = lessons[0] if lessons else ""
    db.add(klass)
    db.flush()
    return klass


def edit_class(klass: ClassSession, title: str, held_on: dt.date, commune: str = "",
               village: str = "", lessons: Sequence[str] = (), organiser: str = "") -> None:
    """Change what the class is; its code, members and the presenter's place stay."""
    title = (title or "").strip()[:120]
    if not title:
        raise ClassError("title")
    klass.title, klass.held_on = title, held_on
    klass.commune = (commune or "").strip()[:80]
    klass.village = (village or "").strip()[:80]
    klass.organiser = (organiser or "").strip()[:120]
    klass.lessons = " ".join(dict.fromkeys(lessons))[:1000]
    if not klass.current_lesson and lessons:
        klass.current_lesson = lessons[0]


def end_class(klass: ClassSession, now: dt.datetime | None = None) -> None:
    """End the class: its code stops working. Ending it twice is ClassError("ended")."""
    if klass.closed_at is not None:
        raise ClassError("ended")
    klass.closed_at = now or utcnow()
    klass.follow_on = False


def reopen_class(klass: ClassSession, today: dt.date) -> None:
    """Open an ended class again; one whose day is long past moves to today."""
    klass.closed_at = None
    if today > klass.held_on + CODE_GRACE:
        klass.held_on = today


def planned(klass: ClassSession) -> list[str]:
    return klass.lessons.split() if klass.lessons else []


def classes_for(db: Session, volunteer: Volunteer) -> list[ClassSession]:
    """The classes a volunteer runs or helps with, newest first; an admin sees every class."""
    query = select(ClassSession).order_by(ClassSession.held_on.desc(), ClassSession.id.desc())
    if volunteer.role != "admin":
        helping = select(ClassHelper.class_id).where(ClassHelper.volunteer_id == volunteer.id)
        query = query.where((ClassSession.volunteer_id == volunteer.id)
                            | ClassSession.id.in_(helping))
    return list(db.scalars(query))


def may_run(volunteer: Volunteer, klass: ClassSession) -> bool:
    """The class's own volunteer, a helper added to it, or an admin."""
    return (volunteer.role == "admin" or klass.volunteer_id == volunteer.id
            or any(h.id == volunteer.id for h in klass.helpers))


def class_for(db: Session, volunteer: Volunteer, class_id: int) -> ClassSession | None:
    """The class, if this volunteer may run it (see ``may_run``)."""
    klass = db.get(ClassSession, class_id)
    return klass if klass is not None and may_run(volunteer, klass) else None


def add_helper(db: Session, klass: ClassSession, username: str) -> Volunteer:
    """Let another volunteer see the board and hands and present; ClassError("helper")
    when there is no such active volunteer or they already run the class."""
    helper = db.scalar(select(Volunteer).where(
        Volunteer.username == (username or "").strip().lower()))
    if helper is None or not helper.active or helper.id == klass.volunteer_id:
        raise ClassError("helper")
    if helper not in klass.helpers:
        klass.helpers.append(helper)
    db.flush()
    return helper


def remove_helper(klass: ClassSession, volunteer_id: int) -> None:
    klass.helpers[:] = [h for h in klass.helpers if h.id != volunteer_id]


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
    """Add the learner to the class (or update their name); their progress stays theirs.
    Someone else on the same phone is a new learner ("Người khác dùng máy này"), never
    a rename of this one."""
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


def members_on_phone(db: Session, klass: ClassSession,
                     public_ids: Sequence[str]) -> list[ClassMember]:
    """The people who joined this class from this phone (its list of learners)."""
    if not public_ids:
        return []
    return list(db.scalars(select(ClassMember).join(ClassMember.learner)
                           .where(ClassMember.class_id == klass.id,
                                  Learner.public_id.in_(list(public_ids)))
                           .order_by(ClassMember.id)))


def raise_hand(member: ClassMember, now: dt.datetime | None = None) -> None:
    if member.hand_raised_at is None:
        member.hand_raised_at = now or utcnow()


def lower_hand(member: ClassMember) -> None:
    member.hand_raised_at = None


def mark_helped(member: ClassMember, now: dt.datetime | None = None) -> None:
    """"Đã giúp": the hand comes down and what went wrong before now no longer flags them."""
    member.hand_raised_at = None
    member.helped_at = now or utcnow()


def send(member: ClassMember, what: str) -> None:
    """Send "show" (show-me on their phone) or "pull" (to the presenter's step)."""
    if what not in SENT:
        raise ClassError("send")
    member.sent = what
    if what == "pull":
        member.following = True


# --- presenter ----------------------------------------------------------------------------

def present(klass: ClassSession, lesson: Lesson, step: int,
            now: dt.datetime | None = None) -> None:
    """Move the presenter (and, when "follow me" is on, every following phone)."""
    klass.current_lesson = lesson.id
    klass.current_step = max(1, min(step, len(lesson.steps)))
    klass.moved_at = now or utcnow()


def next_planned(klass: ClassSession, lesson_id: str) -> str | None:
    """The lesson after ``lesson_id`` in the class plan (None at the end or off the plan)."""
    plan = planned(klass)
    if lesson_id not in plan:
        return None
    at = plan.index(lesson_id)
    return plan[at + 1] if at + 1 < len(plan) else None


def presenter_version(klass: ClassSession) -> str:
    """A fingerprint of what the projector shows: a second presenter window (or one that
    missed a click while the server was down) redraws when it changes."""
    shown = (klass.current_lesson, klass.current_step, klass.highlight, klass.follow_on,
             klass.closed_at is not None, len(klass.members))
    return f"{zlib.crc32(repr(shown).encode()):08x}"


def bar_version(member: ClassMember) -> str:
    """A short fingerprint of everything the class bar shows, so a phone polling for news
    is told "nothing changed" without the bar being drawn again."""
    klass = member.klass
    shown = (klass.title, member.display_name, member.hand_raised_at is not None,
             klass.follow_on, member.following, klass.current_lesson, klass.current_step)
    return f"{zlib.crc32(repr(shown).encode()):08x}"


def follow_target(klass: ClassSession, member: ClassMember) -> tuple[str, int] | None:
    """Where a following learner's phone should be, or None to leave them alone."""
    if not klass.follow_on or not member.following or not klass.current_lesson:
        return None
    return klass.current_lesson, klass.current_step


def follow_move(target: tuple[str, int], here_lesson: str, here_step: int | None,
                plan: Sequence[str]) -> str:
    """How a following phone goes to ``target``: "go" when that is forward (the class moves
    on, or the learner is on a page with no step), "ask" when it would pull the learner
    back from a step they went ahead to, "stay" when they are there already."""
    lesson, step = target
    if (here_lesson, here_step) == target:
        return "stay"
    if here_lesson == lesson:
        return "go" if here_step is not None and here_step < step else "ask"
    if not here_lesson:
        return "go"
    if here_lesson in plan and lesson in plan and plan.index(here_lesson) < plan.index(lesson):
        return "go"
    return "ask"




# --- the live board -----------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One learner on the board: where they are tonight and what went wrong there."""

    member: ClassMember
    lesson_id: str  # the lesson they are working in ("" before they start)
    at: int | None  # index of their step in that lesson (None: finished it)
    done: int  # steps finished in that lesson
    wrong: int  # wrong answers on this step (since "Đã giúp")
    last_wrong: str  # the last wrong tap, option or judgement on this step ("" if none)
    hints: int  # hints asked on this step
    shown: int  # "show me" used on this step
    last_action: dt.datetime | None
    minutes: int  # since their last action (or joining, or "Đã giúp")
    hand: bool
    stuck: bool  # a raised hand or STUCK_WRONG wrong answers on this step
    idle: bool  # quiet, not following the presenter, and the presenter is still

    @property
    def needs_help(self) -> bool:
        return self.stuck

    @property
    def state(self) -> str:
        return "hand" if self.hand else "stuck" if self.stuck else "idle" if self.idle else "ok"

    @property
    def need(self) -> tuple:
        """Sort key: raised hands (longest waiting first), then the most wrong answers,
        then the longest idle, then everyone else by name."""
        raised = self.member.hand_raised_at or dt.datetime.max
        return (not self.hand, raised, not self.stuck, -self.wrong, not self.idle,
                -self.minutes if self.idle else 0, self.member.display_name.casefold(),
                self.member.id)


def _place(lesson: Lesson | None, events: Sequence[StepEvent]) -> tuple[int | None, int]:
    """(index of the step the learner is on, steps done): the step of their latest event,
    or the first unfinished one after it once that one is done; None when all are done."""
    if lesson is None:
        return None, 0
    keys = [s.key for s in lesson.steps]
    done = {e.step_key for e in events if e.finished} & set(keys)
    last = events[-1] if events else None
    start = keys.index(last.step_key) if last is not None and last.step_key in keys else 0
    at = next((i for i in range(start, len(keys)) if keys[i] not in done),
              next((i for i, k in enumerate(keys) if k not in done), None))
    return at, len(done)


def board(db: Session, klass: ClassSession, lessons: Callable[[str], Lesson | None],
          now: dt.datetime | None = None) -> list[Row]:
    """Every member, in the lesson they are working in tonight (the presented one until
    they do something), sorted by need."""
    now = now or utcnow()
    members = list(klass.members)
    if not members:
        return []
    since = min(m.joined_at for m in members)
    ids = {m.learner_id: m for m in members}
    # Each learner's latest attempt with something done since they joined: tonight's lesson.
    tonight: dict[int, tuple[int, str, dt.datetime]] = {}
    for attempt_id, learner_id, lesson_id, at in db.execute(
            select(Attempt.id, Attempt.learner_id, Attempt.lesson_id,
                   func.max(StepEvent.created_at))
            .join(StepEvent, StepEvent.attempt_id == Attempt.id)
            .where(Attempt.learner_id.in_(list(ids)), StepEvent.created_at >= since,
                   ~Attempt.lesson_id.startswith("practice:"))
            .group_by(Attempt.id, Attempt.learner_id, Attempt.lesson_id)):
        if at >= ids[learner_id].joined_at and (
                learner_id not in tonight
                or (at, attempt_id) > (tonight[learner_id][2], tonight[learner_id][0])):
            tonight[learner_id] = (attempt_id, lesson_id, at)
    # A learner who has done nothing yet is on the presented lesson: their attempt there.
    idle_ids = [i for i in ids if i not in tonight]
    if idle_ids and klass.current_lesson:
        for attempt_id, learner_id in db.execute(
                select(Attempt.id, Attempt.learner_id)
                .where(Attempt.learner_id.in_(idle_ids),
                       Attempt.lesson_id == klass.current_lesson).order_by(Attempt.id)):
            tonight[learner_id] = (attempt_id, klass.current_lesson, dt.datetime.min)
    events: dict[int, list[StepEvent]] = {a: [] for a, _, _ in tonight.values()}
    if events:
        for event in db.scalars(select(StepEvent).where(StepEvent.attempt_id.in_(list(events)))
                                .order_by(StepEvent.created_at, StepEvent.id)):
            events[event.attempt_id].append(event)
    presenter_still = klass.moved_at is None or now - klass.moved_at > IDLE_AFTER
    rows = []
    for member in members:
        attempt_id, lesson_id, _ = tonight.get(member.learner_id,
                                               (None, klass.current_lesson, None))
        mine = events.get(attempt_id, []) if attempt_id else []
        following = klass.follow_on and member.following
        tonight_events = [e for e in mine if e.created_at >= member.joined_at]
        last_action = tonight_events[-1].created_at if tonight_events else None
        # Following, and nothing done since the presenter last moved: the phone is on the
        # presenter's step, whatever their answers say.
        with_presenter = following and bool(klass.current_lesson) and (
            last_action is None or (klass.moved_at is not None and last_action < klass.moved_at))
        if with_presenter and lesson_id != klass.current_lesson:
            lesson_id, mine = klass.current_lesson, []
        lesson = lessons(lesson_id) if lesson_id else None
        at, done = _place(lesson, mine)
        if with_presenter and lesson is not None:
            at = max(0, min(klass.current_step, len(lesson.steps)) - 1)
        key = lesson.steps[at].key if lesson is not None and at is not None else None
        counted = member.helped_at or dt.datetime.min
        here = [e for e in mine if e.step_key == key]
        wrong = [e for e in here if e.kind == "answer" and e.correct is False
                 and e.created_at >= counted]
        quiet_since = max(x for x in (last_action, member.joined_at, member.helped_at) if x)
        minutes = max(0, int((now - quiet_since).total_seconds() // 60))
        hand = member.hand_raised_at is not None
        finished = lesson is not None and at is None
        rows.append(Row(
            member=member, lesson_id=lesson_id if lesson is not None else "", at=at, done=done,
            wrong=len(wrong), last_wrong=wrong[-1].detail if wrong else "",
            hints=sum(e.kind == "hint" for e in here), shown=sum(e.kind == "show" for e in here),
            last_action=last_action, minutes=minutes, hand=hand,
            stuck=hand or len(wrong) >= STUCK_WRONG,
            idle=(not following and presenter_still and not finished
                  and now - quiet_since > IDLE_AFTER)))
    rows.sort(key=lambda r: r.need)
    return rows


@dataclass(frozen=True)
class PathEntry:
    """One thing a learner did tonight, for their page on the board."""

    at: dt.datetime
    lesson_id: str
    step_key: str
    kind: str  # answer, hint, show
    correct: bool | None
    finished: bool
    detail: str


def learner_path(db: Session, member: ClassMember) -> list[PathEntry]:
    """Everything the learner did since joining the class, oldest first."""
    rows = db.execute(select(StepEvent, Attempt.lesson_id)
                      .join(Attempt, StepEvent.attempt_id == Attempt.id)
                      .where(Attempt.learner_id == member.learner_id,
                             StepEvent.created_at >= member.joined_at,
                             ~Attempt.lesson_id.startswith("practice:"))
                      .order_by(StepEvent.created_at, StepEvent.id))
    return [PathEntry(e.created_at, lesson_id, e.step_key, e.kind, e.correct, e.finished,
                      e.detail) for e, lesson_id in rows]


def finished_class(db: Session, klass: ClassSession) -> list[ClassMember]:
    """Members who finished every lesson of the class plan (at any time): they get a class
    certificate."""
    plan = planned(klass)
    if not plan:
        return []
    members = list(klass.members)
    learner_ids = [m.learner_id for m in members]
    finished: dict[int, set[str]] = {}
    for learner_id, lesson_id in db.execute(
            select(Attempt.learner_id, Attempt.lesson_id)
            .where(Attempt.learner_id.in_(learner_ids), Attempt.lesson_id.in_(plan),
                   Attempt.finished_at.is_not(None))):
        finished.setdefault(learner_id, set()).add(lesson_id)
    return [m for m in members if finished.get(m.learner_id, set()) >= set(plan)]

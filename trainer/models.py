"""Database tables. Progress is keyed by lesson id and step id (never by step
number), so editing a lesson file keeps old progress meaningful."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_uid() -> str:
    """A row's id that stays the same on every laptop and server it travels to
    (``trainer export`` / ``trainer import``), unlike the integer primary key."""
    return str(uuid.uuid4())


def uid_column() -> Mapped[str]:
    return mapped_column(String(36), unique=True, default=new_uid)


def parent_id(table: str) -> Mapped[int]:
    """The row belongs to one row of ``table``: it goes when that row is deleted, and is
    looked up by it (indexed)."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Learner(Base):
    """Someone practising: known only by a random id in their browser's cookie."""

    __tablename__ = "learner"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    settings: Mapped[str | None] = mapped_column(String(60))  # trainer.a11y.Prefs, encoded
    # "Mã học tiếp": a keyed hash of the short code that brings her progress to another
    # phone (trainer.progress.new_resume_code); the code itself is never stored here.
    resume_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempts: Mapped[list[Attempt]] = relationship(back_populates="learner")


class Attempt(Base):
    """One go through a lesson; "start again" begins a new one, old ones stay."""

    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_learner_lesson", "learner_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = uid_column()
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    learner: Mapped[Learner] = relationship(back_populates="attempts")
    events: Mapped[list[StepEvent]] = relationship(back_populates="attempt",
                                                   order_by="StepEvent.id")


class StepEvent(Base):
    """Something a learner did on a step: an answer, asking for a hint, "show me".

    ``detail`` is the tapped target, option or judgement; typed text is never
    stored. ``submission`` is the random id of the form that was sent, so a
    double-submitted answer is recorded once.
    """

    __tablename__ = "step_event"
    __table_args__ = (UniqueConstraint("attempt_id", "submission",
                                       name="uq_step_event_attempt_submission"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = uid_column()
    attempt_id: Mapped[int] = parent_id("attempt")
    step_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))  # answer, hint, show
    correct: Mapped[bool | None] = mapped_column(Boolean)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str] = mapped_column(String(80), default="")
    submission: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempt: Mapped[Attempt] = relationship(back_populates="events")


# --- Volunteers, classes and kiosk sign-in (issue 6; migration 0003) ---------------------

class Volunteer(Base):
    """Someone who runs classes; ``admin`` may also add volunteers and see every class.
    ``author`` (granted by an admin; admins always have it) may edit lessons in the
    browser, which changes what every learner is taught."""

    __tablename__ = "volunteer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="volunteer")  # volunteer, admin
    author: Mapped[bool] = mapped_column(Boolean, default=False)  # may edit lesson files
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    team: Mapped[Team | None] = relationship()
    # Part of every sign-in cookie; logging out or a new password adds one, which ends
    # every copy of the old cookie (issue 20).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TryCounter(Base):
    """Tries of something guessable (a volunteer login per name and address, a class code
    per address) within a window. In the database, not in process memory, so the limit
    holds across every server process; each try is reserved by one atomic UPDATE before
    it is checked (``trainer.classroom.limits``). Rows of a window that has passed are
    deleted on the next try anywhere."""

    __tablename__ = "try_counter"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ResumeTry(Base):
    """A wrong "mã học tiếp" typed from an address: the rate limit lives in the database
    so it holds across server processes and restarts."""

    __tablename__ = "resume_try"
    __table_args__ = (Index("ix_resume_try_address_at", "address", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ClassSession(Base):
    """One class a volunteer runs at a place on a day; learners join with ``code``."""

    __tablename__ = "class_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = uid_column()
    code: Mapped[str] = mapped_column(String(8), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    commune: Mapped[str] = mapped_column(String(80), default="")
    village: Mapped[str] = mapped_column(String(80), default="")
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    lessons: Mapped[str] = mapped_column(String(1000), default="")  # lesson ids, space-separated
    volunteer_id: Mapped[int] = parent_id("volunteer")
    current_lesson: Mapped[str] = mapped_column(String(80), default="")
    current_step: Mapped[int] = mapped_column(Integer, default=1)
    highlight: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_on: Mapped[bool] = mapped_column(Boolean, default=False)  # "follow me"
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # "Khoá lớp": nobody new may join (everyone is in; the code on the projector is public).
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Class night (issue 16; migration 0008): who organises it (printed on the class
    # certificates) and when the presenter last moved (idle learners, presenter sync).
    organiser: Mapped[str] = mapped_column(String(120), default="")
    moved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    volunteer: Mapped[Volunteer] = relationship()
    members: Mapped[list[ClassMember]] = relationship(back_populates="klass",
                                                      order_by="ClassMember.id")
    helpers: Mapped[list[Volunteer]] = relationship(secondary="class_helper",
                                                    order_by="Volunteer.username")


class ClassHelper(Base):
    """Another volunteer helping with a class: sees its board and hands and can present."""

    __tablename__ = "class_helper"
    __table_args__ = (UniqueConstraint("class_id", "volunteer_id",
                                       name="uq_class_helper_class_volunteer"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = parent_id("class_session")
    volunteer_id: Mapped[int] = parent_id("volunteer")


class ClassMember(Base):
    """A learner who joined a class, with the name they gave and their raised hand."""

    __tablename__ = "class_member"
    __table_args__ = (UniqueConstraint("class_id", "learner_id",
                                       name="uq_class_member_class_learner"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = uid_column()
    class_id: Mapped[int] = parent_id("class_session")
    learner_id: Mapped[int] = parent_id("learner")
    display_name: Mapped[str] = mapped_column(String(60))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    following: Mapped[bool] = mapped_column(Boolean, default=True)
    hand_raised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Migration 0008: "Đã giúp" (what happened before it no longer flags the row) and
    # what a volunteer sent to this phone from the board: "show" or "pull", until it arrives.
    helped_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent: Mapped[str] = mapped_column(String(10), default="")
    klass: Mapped[ClassSession] = relationship(back_populates="members")
    learner: Mapped[Learner] = relationship()


class LearnerCard(Base):
    """A printed learner card: its QR holds a random token; only the token's hash is
    stored. Printing a new card revokes the old one, and a volunteer can revoke a card."""

    __tablename__ = "learner_card"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = parent_id("learner")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class KioskLogin(Base):
    """How a learner signs in on a shared kiosk: a picture to find their name, and a
    4-digit PIN or a sequence of three pictures, stored only as an HMAC keyed with the
    server's SECRET_KEY (a copy of the database alone cannot be tried offline)."""

    __tablename__ = "kiosk_login"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"),
                                            unique=True)
    picture: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(255))
    secret_kind: Mapped[str] = mapped_column(String(10))  # pin, pictures
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # where a learner chose their own pictures on a kiosk ("device:<id>", "server"), so
    # that kiosk's list shows them; None when a volunteer set them up
    chosen_on: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    learner: Mapped[Learner] = relationship()


# --- Scam practice rounds and spaced repetition (issue 5; migration 0002) ----------------

class PracticeRound(Base):
    """A mixed round of scam scenarios. ``number`` counts the learner's rounds (1, 2, …)
    and is the clock of the spaced repetition; ``submission`` makes a double-sent
    "start" open the same round."""

    __tablename__ = "practice_round"
    __table_args__ = (UniqueConstraint("learner_id", "submission",
                                       name="uq_practice_round_learner_submission"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = parent_id("learner")
    number: Mapped[int] = mapped_column(Integer)
    submission: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    items: Mapped[list[PracticeItem]] = relationship(back_populates="round",
                                                     order_by="PracticeItem.position")


class PracticeItem(Base):
    """One scenario in a round. Its answers are ordinary step events on an attempt of
    its own (``Attempt.lesson_id`` is ``practice:<lesson id>``), so the player's
    machinery checks and stores them without touching the lesson's own progress.
    ``result`` is "right" or "wrong" once the scenario is played, "gone" if its lesson
    was removed."""

    __tablename__ = "practice_item"
    __table_args__ = (UniqueConstraint("round_id", "position",
                                       name="uq_practice_item_round_position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = parent_id("practice_round")
    position: Mapped[int] = mapped_column(Integer)
    lesson_id: Mapped[str] = mapped_column(String(80))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="SET NULL"))
    result: Mapped[str | None] = mapped_column(String(10))
    round: Mapped[PracticeRound] = relationship(back_populates="items")


class PracticeBox(Base):
    """Which Leitner box a scenario is in for a learner, and from which round on it is
    due again (see ``trainer.practice``)."""

    __tablename__ = "practice_box"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_id",
                                       name="uq_practice_box_learner_lesson"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(80))
    box: Mapped[int] = mapped_column(Integer, default=1)
    due_round: Mapped[int] = mapped_column(Integer, default=0)
    last_round: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


# --- What the union reports: teams, places, 1-to-1 help (issue 17; migration 0006) ---------

class Team(Base):
    """A youth team ("đội hình tình nguyện"): the union counts its work by team."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Place(Base):
    """A commune, ward or special zone of the province, as a pick-list an admin edits
    (seeded from ``trainer/data/places-*.yaml``), so that reports by commune add up."""

    __tablename__ = "place"
    __table_args__ = (UniqueConstraint("province", "name", name="uq_place_province_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(20), default="xã")  # phường, xã, đặc khu
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def label(self) -> str:
        """As people say it: "Phường Hồng Gai", "Xã Ba Chẽ", "Đặc khu Cô Tô"."""
        return f"{self.kind.capitalize()} {self.name}"


class SupportVisit(Base):
    """Help given one to one, door to door or at a counter, without a class: who (a name
    or initials and a birth year, as the person agreed), where, when, and what was done."""

    __tablename__ = "support_visit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = uid_column()
    volunteer_id: Mapped[int] = parent_id("volunteer")
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    person: Mapped[str] = mapped_column(String(60))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    commune: Mapped[str] = mapped_column(String(80), default="")
    kinds: Mapped[str] = mapped_column(String(200), default="")  # space-separated
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    volunteer: Mapped[Volunteer] = relationship()


# --- Kiosks per device and typed card codes (issue 17 items 6-7; migration 0009) ----------

class KioskDevice(Base):
    """One browser a volunteer turned into a shared kiosk. Its cookie holds a random token;
    only the token's hash is stored, and revoking the row turns the device back into an
    ordinary one at its next request."""

    __tablename__ = "kiosk_device"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_by: Mapped[Volunteer | None] = relationship()


class CardCode(Base):
    """The short code printed on a learner card, typed on a kiosk without a camera."""

    __tablename__ = "card_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"),
                                            unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    learner: Mapped[Learner] = relationship()

"""Database tables. Progress is keyed by lesson id and step id (never by step
number), so editing a lesson file keeps old progress meaningful."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Learner(Base):
    """Someone practising: known only by a random id in their browser's cookie."""

    __tablename__ = "learner"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[list[Attempt]] = relationship(back_populates="learner")


class Attempt(Base):
    """One go through a lesson; "start again" begins a new one, old ones stay."""

    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_learner_lesson", "learner_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
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
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"),
                                            index=True)
    step_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))  # answer, hint, show
    correct: Mapped[bool | None] = mapped_column(Boolean)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str] = mapped_column(String(80), default="")
    submission: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempt: Mapped[Attempt] = relationship(back_populates="events")

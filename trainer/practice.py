"""Scam practice: mixed rounds of scenarios with spaced repetition.

A *scenario* is a lesson in one of the scam topics (ids starting ``scams``).
A round plays, for ten scenarios drawn across the themes, the steps from the
first *judge* step on (judge → spot → act); reading steps are skipped.

Spaced repetition is a plain Leitner scheme, counted in rounds rather than
days (learners come to class irregularly):

* every scenario a learner has met sits in box 1, 2 or 3;
* played without a mistake it moves up one box, with any mistake (a wrong
  answer, a missed red flag, "show me") it goes back to box 1;
* a scenario in box 1 is due in the very next round, box 2 two rounds later,
  box 3 four rounds later.

A new round first takes the due scenarios the learner got wrong, then
scenarios never met, then other due ones, then (only if the library is
small) the ones due soonest, each time alternating between themes.

The module knows nothing of Flask; database helpers take a SQLAlchemy session.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer import progress
from trainer.classroom.charts import Bar, bars
from trainer.content.lesson import Judge, Lesson, Read, Spot, Step, Type
from trainer.models import (
    Attempt,
    Learner,
    PracticeBox,
    PracticeItem,
    PracticeRound,
    utcnow,
)
from trainer.progress import StepStatus

ROUND_SIZE = 10
TOP_BOX = 3
INTERVALS = {1: 1, 2: 2, 3: 4}  # box -> rounds until the scenario is due again


# --- Scenarios ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    lesson: Lesson
    steps: tuple[int, ...]  # indexes of the practised steps, in order

    @property
    def id(self) -> str:
        return self.lesson.id

    @property
    def theme(self) -> str:
        return self.lesson.topic

    @property
    def practised(self) -> list[Step]:
        return [self.lesson.steps[i] for i in self.steps]


def is_scam_topic(topic: str) -> bool:
    return topic.startswith("scams")


def practice_steps(lesson: Lesson) -> tuple[int, ...]:
    """The steps a round plays: from the first judge step on, every step that asks
    something (reading and typing steps are left to the lesson itself)."""
    first = next((i for i, s in enumerate(lesson.steps) if isinstance(s.interaction, Judge)),
                 None)
    if first is None:
        return ()
    return tuple(i for i in range(first, len(lesson.steps))
                 if not isinstance(lesson.steps[i].interaction, Read | Type))


def scenarios(lessons: Iterable[Lesson]) -> list[Scenario]:
    """Every lesson in a scam topic that has a judge step, in library order."""
    found = []
    for lesson in lessons:
        steps = practice_steps(lesson) if is_scam_topic(lesson.topic) else ()
        if steps:
            found.append(Scenario(lesson, steps))
    return found


# --- Leitner boxes ------------------------------------------------------------------------

@dataclass(frozen=True)
class BoxState:
    box: int
    due_round: int
    last_round: int

    @property
    def missed_last_time(self) -> bool:
        return self.box == 1


def next_box(state: BoxState | None, right: bool, round_number: int) -> BoxState:
    """Where a scenario goes after being played in ``round_number``."""
    if not right:
        box = 1
    else:
        box = min(TOP_BOX, (state.box if state else 1) + 1)
    return BoxState(box=box, due_round=round_number + INTERVALS[box], last_round=round_number)


def choose(pool: Sequence[Scenario], boxes: Mapping[str, BoxState], round_number: int,
           rng: random.Random, size: int = ROUND_SIZE) -> list[Scenario]:
    """Pick a round: see the module docstring for the order of preference."""
    def tier(s: Scenario) -> int:
        state = boxes.get(s.id)
        if state is None:
            return 1
        if state.due_round <= round_number:
            return 0 if state.missed_last_time else 2
        return 3

    def soonest(s: Scenario) -> tuple[int, int]:
        state = boxes.get(s.id)
        return (state.due_round, state.last_round) if state else (0, 0)

    picked: list[Scenario] = []
    for level in range(4):
        group = sorted((s for s in pool if tier(s) == level), key=soonest)
        picked += _across_themes(group, rng)[:size - len(picked)]
        if len(picked) >= size:
            break
    rng.shuffle(picked)
    return picked


def _across_themes(group: list[Scenario], rng: random.Random) -> list[Scenario]:
    """One scenario of each theme in turn (themes in random order), keeping each
    theme's own order, so a short round still mixes themes."""
    by_theme: dict[str, list[Scenario]] = {}
    for s in group:
        by_theme.setdefault(s.theme, []).append(s)
    themes = sorted(by_theme)
    rng.shuffle(themes)
    out: list[Scenario] = []
    while any(by_theme.values()):
        for theme in themes:
            if by_theme[theme]:
                out.append(by_theme[theme].pop(0))
    return out


# --- Scoring a scenario -------------------------------------------------------------------

@dataclass(frozen=True)
class ItemResult:
    finished: bool
    wrong_answers: int
    missed: frozenset[str]  # red flags the learner did not find
    shown: bool  # used "show me"

    @property
    def right(self) -> bool:
        return self.finished and not (self.wrong_answers or self.missed or self.shown)


NOT_STARTED = StepStatus(0, 0, False, False, frozenset())


def first_to_do(scenario: Scenario, statuses: Mapping[str, StepStatus]) -> int:
    """Where to resume a scenario: the number (from 1) of its first unfinished step."""
    keys = [s.key for s in scenario.practised]
    return next((n for n, key in enumerate(keys, 1)
                 if not statuses.get(key, NOT_STARTED).finished), len(keys))


def score(scenario: Scenario, statuses: Mapping[str, StepStatus]) -> ItemResult:
    """How a scenario went, from the status of each practised step (by step key)."""
    finished, wrong, shown = True, 0, False
    missed: set[str] = set()
    for step in scenario.practised:
        status = statuses.get(step.key, NOT_STARTED)
        finished &= status.finished
        wrong += status.wrong
        shown |= status.shown
        if isinstance(step.interaction, Spot) and status.finished:
            missed |= set(step.interaction.flags) - status.found
    return ItemResult(finished, wrong, frozenset(missed), shown)


# --- Storage ------------------------------------------------------------------------------

def boxes_for(db: Session, learner: Learner) -> dict[str, BoxState]:
    rows = db.scalars(select(PracticeBox).where(PracticeBox.learner_id == learner.id))
    return {r.lesson_id: BoxState(r.box, r.due_round, r.last_round) for r in rows}


def open_round(db: Session, learner: Learner | None) -> PracticeRound | None:
    """The learner's newest round if it is not finished yet ("Tiếp tục")."""
    if learner is None:
        return None
    newest = db.scalar(select(PracticeRound).where(PracticeRound.learner_id == learner.id)
                       .order_by(PracticeRound.id.desc()).limit(1))
    return newest if newest is not None and newest.finished_at is None else None


def get_round(db: Session, learner: Learner | None, round_id: int) -> PracticeRound | None:
    """A round, only if it belongs to this learner."""
    if learner is None:
        return None
    return db.scalar(select(PracticeRound).where(PracticeRound.id == round_id,
                                                 PracticeRound.learner_id == learner.id))


def start_round(db: Session, learner: Learner, pool: Sequence[Scenario],
                rng: random.Random, submission: str | None = None,
                size: int = ROUND_SIZE) -> PracticeRound:
    """A new round (the caller commits). Sending the same form twice returns the round
    the first one made; an unfinished older round is simply left behind."""
    if submission:
        same = db.scalar(select(PracticeRound).where(PracticeRound.learner_id == learner.id,
                                                     PracticeRound.submission == submission))
        if same is not None:
            return same
    number = (db.scalar(select(func.max(PracticeRound.number))
                        .where(PracticeRound.learner_id == learner.id)) or 0) + 1
    picked = choose(pool, boxes_for(db, learner), number, rng, max(1, size))
    new = PracticeRound(learner_id=learner.id, number=number, submission=submission)
    new.items = [PracticeItem(position=i, lesson_id=s.id) for i, s in enumerate(picked, 1)]
    try:
        with db.begin_nested():
            db.add(new)
    except IntegrityError:  # the same form, sent twice at once
        return db.scalar(select(PracticeRound).where(PracticeRound.learner_id == learner.id,
                                                     PracticeRound.submission == submission))
    return new


def item_attempt(db: Session, item: PracticeItem) -> Attempt | None:
    return db.get(Attempt, item.attempt_id) if item.attempt_id else None


def ensure_item_attempt(db: Session, item: PracticeItem) -> Attempt:
    """The attempt that records this scenario's answers, made on the first answer."""
    attempt = item_attempt(db, item)
    if attempt is None:
        lesson_id = f"practice:{item.lesson_id}"[:80]
        learner = db.get(Learner, item.round.learner_id)
        attempt = progress.start_attempt(db, learner, lesson_id, fresh=True)
        item.attempt_id = attempt.id
    return attempt


def finish_item(db: Session, item: PracticeItem, result: ItemResult | None) -> None:
    """Record how a scenario went (once) and move it between boxes; the round ends with
    its last scenario. ``None`` means the lesson is gone from the library."""
    if item.result is not None:
        return
    outcome = "gone" if result is None else "right" if result.right else "wrong"
    claimed = db.execute(update(PracticeItem)
                         .where(PracticeItem.id == item.id, PracticeItem.result.is_(None))
                         .values(result=outcome).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # the same scenario counted by a request sent twice at once
        db.refresh(item)
        return
    item.result = outcome
    round_ = item.round
    if result is not None:
        row = db.scalar(select(PracticeBox).where(PracticeBox.learner_id == round_.learner_id,
                                                  PracticeBox.lesson_id == item.lesson_id))
        old = BoxState(row.box, row.due_round, row.last_round) if row else None
        new = next_box(old, result.right, round_.number)
        if row is None:
            row = PracticeBox(learner_id=round_.learner_id, lesson_id=item.lesson_id)
            db.add(row)
        row.box, row.due_round, row.last_round = new.box, new.due_round, new.last_round
    if all(i.result is not None for i in round_.items):
        round_.finished_at = utcnow()


# --- History ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundScore:
    number: int
    day: object  # datetime.date
    right: int
    total: int


def history(db: Session, learner: Learner | None, limit: int = 10) -> list[RoundScore]:
    """The learner's finished rounds, oldest first (the last ``limit`` of them)."""
    if learner is None:
        return []
    rounds = db.scalars(select(PracticeRound).where(PracticeRound.learner_id == learner.id,
                                                    PracticeRound.finished_at.is_not(None))
                        .order_by(PracticeRound.number.desc()).limit(limit)).all()
    out = []
    for r in reversed(rounds):
        played = [i for i in r.items if i.result in ("right", "wrong")]
        out.append(RoundScore(r.number, r.started_at.date(),
                              sum(i.result == "right" for i in played), len(played)))
    return out


def chart(scores: Sequence[RoundScore]) -> list[Bar]:
    """The score chart: the share right in each round."""
    return bars([(str(s.number), s.right / s.total if s.total else 0, f"{s.right}/{s.total}")
                 for s in scores], 320, 160, top=22, bottom=24, scale=1, min_height=2)

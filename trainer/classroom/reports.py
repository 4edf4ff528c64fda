"""What the union reports, the way it reports it: classes held (with at least one person),
activities, **distinct people supported** (a person counts once however many classes they
came to), 1-to-1 help, lessons completed and age groups, by commune, team, volunteer and
week; completion per class; the steps learners miss most, counted within each class's own
day; and the same figures as CSV (the user's separator) and xlsx. Plain functions.

People: a learner in a class is one person by their id (cookie or card), however many
classes and laptops they came to (``classroom.archive`` keeps that id). A 1-to-1 visit
records a name or initials, a birth year and a commune; visits with the same three count
as one person. The two cannot be told apart, so someone helped at home and in a class
counts twice: the report says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.classroom.charts import Bar, bars
from trainer.content.text import fold
from trainer.models import (
    Attempt,
    ClassMember,
    ClassSession,
    StepEvent,
    SupportVisit,
    Team,
    Volunteer,
)

AGE_GROUPS = ("under-60", "60-69", "70-79", "80+", "unknown")
VISIT_KINDS = ("vneid-register", "vneid-activate", "level2-appointment", "dossier",
               "public-service", "scam-advice", "other")
EARLIEST = dt.date(2020, 1, 1)  # before Tập Số: a typo, not a report
LONGEST = dt.timedelta(days=3 * 366)


class RangeError(ValueError):
    """A date range no report can be made for; ``reason`` says why in a word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def date_range(start: str, end: str, today: dt.date) -> tuple[dt.date, dt.date, bool]:
    """The days a report covers, from what was typed: empty means this month; a reversed
    range is turned round (the third value says so). Raises ``RangeError`` for a day that
    is not a date, before 2020, after today, or a range longer than three years."""
    try:
        first = dt.date.fromisoformat(start[:10]) if start else today.replace(day=1)
        last = dt.date.fromisoformat(end[:10]) if end else today
    except ValueError as exc:
        raise RangeError("not-a-date") from exc
    swapped = last < first
    if swapped:
        first, last = last, first
    if first < EARLIEST or last > today + dt.timedelta(days=1):
        raise RangeError("out-of-range")
    if last - first > LONGEST:
        raise RangeError("too-long")
    return first, last, swapped


def age_group(birth_year: int | None, on: dt.date) -> str:
    if not birth_year:
        return "unknown"
    age = on.year - birth_year
    return ("under-60" if age < 60 else "60-69" if age < 70 else "70-79" if age < 80
            else "80+")


@dataclass(frozen=True)
class Filters:
    """Which work a report covers. A volunteer who is not an admin sees only their own."""

    start: dt.date
    end: dt.date
    place: str = ""  # part of a commune or village name, any case, with or without accents
    team_id: int | None = None
    volunteer_id: int | None = None


@dataclass(frozen=True)
class ClassLine:
    held_on: dt.date
    title: str
    place: str
    volunteer: str
    team: str
    learners: int
    completed: int  # members who finished every lesson planned for the class
    planned: int


@dataclass(frozen=True)
class Row:
    """One line of a breakdown (a commune, a team, a volunteer or a week)."""

    label: str
    classes: int = 0
    one_to_one: int = 0
    people: int = 0

    @property
    def activities(self) -> int:
        return self.classes + self.one_to_one


@dataclass(frozen=True)
class Report:
    filters: Filters
    classes: list[ClassLine]  # every class in range, empty ones too (not counted as held)
    learners: int  # distinct people in classes
    visit_people: int  # distinct people helped 1-to-1
    one_to_one: int  # 1-to-1 sessions
    lessons_completed: int
    steps_practised: int
    ages: dict[str, int]
    by_commune: list[Row]
    by_team: list[Row]
    by_volunteer: list[Row]
    by_week: list[Row]
    most_missed: list[tuple[str, str, int]]  # lesson id, step key, wrong answers
    visit_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        return self.filters.start

    @property
    def end(self) -> dt.date:
        return self.filters.end

    @property
    def place(self) -> str:
        return self.filters.place

    @property
    def classes_held(self) -> int:
        return sum(1 for c in self.classes if c.learners)

    @property
    def activities(self) -> int:
        return self.classes_held + self.one_to_one

    @property
    def people(self) -> int:
        """Distinct people supported, in classes and 1-to-1."""
        return self.learners + self.visit_people


def _place_matches(wanted: str, *names: str) -> bool:
    return not wanted or wanted in fold(" ".join(n for n in names if n))


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _visit_person(v: SupportVisit) -> tuple[str, int | None, str]:
    return (fold(v.person), v.birth_year, fold(v.commune))


def build(db: Session, volunteer: Volunteer, filters: Filters) -> Report:
    """The report over the work this volunteer may see (an admin: everyone's)."""
    who = filters.volunteer_id if volunteer.role == "admin" else volunteer.id
    wanted = fold(" ".join(filters.place.split()))
    teams = {t.id: t.name for t in db.scalars(select(Team))}

    def allowed(v: Volunteer) -> bool:
        return (who is None or v.id == who) and (
            filters.team_id is None or v.team_id == filters.team_id)

    classes = [c for c in db.scalars(
        select(ClassSession).where(ClassSession.held_on >= filters.start,
                                   ClassSession.held_on <= filters.end)
        .order_by(ClassSession.held_on, ClassSession.id))
        if allowed(c.volunteer) and _place_matches(wanted, c.commune, c.village)]
    visits = [v for v in db.scalars(
        select(SupportVisit).where(SupportVisit.held_on >= filters.start,
                                   SupportVisit.held_on <= filters.end)
        .order_by(SupportVisit.held_on, SupportVisit.id))
        if allowed(v.volunteer) and _place_matches(wanted, v.commune)]

    members = db.execute(select(ClassMember.class_id, ClassMember.learner_id,
                                ClassMember.birth_year)
                         .where(ClassMember.class_id.in_([c.id for c in classes]))).all()
    by_class: dict[int, set[int]] = defaultdict(set)
    birth: dict[int, int | None] = {}
    for class_id, learner_id, year in members:
        by_class[class_id].add(learner_id)
        birth[learner_id] = year or birth.get(learner_id)
    learner_ids = set(birth)

    finished = _finished(db, learner_ids, filters)
    lines = []
    for c in classes:
        planned = c.lessons.split()
        done = sum(1 for learner in by_class[c.id]
                   if planned and all((learner, x) in finished for x in planned))
        lines.append(ClassLine(c.held_on, c.title, ", ".join(x for x in (c.village, c.commune)
                                                             if x),
                               c.volunteer.display_name or c.volunteer.username,
                               teams.get(c.volunteer.team_id, ""), len(by_class[c.id]), done,
                               len(planned)))

    visit_people = {_visit_person(v) for v in visits}
    ages = Counter(age_group(birth[x], filters.end) for x in learner_ids)
    ages.update(age_group(year, filters.end) for _, year, _ in visit_people)
    kinds = Counter(k for v in visits for k in v.kinds.split())

    def breakdown(key: Callable[[object], str]) -> list[Row]:
        held = defaultdict(int)
        people: dict[str, set] = defaultdict(set)
        one = defaultdict(int)
        for c in classes:
            if by_class[c.id]:
                held[key(c)] += 1
                people[key(c)] |= {("learner", x) for x in by_class[c.id]}
        for v in visits:
            one[key(v)] += 1
            people[key(v)].add(("visit", *_visit_person(v)))
        labels = sorted(set(held) | set(one), key=lambda k: (k == "", fold(k)))
        return [Row(k, held[k], one[k], len(people[k])) for k in labels]

    def commune(x) -> str:  # noqa: ANN001 - a class or a visit
        return " ".join((x.commune or "").split())

    def team(x) -> str:  # noqa: ANN001
        return teams.get(x.volunteer.team_id, "")

    def person(x) -> str:  # noqa: ANN001
        return x.volunteer.display_name or x.volunteer.username

    def week(x) -> str:  # noqa: ANN001
        return _week(x.held_on).isoformat()

    completed, practised = _practice(db, learner_ids, filters)
    return Report(filters, lines, len(learner_ids), len(visit_people), len(visits), completed,
                  practised, {g: ages.get(g, 0) for g in AGE_GROUPS},
                  breakdown(commune), breakdown(team), breakdown(person), breakdown(week),
                  _most_missed(db, classes, by_class), dict(kinds))


def _bounds(filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime.combine(filters.start, dt.time.min),
            dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min))


def _finished(db: Session, learners: set[int], filters: Filters) -> set[tuple[int, str]]:
    """(learner, lesson) pairs finished by the end of the range."""
    if not learners:
        return set()
    _, until = _bounds(filters)
    return {(learner, lesson) for learner, lesson in db.execute(
        select(Attempt.learner_id, Attempt.lesson_id).where(
            Attempt.learner_id.in_(learners), Attempt.finished_at.is_not(None),
            Attempt.finished_at < until))}


def _practice(db: Session, learners: set[int], filters: Filters) -> tuple[int, int]:
    """Lessons completed and distinct steps done in the range by these learners."""
    if not learners:
        return 0, 0
    since, until = _bounds(filters)
    completed = len(db.execute(select(Attempt.id).where(
        Attempt.learner_id.in_(learners), Attempt.finished_at >= since,
        Attempt.finished_at < until)).all())
    steps = {tuple(row) for row in db.execute(
        select(StepEvent.attempt_id, StepEvent.step_key)
        .join(Attempt, Attempt.id == StepEvent.attempt_id)
        .where(Attempt.learner_id.in_(learners), StepEvent.finished.is_(True),
               StepEvent.created_at >= since, StepEvent.created_at < until))}
    return completed, len(steps)


def _most_missed(db: Session, classes: list[ClassSession],
                 by_class: dict[int, set[int]]) -> list[tuple[str, str, int]]:
    """Wrong answers per step, each class counting only its own members on its own day,
    so one volunteer's report never shows another class's mistakes (an answer counts
    once, even for a learner in two classes that day)."""
    wrong: dict[int, tuple[str, str]] = {}
    for c in classes:
        if not by_class[c.id]:
            continue
        day = dt.datetime.combine(c.held_on, dt.time.min)
        for event_id, lesson, step in db.execute(
                select(StepEvent.id, Attempt.lesson_id, StepEvent.step_key)
                .join(Attempt, Attempt.id == StepEvent.attempt_id)
                .where(Attempt.learner_id.in_(by_class[c.id]), StepEvent.kind == "answer",
                       StepEvent.correct.is_(False), StepEvent.created_at >= day,
                       StepEvent.created_at < day + dt.timedelta(days=1))):
            wrong[event_id] = (lesson, step)
    ranked = sorted(Counter(wrong.values()).items(), key=lambda item: (-item[1], item[0]))
    return [(lesson, step, n) for (lesson, step), n in ranked[:10]]


# --- downloads ------------------------------------------------------------------------------

def _cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula (names and titles are untrusted)."""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "|") else text


Sheet = tuple[str, list[list[object]]]


def sheets(report: Report, labels: dict[str, str],
           step_title: Callable[[str, str], tuple[str, str]]) -> list[Sheet]:
    """The report as tables, the same for CSV (one after another) and xlsx (one sheet
    each). ``step_title(lesson_id, step_key)`` gives the lesson's and the step's titles."""
    def rows(breakdown: list[Row], first: str) -> list[list[object]]:
        return [[first, labels["classes"], labels["one_to_one"], labels["activities"],
                 labels["people"]],
                *[[r.label or labels["none"], r.classes, r.one_to_one, r.activities, r.people]
                  for r in breakdown]]

    summary = [
        [labels["from"], report.start.isoformat()], [labels["to"], report.end.isoformat()],
        [labels["place"], report.place],
        [labels["classes"], report.classes_held], [labels["one_to_one"], report.one_to_one],
        [labels["activities"], report.activities], [labels["people"], report.people],
        [labels["learners"], report.learners], [labels["visit_people"], report.visit_people],
        [labels["lessons"], report.lessons_completed], [labels["steps"], report.steps_practised],
        *[[labels[f"age:{g}"], report.ages[g]] for g in AGE_GROUPS],
    ]
    classes = [[labels["date"], labels["class"], labels["place"], labels["volunteer"],
                labels["team"], labels["learners"], labels["completed"]],
               *[[c.held_on.isoformat(), c.title, c.place, c.volunteer, c.team, c.learners,
                  c.completed] for c in report.classes]]
    missed = [[labels["lesson"], labels["step"], labels["wrong"]],
              *[[*step_title(lesson, step), n] for lesson, step, n in report.most_missed]]
    return [(labels["summary"], summary),
            (labels["by_commune"], rows(report.by_commune, labels["place"])),
            (labels["by_team"], rows(report.by_team, labels["team"])),
            (labels["by_volunteer"], rows(report.by_volunteer, labels["volunteer"])),
            (labels["by_week"], rows(report.by_week, labels["week"])),
            (labels["classes_sheet"], classes),
            (labels["missed"], missed)]


def to_csv(tables: Iterable[Sheet], delimiter: str = ",") -> str:
    """UTF-8 with a BOM, so Excel shows Vietnamese correctly; ``;`` where the regional
    settings (Vietnamese among them) use the comma for decimals."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for title, rows in tables:
        writer.writerow([_cell(title)])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        writer.writerow([])
    return "\ufeff" + out.getvalue()


def to_xlsx(tables: Iterable[Sheet]) -> bytes:
    """One sheet per table; text is stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in tables:
        sheet = book.create_sheet(title=title[:31].translate(str.maketrans("[]:*?/\\", "       ")))
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                cell.value = value if isinstance(value, int | float) else str(value)
                if isinstance(value, str):
                    cell.data_type = "s"  # "=…" stays text, not a formula
                if r == 1:
                    cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max((len(str(c.value or "")) for c in column), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_bars(report: Report) -> list[Bar]:
    """Bars for "people supported per commune" (at most 12 communes)."""
    rows = sorted(report.by_commune, key=lambda r: -r.people)[:12]
    return bars([(r.label[:14] or "—", r.people, str(r.people)) for r in rows],
                800, 320, left=40, right=40, top=40, bottom=40)

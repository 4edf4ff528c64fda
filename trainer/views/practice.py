"""Scam practice rounds: ten scenarios across themes, the ones a learner got wrong
coming back later (``trainer.practice``), a score history and the golden rules.

Steps are drawn and checked by the lessons' own machinery (``screens.render``,
``answers.check``, ``progress``); only the addresses and the counting differ.
"""

from __future__ import annotations

import random
import uuid

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from trainer import practice, progress, web
from trainer.answers import check
from trainer.content.scam_rules import RULES
from trainer.models import PracticeItem, PracticeRound
from trainer.progress import StepStatus
from trainer.screens.render import step_context

bp = Blueprint("practice", __name__, url_prefix="/practice")


def _pool() -> list[practice.Scenario]:
    return practice.scenarios(web.library().listing(str(get_locale())))


@bp.get("/")
def index():
    db = web.get_db()
    learner = web.current_learner()
    scores = practice.history(db, learner)
    return web.render("practice/index.html", "practice/index.html", pool=_pool(),
                      open_round=practice.open_round(db, learner), scores=scores,
                      bars=practice.chart(scores), sid=uuid.uuid4().hex)


@bp.post("/start")
def start():
    pool = _pool()
    if not pool:
        abort(404)
    db = web.get_db()
    new = practice.start_round(db, web.ensure_learner(), pool, random.Random(),
                               web.submitted_id(),
                               size=current_app.config["PRACTICE_ROUND_SIZE"])
    db.commit()
    return redirect(url_for(".resume", round_id=new.id), code=303)


@bp.get("/<int:round_id>")
def resume(round_id: int):
    """The first scenario not played yet, or the round's end."""
    round_ = _round(round_id)
    item = next((i for i in round_.items if i.result is None), None)
    if item is None:
        return redirect(url_for(".end", round_id=round_.id))
    scenario = _scenario(item.lesson_id)
    if scenario is None:
        return redirect(url_for(".following", round_id=round_.id, position=item.position))
    number = practice.first_to_do(scenario, _statuses(item, scenario))
    return redirect(url_for(".step", round_id=round_.id, position=item.position, number=number))


@bp.get("/<int:round_id>/<int:position>/<int:number>")
def step(round_id: int, position: int, number: int):
    round_, item, scenario, index = _locate(round_id, position, number)
    return _render(round_, item, scenario, number)


@bp.post("/<int:round_id>/<int:position>/<int:number>")
def answer(round_id: int, position: int, number: int):
    round_, item, scenario, index = _locate(round_id, position, number)
    step = scenario.lesson.steps[index]
    submission = web.read_submission()
    db = web.get_db()
    attempt = practice.ensure_item_attempt(db, item)
    found = progress.step_status(db, attempt, step).found
    verdict = check(step, submission, scenario.lesson.card, found)
    if verdict.counts:
        progress.record(db, attempt, step, "answer", verdict, web.submitted_id())
    db.commit()
    keep = submission.text if verdict.keeps_text else None
    return _render(round_, item, scenario, number, verdict=verdict, typed=keep)


@bp.post("/<int:round_id>/<int:position>/<int:number>/<any(hint,show):kind>")
def helped(round_id: int, position: int, number: int, kind: str):
    round_, item, scenario, index = _locate(round_id, position, number)
    db = web.get_db()
    attempt = practice.ensure_item_attempt(db, item)
    progress.record(db, attempt, scenario.lesson.steps[index], kind, submission=web.submitted_id())
    db.commit()
    return _render(round_, item, scenario, number, asked=kind)


@bp.get("/<int:round_id>/<int:position>/next")
def following(round_id: int, position: int):
    """After a scenario's last step: count it (once), then go on."""
    round_ = _round(round_id)
    item = _item(round_, position)
    scenario = _scenario(item.lesson_id)
    db = web.get_db()
    if scenario is None:
        practice.finish_item(db, item, None)
    else:
        result = _result(item, scenario)
        if not result.finished:  # came here early: back to the unfinished step
            return redirect(url_for(".resume", round_id=round_.id))
        practice.finish_item(db, item, result)
    db.commit()
    return redirect(url_for(".resume", round_id=round_.id))


@bp.get("/<int:round_id>/end")
def end(round_id: int):
    round_ = _round(round_id)
    if round_.finished_at is None:
        return redirect(url_for(".resume", round_id=round_.id))
    db = web.get_db()
    scores = practice.history(db, web.current_learner())
    played = [(i, _scenario(i.lesson_id)) for i in round_.items if i.result in ("right", "wrong")]
    played = [(i, s) for i, s in played if s is not None]
    return web.render("practice/end.html", "practice/end.html", round=round_, played=played,
                      right=sum(i.result == "right" for i, _s in played), total=len(played),
                      missed=[s for i, s in played if i.result == "wrong"], scores=scores,
                      bars=practice.chart(scores), rules=RULES, sid=uuid.uuid4().hex)


@bp.get("/rules")
def rules():
    """The golden rules as a handout to print."""
    return web.render("practice/rules.html", "practice/rules.html", rules=RULES)


# --- helpers ------------------------------------------------------------------------------

def _round(round_id: int) -> PracticeRound:
    found = practice.get_round(web.get_db(), web.current_learner(), round_id)
    if found is None:
        abort(404)
    return found


def _item(round_: PracticeRound, position: int) -> PracticeItem:
    item = next((i for i in round_.items if i.position == position), None)
    if item is None:
        abort(404)
    return item


def _scenario(lesson_id: str) -> practice.Scenario | None:
    lesson = web.library().get(lesson_id, str(get_locale()))
    found = practice.scenarios([lesson]) if lesson is not None else []
    return found[0] if found else None


def _locate(round_id: int, position: int, number: int):
    round_ = _round(round_id)
    item = _item(round_, position)
    scenario = _scenario(item.lesson_id)
    if scenario is None:  # the lesson was removed: skip it
        return abort(redirect(url_for(".following", round_id=round_id, position=position)))
    if not 1 <= number <= len(scenario.steps):
        abort(404)
    return round_, item, scenario, scenario.steps[number - 1]


def _statuses(item: PracticeItem, scenario: practice.Scenario) -> dict[str, StepStatus]:
    db = web.get_db()
    attempt = practice.item_attempt(db, item)
    return {s.key: progress.step_status(db, attempt, s) for s in scenario.practised}


def _result(item: PracticeItem, scenario: practice.Scenario) -> practice.ItemResult:
    return practice.score(scenario, _statuses(item, scenario))


def _render(round_: PracticeRound, item: PracticeItem, scenario: practice.Scenario,
            number: int, **answer):
    db = web.get_db()
    index = scenario.steps[number - 1]
    lesson = scenario.lesson
    status = progress.step_status(db, practice.item_attempt(db, item), lesson.steps[index])
    context = step_context(lesson, index, status, **answer)
    here = dict(round_id=round_.id, position=item.position, number=number)
    last = number == len(scenario.steps)
    more = item.position < len(round_.items)
    context.update(
        number=number, total=len(scenario.steps),
        last_label=_("Tình huống tiếp theo") if more else _("Xem kết quả"),
        following=(url_for(".following", round_id=round_.id, position=item.position) if last
                   else url_for(".step", **{**here, "number": number + 1})),
        urls={"answer": url_for(".answer", **here),
              "hint": url_for(".helped", kind="hint", **here),
              "show": url_for(".helped", kind="show", **here),
              "nudge": None},
    )
    return web.render("practice/play.html", "_step.html", round=round_, item=item,
                      **context)

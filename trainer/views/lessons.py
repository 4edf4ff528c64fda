"""Playing a lesson (``/lessons``): one step per page, answers checked on the server.

Every response works as a whole page (plain form posts, for kiosk browsers without
JavaScript) and as an htmx fragment that replaces only ``#step``. Checking lives in
``answers``, storing in ``progress``, drawing in ``screens.render``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, send_from_directory, url_for
from flask_babel import get_locale

from trainer import progress, web
from trainer.answers import Verdict, check
from trainer.classroom import classes
from trainer.content.lesson import Lesson, Step
from trainer.models import Attempt
from trainer.screens.render import resume_url, step_context

bp = Blueprint("lessons", __name__, url_prefix="/lessons")


@bp.get("/<lesson_id>")
def start(lesson_id: str):
    """Resume at the first unfinished step ("Học tiếp"), or the end page."""
    return redirect(resume_url(_lesson(lesson_id)))


@bp.get("/<lesson_id>/<int:number>")
def step(lesson_id: str, number: int):
    lesson = _lesson(lesson_id)
    index, _ = _step(lesson, number)
    web.reserve_learner_id()  # a double-tapped first answer then names one learner
    return _render_step(lesson, index, progress.current_attempt(web.get_db(), web.current_learner(),
                                                                lesson.id))


@bp.post("/<lesson_id>/<int:number>")
def answer(lesson_id: str, number: int):
    lesson = _lesson(lesson_id)
    index, step = _step(lesson, number)
    submission = web.read_submission()
    db = web.get_db()
    attempt = _attempt(lesson)
    found = progress.step_status(db, attempt, step).found
    verdict = check(step, submission, lesson.card, found)
    if verdict.counts:
        progress.record(db, attempt, step, "answer", verdict, web.submitted_id(), lesson)
    db.commit()
    keep = submission.text if verdict.keeps_text else None
    return _render_step(lesson, index, attempt, verdict=verdict, typed=keep)


@bp.post("/<lesson_id>/<int:number>/<any(hint,show):kind>")
def helped(lesson_id: str, number: int, kind: str):
    """A hint or "Cho tôi xem": recorded, then the step drawn with it."""
    lesson = _lesson(lesson_id)
    index, step = _step(lesson, number)
    db = web.get_db()
    attempt = _attempt(lesson)
    progress.record(db, attempt, step, kind, submission=web.submitted_id())
    db.commit()
    return _render_step(lesson, index, attempt, asked=kind)


@bp.get("/<lesson_id>/<int:number>/nudge")
def nudge(lesson_id: str, number: int):
    """Offered after a quiet minute: a gentle question, never a time limit."""
    lesson = _lesson(lesson_id)
    index, step = _step(lesson, number)
    return web.render("_nudge.html", "_nudge.html", lesson=lesson, step=step, number=number,
                      sid=uuid.uuid4().hex)


@bp.post("/<lesson_id>/restart")
def restart(lesson_id: str):
    lesson = _lesson(lesson_id)
    db = web.get_db()
    progress.start_attempt(db, web.ensure_learner(), lesson.id)
    db.commit()
    return redirect(url_for(".step", lesson_id=lesson.id, number=1), code=303)


@bp.get("/<lesson_id>/done")
def done(lesson_id: str):
    lesson = _lesson(lesson_id)
    db = web.get_db()
    learner = web.current_learner()
    attempt = progress.current_attempt(db, learner, lesson.id)
    state = progress.lesson_progress(lesson, progress.finished_steps(db, attempt),
                                     attempt is not None)
    listing = web.library().listing(str(get_locale()))
    states = progress.progress_for(db, learner, listing)
    following = progress.suggested_next(listing, states, after=lesson.id)
    member = web.class_membership()  # in a class, the next lesson is the class plan's
    planned = classes.next_planned(member.klass, lesson.id) if member else None
    if planned and web.library().get(planned, str(get_locale())):
        following = web.library().get(planned, str(get_locale()))
    return web.render("done.html", "done.html", lesson=lesson, state=state, following=following)


@bp.get("/audio/<path:filename>")
def audio(filename: str):
    """A recording the lesson author made for a step (lessons/audio/)."""
    return send_from_directory(Path(current_app.config["LESSONS_DIR"]) / "audio", filename)


def _lesson(lesson_id: str) -> Lesson:
    lesson = web.library().get(lesson_id, str(get_locale()))
    if lesson is None:
        abort(404)
    return lesson


def _step(lesson: Lesson, number: int) -> tuple[int, Step]:
    if not 1 <= number <= len(lesson.steps):
        abort(404)
    return number - 1, lesson.steps[number - 1]


def _attempt(lesson: Lesson) -> Attempt:
    """The learner's current go through the lesson; the first answer starts one."""
    db = web.get_db()
    learner = web.ensure_learner()
    return progress.first_attempt(db, learner, lesson.id)


def _render_step(lesson: Lesson, index: int, attempt: Attempt | None,
                 verdict: Verdict | None = None, typed: str | None = None,
                 asked: str | None = None):
    status = progress.step_status(web.get_db(), attempt, lesson.steps[index])
    return web.render("step.html", "_step.html",
                      **step_context(lesson, index, status, verdict, typed, asked))

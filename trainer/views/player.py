"""Playing a lesson: one step per page, answers checked on the server.

Every response works as a whole page (plain form posts, for kiosk browsers
without JavaScript) and as an htmx fragment that replaces only ``#step``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from markupsafe import Markup

from trainer import progress
from trainer.answers import MAX_TEXT, Submission, Verdict, accepted_answers, check
from trainer.lesson import Choose, Judge, Lesson, Read, Spot, Step, Tap, Type
from trainer.models import Attempt
from trainer.practice_card import CARDS
from trainer.screens import SCREENS, ScreenUI
from trainer.web import current_learner, ensure_learner, get_db, library, render, render_kept

bp = Blueprint("player", __name__, url_prefix="/lessons")

SHOW_ME_AFTER = 3  # wrong answers before "show me" is offered (one per hint)
MAX_FIELD = 80


def _lesson(lesson_id: str) -> Lesson:
    lesson = library().get(lesson_id, str(get_locale()))
    if lesson is None:
        abort(404)
    return lesson


def _step(lesson: Lesson, number: int) -> tuple[int, Step]:
    if not 1 <= number <= len(lesson.steps):
        abort(404)
    return number - 1, lesson.steps[number - 1]


@bp.get("/<lesson_id>")
def start(lesson_id: str):
    """Resume at the first unfinished step ("Học tiếp"), or the end page."""
    return redirect(resume_url(_lesson(lesson_id)))


def resume_url(lesson: Lesson) -> str:
    """Where this learner goes on in ``lesson``: the first unfinished step, or the end
    page. Joining a class sends a phone straight there (one round trip fewer)."""
    db = get_db()
    attempt = progress.current_attempt(db, current_learner(), lesson.id)
    state = progress.lesson_progress(lesson, progress.finished_steps(db, attempt),
                                     attempt is not None)
    if state.finished:
        return url_for("player.done", lesson_id=lesson.id)
    return url_for("player.step", lesson_id=lesson.id, number=state.resume + 1)


@bp.get("/<lesson_id>/<int:number>")
def step(lesson_id: str, number: int):
    lesson = _lesson(lesson_id)
    index, _ = _step(lesson, number)
    return _render_step(lesson, index, progress.current_attempt(get_db(), current_learner(),
                                                                lesson.id))


@bp.post("/<lesson_id>/<int:number>")
def answer(lesson_id: str, number: int):
    lesson = _lesson(lesson_id)
    index, step = _step(lesson, number)
    submission = read_submission(step)
    db = get_db()
    learner = ensure_learner()
    attempt = progress.current_attempt(db, learner, lesson.id) or progress.start_attempt(
        db, learner, lesson.id)
    found = progress.step_status(db, attempt, step).found
    verdict = check(step, submission, lesson.card, found)
    if verdict.counts:
        progress.record(db, attempt, step, "answer", verdict, _sid(), lesson)
    db.commit()
    keep = submission.text if verdict.reason in ("wrong", "empty") else None
    return _render_step(lesson, index, attempt, verdict=verdict, typed=keep)


@bp.post("/<lesson_id>/<int:number>/hint")
def hint(lesson_id: str, number: int):
    return _help(lesson_id, number, "hint")


@bp.post("/<lesson_id>/<int:number>/show")
def show(lesson_id: str, number: int):
    return _help(lesson_id, number, "show")


@bp.get("/<lesson_id>/<int:number>/nudge")
def nudge(lesson_id: str, number: int):
    """Offered after a quiet minute: a gentle question, never a time limit."""
    lesson = _lesson(lesson_id)
    index, step = _step(lesson, number)
    return render("partials/nudge.html", "partials/nudge.html", lesson=lesson, step=step,
                  number=number, sid=uuid.uuid4().hex)


@bp.post("/<lesson_id>/restart")
def restart(lesson_id: str):
    lesson = _lesson(lesson_id)
    db = get_db()
    progress.start_attempt(db, ensure_learner(), lesson.id)
    db.commit()
    return redirect(url_for(".step", lesson_id=lesson.id, number=1), code=303)


@bp.get("/<lesson_id>/done")
def done(lesson_id: str):
    lesson = _lesson(lesson_id)
    db = get_db()
    learner = current_learner()
    attempt = progress.current_attempt(db, learner, lesson.id)
    state = progress.lesson_progress(lesson, progress.finished_steps(db, attempt),
                                     attempt is not None)
    listing = library().listing(str(get_locale()))
    states = progress.progress_for(db, learner, listing)
    following = next((x for x in listing if x.topic == lesson.topic and x.id != lesson.id
                      and not states[x.id].finished), None)
    return render("done.html", "done.html", lesson=lesson, state=state, following=following)


@bp.get("/audio/<path:filename>")
def audio(filename: str):
    """A recording the lesson author made for a step (lessons/audio/)."""
    return send_from_directory(Path(current_app.config["LESSONS_DIR"]) / "audio", filename)


def _help(lesson_id: str, number: int, kind: str):
    lesson = _lesson(lesson_id)
    index, step = _step(lesson, number)
    db = get_db()
    learner = ensure_learner()
    attempt = progress.current_attempt(db, learner, lesson.id) or progress.start_attempt(
        db, learner, lesson.id)
    progress.record(db, attempt, step, kind, submission=_sid())
    db.commit()
    return _render_step(lesson, index, attempt, asked=kind)


def _sid() -> str | None:
    sid = request.form.get("sid", "")
    return sid[:40] if sid else None


def read_submission(step: Step) -> Submission:
    """Read the form; a missing or oversized field is a 400, never a crash."""
    form = request.form
    fields = {k: form.getlist(k) for k in ("target", "answer", "option", "judge", "done")}
    if not any(fields.values()):
        abort(400)
    if any(len(v) > MAX_FIELD for k, vs in fields.items() if k != "answer" for v in vs):
        abort(400)
    if any(len(v) > MAX_TEXT for v in fields["answer"]) or len(fields["option"]) > 20:
        abort(413)
    first = {k: (vs[0] if vs else None) for k, vs in fields.items()}
    return Submission(target=first["target"], text=first["answer"],
                      options=tuple(fields["option"]), judgement=first["judge"],
                      done=first["done"] == "1")


def _render_step(lesson: Lesson, index: int, attempt: Attempt | None,
                 verdict: Verdict | None = None, typed: str | None = None,
                 asked: str | None = None):
    status = progress.step_status(get_db(), attempt, lesson.steps[index])
    return render("step.html", "partials/step.html",
                  **step_context(lesson, index, status, verdict, typed, asked))


def step_context(lesson: Lesson, index: int, status: progress.StepStatus,
                 verdict: Verdict | None = None, typed: str | None = None,
                 asked: str | None = None) -> dict:
    """Everything ``partials/step.html`` needs; no database, so the authors' preview
    draws a step exactly as a learner sees it."""
    step = lesson.steps[index]
    helped = status.wrong + status.hints
    hints = step.hints[:min(len(step.hints), helped)]
    interaction = step.interaction
    showing = status.shown
    offer_show = not showing and (status.wrong >= SHOW_ME_AFTER or
                                  (helped > 0 and len(hints) == len(step.hints)))
    if isinstance(interaction, Spot) and verdict is None and status.finished:
        reveal = frozenset(interaction.flags) - status.found
    else:
        reveal = verdict.missed if verdict else frozenset()
    ui = ScreenUI(
        taps=True,
        highlight=interaction.target if isinstance(interaction, Tap) and showing else None,
        found=status.found if isinstance(interaction, Spot) else frozenset(),
        reveal=frozenset(interaction.flags) if isinstance(interaction, Spot) and showing
        else reveal,
        field=interaction.field if isinstance(interaction, Type) else None,
        value=typed or "",
        show_answer=_shown_answer(lesson, interaction) if showing else "",
        spot=isinstance(interaction, Spot),
    )
    number = index + 1
    finished = status.finished or bool(verdict and verdict.finished)
    following = (url_for("player.step", lesson_id=lesson.id, number=number + 1)
                 if number < len(lesson.steps) else url_for("player.done", lesson_id=lesson.id))
    return dict(
        lesson=lesson, step=step, number=number, total=len(lesson.steps), ui=ui,
        card=CARDS[lesson.card], status=status, verdict=verdict, hints=hints,
        offer_show=offer_show, showing=showing, asked=asked, finished=finished,
        following=following, sid=uuid.uuid4().hex, kind=interaction.kind,
        interaction=interaction, is_choose=isinstance(interaction, Choose),
        is_judge=isinstance(interaction, Judge), is_read=isinstance(interaction, Read),
        is_spot=isinstance(interaction, Spot),
        needs_card=isinstance(interaction, Type) and bool(interaction.card),
    )


@bp.app_template_global()
def draw_screen(lesson: Lesson, index: int, ui: ScreenUI, finished: bool = False) -> Markup:
    """Step ``index``'s simulated screen, drawn as ``ui`` says. It depends only on the
    lesson file, the language and ``ui``, never on who is looking, so it is kept; a screen
    showing what someone typed is drawn fresh."""
    step = lesson.steps[index]
    screen = SCREENS[step.screen]

    def draw() -> str:
        return render_template(screen.template, lesson=lesson, step=step, screen=screen,
                               s=lesson.state_at(index), ui=ui, card=CARDS[lesson.card],
                               finished=finished, interaction=step.interaction,
                               kind=step.interaction.kind)

    if ui.value:
        return Markup(draw())
    return render_kept(lesson, ("screen", index, ui, finished), draw)


def _shown_answer(lesson: Lesson, interaction) -> str:
    if isinstance(interaction, Type):
        answers = accepted_answers(interaction, lesson.card)
        return answers[0] if answers else ""
    return ""

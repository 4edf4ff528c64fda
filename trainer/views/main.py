"""Home page, language choice and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from trainer import db as database
from trainer import progress
from trainer.lesson import Lesson
from trainer.web import current_learner, get_db, library, render, render_kept

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    locale = str(get_locale())
    groups = library().by_topic(locale)
    lessons = [lesson for _, group in groups for lesson in group]
    states = progress.progress_for(get_db(), current_learner(), lessons)
    return render("home.html", "home.html", lesson_list=_lesson_list(groups, states, locale),
                  locale=locale)


def _lesson_list(groups: list, states: dict[str, progress.LessonProgress],
                 locale: str) -> Markup:
    """Every lesson by topic. Everyone who has not started a lesson yet (each newcomer,
    a whole class arriving at once) sees the same list, so that one is drawn once per
    language and kept; with progress, each card is still kept (``lesson_card``)."""
    def draw() -> str:
        return render_template("partials/lesson_list.html", groups=groups, states=states,
                               locale=locale)

    if any(state.started for state in states.values()):
        return Markup(draw())
    return render_kept(library(), ("lesson list",), draw)


@bp.app_template_global()
def lesson_card(lesson: Lesson, state: progress.LessonProgress) -> Markup:
    """One lesson on the home page. The same for every learner at the same progress,
    so each card is drawn once per lesson, language and progress."""
    return render_kept(lesson, ("card", state), lambda: render_template(
        "partials/lesson_card.html", lesson=lesson, p=state))


@bp.post("/lang")
def set_language():
    code = request.form.get("lang", "")
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    response = redirect(target, code=303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", code, max_age=400 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/healthz")
def healthz():
    ok = database.is_usable(current_app.extensions["engine"])
    body = {"status": "ok" if ok else "database unavailable",
            "lessons": len(library().lessons), "lesson_problems": len(library().problems)}
    return jsonify(body), 200 if ok else 503

"""The site's front door (``/``): the home page, the language choice, the health check,
and what makes pages work offline (the service worker and its fallback page)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from markupsafe import Markup

from trainer import db as database
from trainer import progress
from trainer.web import (
    current_learner,
    get_db,
    library,
    render,
    render_kept,
    safe_next,
    send_static,
)

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
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
    language and kept; with progress, each card is still kept (``web.lesson_card``)."""
    def draw() -> str:
        return render_template("_lesson_list.html", groups=groups, states=states,
                               locale=locale)

    if any(state.started for state in states.values()):
        return Markup(draw())
    return render_kept(library(), ("lesson list",), draw)


@bp.post("/lang")
def set_language():
    code = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next"), url_for(".index")), code=303)
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


@bp.get("/sw.js")
def service_worker():
    """Served from the site root so that it may look after every page."""
    response = send_static("sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches learners at once
    return response


@bp.get("/offline")
def offline():
    """What the service worker shows for a page never opened while online."""
    return render("offline.html", "offline.html")

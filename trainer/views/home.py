"""The site's front door (``/``): the home page and the topic pages it leads to
(``/topics/<id>``, ``/scams``), the language choice, the health check, and what makes
pages work offline (the service worker and its fallback page)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from trainer import db as database
from trainer import progress, web
from trainer.content.lesson import Lesson

bp = Blueprint("home", __name__)


SCAMS = "scams"  # the topic group folded into one "Nhận biết lừa đảo" tile


@dataclass(frozen=True)
class Tile:
    """One large tile on the home page: a topic, or a group of topics (the scams)."""

    title: str
    url: str
    lessons: list[Lesson]
    done: int
    following: Lesson | None  # the first unfinished lesson in it, in the suggested order
    group: str = ""


@bp.get("/")
def index():
    """What to do now at the top ("Học tiếp" / "Bắt đầu ở đây"), then a few large tiles."""
    locale = str(get_locale())
    groups = web.library().by_topic(locale)
    lessons = [lesson for _, group in groups for lesson in group]
    db, learner = web.get_db(), web.current_learner()
    states = progress.progress_for(db, learner, lessons)
    started = any(state.started for state in states.values())
    going = progress.continue_lesson(db, learner, lessons, states)
    return web.render("home.html", "home.html", locale=locale, going=going, started=started,
                      following=None if going else progress.suggested_next(lessons, states),
                      states=states, tiles=_tiles(groups, states, locale), on_home=True)


def _tiles(groups: list, states: dict[str, progress.LessonProgress], locale: str) -> list[Tile]:
    tiles: list[Tile] = []
    folded: dict[str, Tile] = {}
    for topic, lessons in groups:
        if topic.group:
            if topic.group not in folded:
                folded[topic.group] = Tile(_("Nhận biết lừa đảo"), url_for(".scams"), [], 0,
                                           None, group=topic.group)
                tiles.append(folded[topic.group])
            folded[topic.group].lessons.extend(lessons)
            continue
        tiles.append(Tile(topic.title(locale), url_for(".topic", topic_id=topic.id), lessons,
                          0, None))
    return [Tile(t.title, t.url, t.lessons, sum(states[x.id].finished for x in t.lessons),
                 progress.suggested_next(t.lessons, states), t.group) for t in tiles]


@bp.get("/topics/<topic_id>")
def topic(topic_id: str):
    """One topic's lessons, numbered in the suggested order (the VNeID path: 1, 2, 3…)."""
    locale = str(get_locale())
    groups = [(t, lessons) for t, lessons in web.library().by_topic(locale)
              if t.id == topic_id and not t.group]
    if not groups:
        abort(404)
    return _topic_page(groups, locale, groups[0][0].title(locale))


@bp.get("/scams")
def scams():
    """The "Nhận biết lừa đảo" page: every scam topic with its lessons, and mixed rounds."""
    locale = str(get_locale())
    groups = [(t, lessons) for t, lessons in web.library().by_topic(locale) if t.group == SCAMS]
    return _topic_page(groups, locale, _("Nhận biết lừa đảo"), scams=True)


def _topic_page(groups: list, locale: str, title: str, scams: bool = False):
    lessons = [lesson for _, group in groups for lesson in group]
    states = progress.progress_for(web.get_db(), web.current_learner(), lessons)
    return web.render("topic.html", "topic.html", title=title, scams=scams, locale=locale,
                      lesson_list=_lesson_list(groups, states, locale, heading=scams))


def _lesson_list(groups: list, states: dict[str, progress.LessonProgress],
                 locale: str, heading: bool) -> Markup:
    """Lessons by topic. Everyone who has not started a lesson yet (each newcomer, a
    whole class arriving at once) sees the same list, so that one is drawn once per
    language and kept; with progress, each card is still kept (``web.lesson_card``)."""
    def draw() -> str:
        return render_template("_lesson_list.html", groups=groups, states=states,
                               locale=locale, heading=heading)

    if any(state.started for state in states.values()):
        return Markup(draw())
    return web.render_kept(web.library(), ("lesson list", tuple(t.id for t, _ in groups)), draw)


@bp.post("/lang")
def set_language():
    code = request.form.get("lang", "")
    response = redirect(web.safe_next(request.form.get("next"), url_for(".index")), code=303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", code, max_age=400 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/healthz")
def healthz():
    ok = database.is_usable(current_app.extensions["engine"])
    body = {"status": "ok" if ok else "database unavailable",
            "lessons": len(web.library().lessons), "lesson_problems": len(web.library().problems)}
    return jsonify(body), 200 if ok else 503


@bp.get("/sw.js")
def service_worker():
    """Served from the site root so that it may look after every page."""
    response = web.send_static("sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches learners at once
    return response


@bp.get("/offline")
def offline():
    """What the service worker shows for a page never opened while online."""
    return web.render("offline.html", "offline.html")

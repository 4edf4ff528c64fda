"""A learner's own pages: settings, "my data", the printable handbook, the practice card
to type from, their own learner card and certificates.

``/practice-card/`` is the fake identity printed for classes; ``/my-card`` is the
learner's own card whose QR brings their progress to another device (``/c/<token>``);
``/resume`` does the same with a short code she can type ("mã học tiếp").
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from markupsafe import Markup

from trainer import privacy, progress, web
from trainer.a11y import TEXT_SIZES, Prefs
from trainer.answers import first_answer
from trainer.classroom import auth, kiosk, qr
from trainer.content.lesson import Lesson
from trainer.content.practice_card import CARDS
from trainer.screens.render import draw_screen, screen_ui

log = logging.getLogger(__name__)
bp = Blueprint("learner", __name__)

CARD_SIZES = {"a6": 1, "a4": 4}  # paper size -> practice cards on one sheet


# --- settings: text size, contrast, motion, read-aloud ----------------------------------------

@bp.get("/settings")
def settings():
    return web.render("settings/settings.html", "settings/settings.html", prefs=web.current_prefs(),
                      sizes=TEXT_SIZES, next=web.safe_next(request.args.get("next"),
                                                       url_for("home.index")))


@bp.post("/settings")
def save_settings():
    """Kept on the learner's row once they exist (each kiosk learner keeps their own), in
    the signed cookie before that."""
    prefs = Prefs.from_form(request.form)
    if prefs is None:
        abort(400)
    learner = web.current_learner() if session.get("learner") else None
    if learner is not None:
        learner.settings = prefs.encode()
        web.get_db().commit()
        session.pop(web.SETTINGS_KEY, None)
    else:
        session[web.SETTINGS_KEY] = prefs.encode()
        session.permanent = True
    return redirect(web.safe_next(request.form.get("next"), url_for("home.index")), code=303)


# --- my data (Decree 13/2023) ----------------------------------------------------------------

@bp.get("/my-data/")
def my_data():
    """What we keep about this browser's learner, with the download and delete buttons."""
    learner = web.current_learner()
    summary = privacy.summary(web.get_db(), learner) if learner else None
    return web.render("privacy/my_data.html", "privacy/my_data.html", learner=learner,
                      summary=summary, prefs=web.current_prefs(), pictures=kiosk.PICTURES)


@bp.get("/my-data/download")
def download_my_data():
    """Everything stored about this learner as one JSON file (Decree 13/2023)."""
    learner = web.current_learner()
    if learner is None:
        abort(404)
    body = json.dumps(privacy.export_learner(web.get_db(), learner), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="tap-so-du-lieu-cua-toi.json"'})


@bp.post("/my-data/delete")
def delete_my_data():
    """Delete the learner row and everything hanging off it, then forget the cookie and
    empty the browser's copies of the pages."""
    learner = web.current_learner()
    if learner is not None:
        db = web.get_db()
        privacy.delete_learner(db, learner)
        db.commit()
    session.clear()
    return web.clear_site_cache(make_response(web.render("privacy/deleted.html",
                                                         "privacy/deleted.html")))


# --- the handbook ------------------------------------------------------------------------------

@bp.get("/handbook")
def handbook():
    locale = str(get_locale())
    return web.render("handbook/index.html", "handbook/index.html",
                      groups=web.library().by_topic(locale), locale=locale)


@bp.get("/handbook/<topic_id>")
def handbook_topic(topic_id: str):
    """One section per lesson of a topic (a new A4 page each): every step's heading,
    instruction and a picture of its screen with the answer pointed at."""
    topic, lessons = web.topic_lessons(topic_id)
    if topic is None:
        abort(404)
    chapters = [(lesson, [(i + 1, step, _picture(lesson, i))
                          for i, step in enumerate(lesson.steps)]) for lesson in lessons]
    return web.render("handbook/topic.html", "handbook/topic.html", topic=topic,
                      chapters=chapters, locale=str(get_locale()))


def _picture(lesson: Lesson, index: int) -> Markup:
    """The step's screen as a picture, the answer marked; never breaks the whole page."""
    interaction = lesson.steps[index].interaction
    ui = screen_ui(lesson, interaction, taps=False, point=True,
                   value=first_answer(interaction, lesson.card))
    try:
        return draw_screen(lesson, index, ui)
    except Exception:  # one odd screen must not cost the volunteer the whole handbook
        log.exception("handbook: screen %s of %s failed", lesson.steps[index].screen,
                      lesson.id)
        return Markup("")


# --- cards ----------------------------------------------------------------------------------

@bp.get("/practice-card/")
@bp.get("/practice-card/<key>")
def practice_card(key: str = "default"):
    """The printable practice card ("Thẻ tập luyện"): a fake identity learners type from,
    on one A6 card or four to an A4 sheet for cutting. No data, no login."""
    card = CARDS.get(key)
    size = request.args.get("size", "a4")
    if card is None or size not in CARD_SIZES:
        abort(404)
    return web.render("card/print.html", "card/print.html", card=card, size=size,
                      copies=CARD_SIZES[size], sizes=CARD_SIZES)


@bp.get("/card/")
@bp.get("/card/<key>")
def old_practice_card(key: str = "default"):
    """The practice card's old address (printed handouts may still point here)."""
    return redirect(url_for(".practice_card", key=key, **request.args), code=301)


@bp.get("/my-card")
def my_card():
    """The learner's own printable card (name + QR that resumes their progress)."""
    learner = web.current_learner()
    if learner is None:
        return render_template("kiosk/no_card.html"), 404
    code = session.get(RESUME_CODE_KEY)
    card_code = kiosk.show_code(kiosk.card_code(web.get_db(), learner))
    web.get_db().commit()
    return render_template("kiosk/cards.html", cards=[(learner.display_name or "",
                                                       qr.svg_inline(web.card_url(learner)),
                                                       card_code)],
                           code=progress.show_code(code) if isinstance(code, str) else None)


@bp.get("/card")
def old_my_card():
    """The learner card's old address."""
    return redirect(url_for(".my_card"), code=301)


@bp.get("/c/<token>")
def resume_card(token: str):
    """Scanning a learner card asks first ("Tiếp tục với tên …?"): opening a link must
    never change who is learning on this device. The switch is the POST below."""
    learner = kiosk.learner_from_card(web.get_db(), token)
    if learner is None:
        abort(404)
    return render_template("card/resume.html", name=learner.display_name or "",
                           token=token, same=learner is web.current_learner())


@bp.post("/c/<token>")
def switch_to_card(token: str):
    """Continue that learner's progress on this device (CSRF-checked like every POST).
    A volunteer signed in on this browser stays signed in."""
    learner = kiosk.learner_from_card(web.get_db(), token)
    if learner is None:
        abort(404)
    kept = {k: session[k] for k in auth.SESSION_KEYS if k in session}
    if web.kiosk_session():
        web.start_kiosk_session()
    else:
        session.clear()
    session.update(kept)
    session["learner"] = learner.public_id
    session.permanent = not web.kiosk_session()
    return redirect(url_for("home.index"), code=303)


# --- "mã học tiếp": progress on another phone ----------------------------------------------

RESUME_CODE_KEY = "resume_code"  # her own code, kept in her cookie to show again


@bp.get("/resume")
def resume():
    """The form to type a code from another phone (and her own code, if she has one)."""
    return web.render("resume/enter.html", "resume/enter.html", outcome=None, typed="")


@bp.post("/resume")
def resume_check():
    """A typed code: her progress on this phone, or a kind word. Wrong codes are counted
    per address in the database, so guessing one is bounded."""
    db = web.get_db()
    address = request.remote_addr or ""
    typed = request.form.get("code", "")[:40]
    if progress.resume_locked(db, address):
        return web.render("resume/enter.html", "resume/enter.html", 429, outcome="locked",
                          typed=typed)
    learner = progress.learner_by_code(db, typed, current_app.config["SECRET_KEY"])
    if learner is None:
        progress.record_wrong_code(db, address)
        db.commit()
        return web.render("resume/enter.html", "resume/enter.html", outcome="wrong", typed=typed)
    kiosk_on = session.get("kiosk_started")
    session.clear()
    if kiosk_on or web.kiosk_mode():
        session["kiosk_started"] = True
    session["learner"] = learner.public_id
    session[RESUME_CODE_KEY] = progress.normalise_code(typed)
    session.permanent = True
    return redirect(url_for("home.index"), code=303)


@bp.post("/resume/new")
def resume_new():
    """Make (or make again) her code; never asked for, only offered."""
    db = web.get_db()
    learner = web.ensure_learner()
    session[RESUME_CODE_KEY] = progress.new_resume_code(db, learner,
                                                        current_app.config["SECRET_KEY"])
    db.commit()
    return redirect(url_for(".resume_code"), code=303)


@bp.get("/resume/code")
def resume_code():
    """Her code, large, to write down or print (shown again from her cookie)."""
    learner = web.current_learner()
    code = session.get(RESUME_CODE_KEY) if learner is not None else None
    shown = progress.show_code(code) if isinstance(code, str) and code else None
    return web.render("resume/code.html", "resume/code.html", shown=shown)


# --- certificates -------------------------------------------------------------------------

@bp.get("/certificate/<topic_id>")
def certificate(topic_id: str):
    """A printable certificate once every lesson of the topic is finished."""
    locale = str(get_locale())
    topic, lessons = web.topic_lessons(topic_id)
    learner = web.current_learner()
    if topic is None:
        abort(404)
    states = progress.progress_for(web.get_db(), learner, lessons)
    if learner is None or not all(states[x.id].finished for x in lessons):
        done = sum(states[x.id].finished for x in lessons)
        return render_template("kiosk/certificate_wait.html", topic=topic, locale=locale,
                               done=done, total=len(lessons)), 404
    finished = [a.finished_at for a in learner.attempts
                if a.finished_at and a.lesson_id in {x.id for x in lessons}]
    day = max(finished).date() if finished else dt.date.today()
    return render_template("kiosk/certificate.html", topic=topic, lessons=lessons,
                           name=learner.display_name or "", day=day, locale=locale)

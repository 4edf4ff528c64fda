"""Kiosk mode (TRAINER_KIOSK=1), learner cards and certificates.

On a shared device the start screen has one big "Bắt đầu học" button. A learner
finds their progress again with their printed card (QR) or their name, picture
and a PIN / three pictures. After a quiet spell (KIOSK_IDLE_SECONDS) the page
asks "Bác còn đang học không?"; with no tap for KIOSK_ASK_SECONDS it posts to
/kiosk/end, which forgets who was there. Progress is saved with every answer,
so nothing is lost.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from trainer import classes, kiosk, progress, qr
from trainer.auth import current_volunteer, volunteer_required
from trainer.models import KioskLogin
from trainer.views.classroom import own_class
from trainer.web import current_learner, get_db, library

bp = Blueprint("kiosk", __name__)


def _is_kiosk() -> bool:
    return bool(current_app.config.get("KIOSK"))


@bp.before_app_request
def _kiosk_start_screen():
    """In kiosk mode, the home page waits behind the start screen."""
    if _is_kiosk() and request.path == "/" and not session.get("kiosk_started"):
        return redirect(url_for("kiosk.start"))
    return None


@bp.get("/kiosk")
def start():
    if not _is_kiosk():
        abort(404)
    return render_template("kiosk/start.html")


@bp.post("/kiosk/start")
def begin():
    if not _is_kiosk():
        abort(404)
    session.clear()  # whoever was here before is forgotten
    session["kiosk_started"] = True
    return redirect(url_for(".who"), code=303)


@bp.post("/kiosk/end")
def end():
    """Back to the start screen, forgetting the learner (their progress is already saved)."""
    session.clear()
    return redirect(url_for(".start") if _is_kiosk() else url_for("main.home"), code=303)


@bp.get("/kiosk/who")
def who():
    if not _is_kiosk():
        abort(404)
    session["kiosk_started"] = True
    return render_template("kiosk/who.html", logins=kiosk.kiosk_logins(get_db()),
                           pictures=kiosk.PICTURES)


@bp.route("/kiosk/sign-in/<int:login_id>", methods=["GET", "POST"])
def sign_in(login_id: int):
    if not _is_kiosk():
        abort(404)
    db = get_db()
    login = db.get(KioskLogin, login_id)
    if login is None:
        abort(404)
    error = None
    if request.method == "POST":
        pin = request.form.get("pin", "")[:10]
        chosen = [request.form.get(f"p{i}", "")[:20] for i in range(kiosk.SEQUENCE_LENGTH)]
        ok = kiosk.check_secret(login, pin, chosen)
        db.commit()
        if ok:
            session.clear()
            session["kiosk_started"] = True
            session["learner"] = login.learner.public_id
            session.permanent = True
            return redirect(url_for("main.home"), code=303)
        if login.failures >= kiosk.MAX_FAILURES:
            error = _("Sai nhiều lần. Bác nhờ tình nguyện viên đặt lại mã nhé.")
        else:
            error = _("Chưa đúng. Bác thử lại nhé.")
    return render_template("kiosk/sign_in.html", login=login, error=error,
                           pictures=kiosk.PICTURES), 400 if error else 200


# --- learner card --------------------------------------------------------------------------

def _card_url(learner) -> str:
    token = kiosk.card_token(current_app.config["SECRET_KEY"], learner)
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for(".resume", token=token)


@bp.get("/card")
def my_card():
    """The learner's own printable card (name + QR that resumes their progress)."""
    learner = current_learner()
    if learner is None:
        return render_template("kiosk/no_card.html"), 404
    return render_template("kiosk/cards.html", cards=[(learner.display_name or "",
                                                       qr.svg_inline(_card_url(learner)))])


@bp.get("/c/<token>")
def resume(token: str):
    """Scanning a learner card: continue that learner's progress on this device."""
    learner = kiosk.learner_from_card(get_db(), current_app.config["SECRET_KEY"], token)
    if learner is None:
        abort(404)
    kiosk_on = session.get("kiosk_started")
    session.clear()
    if kiosk_on or _is_kiosk():
        session["kiosk_started"] = True
    session["learner"] = learner.public_id
    session.permanent = True
    return redirect(url_for("main.home"), code=303)


@bp.get("/volunteer/classes/<int:class_id>/cards")
@volunteer_required
def class_cards(class_id: int):
    klass = own_class(class_id)
    cards = [(m.display_name, qr.svg_inline(_card_url(m.learner))) for m in klass.members]
    return render_template("kiosk/cards.html", cards=cards, klass=klass)


@bp.route("/volunteer/classes/<int:class_id>/members/<int:member_id>/kiosk",
          methods=["GET", "POST"])
@volunteer_required
def set_secret(class_id: int, member_id: int):
    """A volunteer sets, with the learner beside them, how they sign in on a kiosk."""
    klass = own_class(class_id)
    db = get_db()
    member = classes.member_of(db, klass, member_id)
    if member is None:
        abort(404)
    error = saved = None
    if request.method == "POST":
        form = request.form
        try:
            kiosk.set_secret(db, member.learner, form.get("picture", ""), form.get("kind", ""),
                             form.get("pin", "")[:10],
                             [form.get(f"p{i}", "")[:20] for i in range(kiosk.SEQUENCE_LENGTH)])
        except kiosk.SecretError:
            db.rollback()
            error = _("Chưa lưu: chọn một hình, rồi gõ đúng 4 chữ số hoặc chọn đủ 3 hình.")
        else:
            db.commit()
            saved = True
    return render_template("kiosk/set_secret.html", me=current_volunteer(), klass=klass,
                           member=member, pictures=kiosk.PICTURES, error=error,
                           saved=saved), 400 if error else 200


# --- certificates ---------------------------------------------------------------------------

@bp.app_context_processor
def _certificate_context() -> dict:
    return {"certificate_ready": _certificate_ready}


def _certificate_ready(topic_id: str) -> bool:
    """Has the current learner finished every lesson of this topic?"""
    lessons = _topic_lessons(topic_id)[1]
    states = progress.progress_for(get_db(), current_learner(), lessons)
    return bool(lessons) and all(states[x.id].finished for x in lessons)


def _topic_lessons(topic_id: str):
    locale = str(get_locale())
    return next(((t, lessons) for t, lessons in library().by_topic(locale) if t.id == topic_id),
                (None, []))


@bp.get("/certificate/<topic_id>")
def certificate(topic_id: str):
    """A printable certificate once every lesson of the topic is finished."""
    locale = str(get_locale())
    topic, lessons = _topic_lessons(topic_id)
    learner = current_learner()
    if topic is None:
        abort(404)
    states = progress.progress_for(get_db(), learner, lessons)
    if learner is None or not all(states[x.id].finished for x in lessons):
        done = sum(states[x.id].finished for x in lessons)
        return render_template("kiosk/certificate_wait.html", topic=topic, locale=locale,
                               done=done, total=len(lessons)), 404
    finished = [a.finished_at for a in learner.attempts
                if a.finished_at and a.lesson_id in {x.id for x in lessons}]
    day = max(finished).date() if finished else dt.date.today()
    return render_template("kiosk/certificate.html", topic=topic, lessons=lessons,
                           name=learner.display_name or "", day=day, locale=locale)

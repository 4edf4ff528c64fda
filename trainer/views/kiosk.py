"""A shared device (``/kiosk``, with TRAINER_KIOSK=1): the start screen, "who are you?"
and sign-in by picture and PIN or three pictures.

After a quiet spell (KIOSK_IDLE_SECONDS) the page asks "Bác còn đang học không?"; with
no tap for KIOSK_ASK_SECONDS it posts to /kiosk/end, which forgets who was there.
Progress is saved with every answer, so nothing is lost.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from trainer.classroom import kiosk
from trainer.models import KioskLogin
from trainer.web import get_db, kiosk_mode

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@bp.get("")
def start():
    _kiosk_only()
    return render_template("kiosk/start.html")


@bp.post("/start")
def begin():
    _kiosk_only()
    session.clear()  # whoever was here before is forgotten
    session["kiosk_started"] = True
    return redirect(url_for(".who"), code=303)


@bp.post("/end")
def end():
    """Back to the start screen, forgetting the learner (their progress is already saved)."""
    session.clear()
    return redirect(url_for(".start") if kiosk_mode() else url_for("home.index"), code=303)


@bp.get("/who")
def who():
    _kiosk_only()
    session["kiosk_started"] = True
    return render_template("kiosk/who.html", logins=kiosk.kiosk_logins(get_db()),
                           pictures=kiosk.PICTURES)


@bp.route("/sign-in/<int:login_id>", methods=["GET", "POST"])
def sign_in(login_id: int):
    _kiosk_only()
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
            return redirect(url_for("home.index"), code=303)
        if login.failures >= kiosk.MAX_FAILURES:
            error = _("Sai nhiều lần. Bác nhờ tình nguyện viên đặt lại mã nhé.")
        else:
            error = _("Chưa đúng. Bác thử lại nhé.")
    return render_template("kiosk/sign_in.html", login=login, error=error,
                           pictures=kiosk.PICTURES), 400 if error else 200


def _kiosk_only() -> None:
    if not kiosk_mode():
        abort(404)

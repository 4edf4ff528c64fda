"""A shared device (``/kiosk``, with TRAINER_KIOSK=1): the start screen, "who are you?"
and sign-in by picture and PIN or three pictures.

After a quiet spell (KIOSK_IDLE_SECONDS) the page asks "Bác còn đang học không?"; with
no tap for KIOSK_ASK_SECONDS it posts to /kiosk/end, which forgets who was there. The
server checks the same limit itself (``web``), so a kiosk without JavaScript forgets too.
Starting and ending also empty the browser's cache (``Clear-Site-Data``), and a kiosk's
cookie ends with the browser. Progress is saved with every answer, so nothing is lost.
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
from flask_babel import gettext as _

from trainer.classroom import kiosk
from trainer.models import KioskLogin
from trainer.web import clear_site_cache, get_db, kiosk_mode, start_kiosk_session

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@bp.get("")
def start():
    _kiosk_only()
    return render_template("kiosk/start.html")


@bp.post("/start")
def begin():
    _kiosk_only()
    start_kiosk_session()  # whoever was here before is forgotten
    return clear_site_cache(redirect(url_for(".who"), code=303))


@bp.post("/end")
def end():
    """Back to the start screen, forgetting the learner (their progress is already saved)."""
    session.clear()
    return clear_site_cache(redirect(url_for(".start") if kiosk_mode() else
                                     url_for("home.index"), code=303))


@bp.get("/here")
def here():
    """The kiosk page saying "still here" (a touch, "Còn, tôi đang học"): the request
    itself moves the server's idle clock on (``web._kiosk_idle``)."""
    return "", 204


@bp.get("/who")
def who():
    _kiosk_only()
    if not session.get("kiosk_started"):
        start_kiosk_session()
    # Only learners of recent classes: the list never shows everyone on the server.
    since = dt.date.today() - dt.timedelta(days=current_app.config["KIOSK_LIST_DAYS"])
    return render_template("kiosk/who.html", logins=kiosk.kiosk_logins(get_db(), since),
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
        ok = kiosk.check_secret(db, current_app.config["SECRET_KEY"], login, pin, chosen)
        if ok:
            start_kiosk_session()
            session["learner"] = login.learner.public_id
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

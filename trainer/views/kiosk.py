"""A shared device (``/kiosk``: a browser a volunteer turned into a kiosk at
``/kiosk/devices``, or every browser with TRAINER_KIOSK=1): the start screen, "who are you?"
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

from trainer import web
from trainer.classroom import devices, kiosk
from trainer.classroom.auth import current_volunteer, volunteer_required
from trainer.forms import KioskDeviceForm, KioskFirstTimeForm
from trainer.models import KioskDevice, KioskLogin

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@bp.get("")
def start():
    _kiosk_only()
    return render_template("kiosk/start.html")


@bp.post("/start")
def begin():
    _kiosk_only()
    web.start_kiosk_session()  # whoever was here before is forgotten
    return web.clear_site_cache(redirect(url_for(".who"), code=303))


@bp.post("/end")
def end():
    """Back to the start screen, forgetting the learner (their progress is already saved)."""
    session.clear()
    return web.clear_site_cache(redirect(url_for(".start") if web.kiosk_mode() else
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
        web.start_kiosk_session()
    # Only learners of recent classes: the list never shows everyone on the server.
    since = dt.date.today() - dt.timedelta(days=current_app.config["KIOSK_LIST_DAYS"])
    return render_template("kiosk/who.html",
                           logins=kiosk.kiosk_logins(web.get_db(), since, _here()),
                           pictures=kiosk.PICTURES)


def _here() -> str:
    """Which kiosk this is, for the learners who chose their pictures on it."""
    device = web.kiosk_device()
    return f"device:{device.id}" if device is not None else "server"


@bp.route("/sign-in/<int:login_id>", methods=["GET", "POST"])
def sign_in(login_id: int):
    _kiosk_only()
    db = web.get_db()
    login = db.get(KioskLogin, login_id)
    if login is None:
        abort(404)
    error = None
    if request.method == "POST":
        pin = request.form.get("pin", "")[:10]
        chosen = [request.form.get(f"p{i}", "")[:20] for i in range(kiosk.SEQUENCE_LENGTH)]
        ok = kiosk.check_secret(db, current_app.config["SECRET_KEY"], login, pin, chosen)
        if ok:
            web.start_kiosk_session()
            session["learner"] = login.learner.public_id
            return redirect(url_for("home.index"), code=303)
        if login.failures >= kiosk.MAX_FAILURES:
            error = _("Sai nhiều lần. Bác nhờ tình nguyện viên đặt lại mã nhé.")
        else:
            error = _("Chưa đúng. Bác thử lại nhé.")
    return render_template("kiosk/sign_in.html", login=login, error=error,
                           pictures=kiosk.PICTURES), 400 if error else 200


def _kiosk_only() -> None:
    if not web.kiosk_mode():
        abort(404)


# --- A kiosk per device, first-time learners, typed card codes (issue 17 items 6-7) ------

@bp.route("/devices", methods=["GET", "POST"])
@volunteer_required
def devices_page():
    """Kiosk devices: turn this browser into one ("Biến máy này thành máy học chung"),
    see the others, revoke any."""
    db = web.get_db()
    form = KioskDeviceForm()
    if form.validate_on_submit():
        device, token = devices.make_kiosk(db, form.name.data, current_volunteer())
        db.commit()
        response = redirect(url_for(".start"), code=303)
        response.set_cookie(devices.COOKIE, devices.cookie_value(
            current_app.config["SECRET_KEY"], token), max_age=devices.COOKIE_DAYS * 86400,
            httponly=True, samesite="Lax", secure=request.is_secure)
        return response
    return render_template("kiosk/devices.html", me=current_volunteer(), form=form,
                           devices=devices.kiosk_devices(db), this_device=_this_device())


@bp.post("/devices/<int:device_id>/revoke")
@volunteer_required
def revoke_device(device_id: int):
    db = web.get_db()
    device = db.get(KioskDevice, device_id)
    if device is None:
        abort(404)
    this_one = _this_device() == device.id
    devices.revoke(device)
    db.commit()
    response = redirect(url_for(".devices_page"), code=303)
    if this_one:
        response.delete_cookie(devices.COOKIE)
    return response


@bp.route("/first", methods=["GET", "POST"])
def first_time():
    """A first-time learner chooses their picture and a picture sequence or PIN here, on
    the kiosk, with no volunteer needed; then straight to the lessons."""
    _kiosk_only()
    form = KioskFirstTimeForm()
    if request.method == "POST":  # three pictures, unless the learner typed a PIN
        form.kind.data = "pin" if form.pin.data else "pictures"
    if form.validate_on_submit():
        db = web.get_db()
        learner = web.ensure_learner()
        if form.name.data:
            learner.display_name = form.name.data
        kiosk.set_secret(db, current_app.config["SECRET_KEY"], learner, form.picture.data,
                         form.kind.data, form.pin.data or "", form.sequence, chosen_on=_here())
        db.commit()
        session["kiosk_started"] = True
        return redirect(url_for("home.index"), code=303)
    status = 400 if form.errors else 200
    return render_template("kiosk/first.html", form=form, pictures=kiosk.PICTURES), status


@bp.post("/code")
def typed_code():
    """The code printed under the card's QR, for a device without a camera."""
    _kiosk_only()
    learner = kiosk.learner_from_code(web.get_db(), request.form.get("code", ""))
    if learner is None:
        return render_template(
            "kiosk/who.html", logins=kiosk.kiosk_logins(web.get_db()), pictures=kiosk.PICTURES,
            code_error=_("Chưa đúng mã. Bác xem lại 8 chữ in dưới mã QR trên thẻ nhé.")), 400
    session.clear()
    session["kiosk_started"] = True
    session["learner"] = learner.public_id
    session.permanent = True
    return redirect(url_for("home.index"), code=303)


def _this_device() -> int | None:
    device = web.kiosk_device()
    return device.id if device is not None else None

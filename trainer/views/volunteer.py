"""Volunteer sign-in, sign-out, their home page and (for admins) adding volunteers."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from trainer import auth, classes
from trainer.auth import admin_required, current_volunteer, volunteer_required
from trainer.models import Volunteer
from trainer.web import get_db

bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("volunteer.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")[:80]
        password = request.form.get("password", "")[:auth.MAX_PASSWORD + 1]
        address = request.remote_addr or ""
        db = get_db()
        if auth.is_locked(db, username, address):
            error = _("Đăng nhập sai nhiều lần. Vui lòng đợi 15 phút rồi thử lại.")
            return render_template("volunteer/login.html", error=error, username=username), 429
        volunteer = auth.verify(db, username, password)
        if volunteer is None:
            auth.record_failure(db, username, address)
            db.commit()
            error = _("Tên đăng nhập hoặc mật khẩu chưa đúng.")
            return render_template("volunteer/login.html", error=error, username=username), 401
        auth.clear_failures(db, username)
        db.commit()
        auth.log_in(volunteer)
        return redirect(_safe_next(request.args.get("next")), code=303)
    return render_template("volunteer/login.html", error=error, username="")


@bp.post("/logout")
def logout():
    auth.log_out()
    return redirect(url_for("volunteer.login"), code=303)


@bp.get("/")
@volunteer_required
def dashboard():
    me = current_volunteer()
    mine = classes.classes_for(get_db(), me)
    return render_template("volunteer/dashboard.html", me=me, classes=mine)


@bp.route("/volunteers", methods=["GET", "POST"])
@admin_required
def volunteers():
    db = get_db()
    error = message = None
    code = 200
    if request.method == "POST":
        try:
            created = auth.create_volunteer(
                db, request.form.get("username", "")[:80], request.form.get("password", ""),
                request.form.get("role", "volunteer"), request.form.get("display_name", "")[:60])
            db.commit()
            message = _("Đã thêm tình nguyện viên %(name)s.", name=created.username)
        except auth.AccountError:
            db.rollback()
            error = _("Chưa thêm được: tên đăng nhập 2–40 chữ thường không dấu hoặc số "
                      "(chưa ai dùng), mật khẩu ít nhất 8 ký tự.")
            code = 400
    people = db.query(Volunteer).order_by(Volunteer.username).all()
    return render_template("volunteer/volunteers.html", me=current_volunteer(), people=people,
                           error=error, message=message), code


@bp.post("/volunteers/<int:volunteer_id>/active")
@admin_required
def toggle_active(volunteer_id: int):
    db = get_db()
    person = db.get(Volunteer, volunteer_id)
    if person is None or person.id == current_volunteer().id:
        abort(404)
    person.active = not person.active
    db.commit()
    return redirect(url_for(".volunteers"), code=303)

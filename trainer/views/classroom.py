"""A learner in a class (``/join``, ``/class``): joining with the code or QR, following
the presenter and raising a hand. The volunteer's side is under ``/volunteer``."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from trainer.classroom import classes, limits
from trainer.models import ClassMember, ClassSession
from trainer.screens.render import resume_url
from trainer.web import (
    class_membership,
    current_learner,
    ensure_learner,
    get_db,
    is_htmx,
    library,
    reserve_learner_id,
)

bp = Blueprint("classroom", __name__)


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Type the class code (the QR code opens /join/<code> directly)."""
    if request.method == "POST":
        code = classes.normalise_code(request.form.get("code", ""))
        if not limits.join_try(get_db(), request.remote_addr or ""):  # guessing codes
            return render_template("join.html", error=_join_error("limit"), code=code), 429
        try:
            klass = classes.find_by_code(get_db(), code, dt.date.today())
        except classes.ClassError as exc:
            return render_template("join.html", error=_join_error(exc.reason),
                                   code=code), 400 if exc.reason == "unknown" else 410
        limits.join_found(get_db(), request.remote_addr or "")
        return redirect(url_for(".join_class", code=klass.code), code=303)
    return render_template("join.html", error=None, code="")


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_class(code: str):
    """The name form. It looks like this for any code, and the class's title shows only
    after joining: the page never tells a stranger which codes exist (issue 20)."""
    db = get_db()
    today = dt.date.today()
    learner = current_learner()
    name = request.form.get("name", "") if request.method == "POST" else (
        learner.display_name if learner and learner.display_name else "")
    if request.method == "GET":
        reserve_learner_id()
        return render_template("join_name.html", error=None, name=classes.clean_name(name))
    if not limits.join_try(db, request.remote_addr or ""):
        return render_template("join.html", error=_join_error("limit"),
                               code=classes.normalise_code(code)), 429
    try:
        klass = classes.find_by_code(db, code, today)
    except classes.ClassError as exc:
        return render_template("join.html", error=_join_error(exc.reason),
                               code=classes.normalise_code(code)), \
            404 if exc.reason == "unknown" else 410
    limits.join_found(db, request.remote_addr or "")
    if klass.locked and (learner is None or db.scalar(select(ClassMember.id).where(
            ClassMember.class_id == klass.id, ClassMember.learner_id == learner.id)) is None):
        return render_template("join.html", error=_join_error("locked"),
                               code=klass.code), 403
    try:
        learner = ensure_learner()
        classes.join(db, klass, learner, name,
                     classes.parse_birth_year(request.form.get("birth_year", ""), today))
    except classes.ClassError:
        db.rollback()
        error = _("Bác gõ tên để tình nguyện viên biết ai cần giúp.")
        return render_template("join_name.html", error=error,
                               name=classes.clean_name(name)), 400
    db.commit()
    return redirect(_first_lesson_url(klass), code=303)


@bp.get("/class/bar")
def class_bar():
    """Polled every few seconds by the step page: follow the presenter, show the hand."""
    member = class_membership()
    if member is None:
        return "", 204
    here = (request.args.get("lesson", ""), request.args.get("step", type=int))
    target = classes.follow_target(member.klass, member)
    if target is not None and target != here:
        url = url_for("lessons.step", lesson_id=target[0], number=target[1])
        return Response("", 200, {"HX-Redirect": url})
    if request.args.get("seen") == classes.bar_version(member):
        return "", 204  # nothing new: htmx keeps the bar (and its polling) as it is
    return _render_bar(member, here)


@bp.post("/class/hand")
def hand():
    member = _member()
    if request.form.get("down") == "1":
        classes.lower_hand(member)
    else:
        classes.raise_hand(member)
    get_db().commit()
    return _after_learner_action(member)


@bp.post("/class/follow")
def follow():
    member = _member()
    member.following = request.form.get("on") == "1"
    get_db().commit()
    return _after_learner_action(member)


def _member():
    member = class_membership()
    if member is None:
        abort(404)
    return member


def _join_error(reason: str) -> str:
    if reason == "limit":
        return _("Bác đã thử nhiều mã quá. Bác đợi mười phút, hoặc hỏi tình nguyện viên.")
    if reason == "locked":
        return _("Lớp này đã đủ người và đã khoá. Bác hỏi tình nguyện viên nhé.")
    if reason == "expired":
        return _("Lớp học có mã này đã kết thúc. Bác hỏi tình nguyện viên mã của lớp hôm nay.")
    return _("Không tìm thấy lớp có mã này. Bác xem lại mã trên màn chiếu, rồi gõ lại.")


def _after_learner_action(member):
    here = (request.form.get("lesson", ""), request.form.get("step", type=int))
    if is_htmx():
        return _render_bar(member, here)
    back = request.referrer if request.referrer and request.referrer.startswith(
        request.host_url) else url_for("home.index")
    return redirect(back, code=303)


def _render_bar(member, here):
    return render_template("_class_bar.html", member=member, klass=member.klass,
                           here_lesson=here[0], here_step=here[1],
                           poll=current_app.config["CLASS_POLL_SECONDS"])


def _first_lesson_url(klass: ClassSession) -> str:
    lesson = library().get(klass.current_lesson, str(get_locale()))
    if lesson is None:
        return url_for("home.index")
    if klass.follow_on:
        return url_for("lessons.step", lesson_id=lesson.id, number=klass.current_step)
    return resume_url(lesson)

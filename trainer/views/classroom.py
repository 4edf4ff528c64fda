"""A learner in a class (``/join``, ``/class``): joining with the code or QR, following
the presenter and raising a hand. The volunteer's side is under ``/volunteer``."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from trainer import progress, web
from trainer.classroom import classes, limits
from trainer.models import ClassMember, ClassSession
from trainer.screens.render import resume_url

bp = Blueprint("classroom", __name__)


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Type the class code (the QR code opens /join/<code> directly)."""
    if request.method == "POST":
        code = classes.normalise_code(request.form.get("code", ""))
        if not limits.join_try(web.get_db(), request.remote_addr or ""):  # guessing codes
            return render_template("join.html", error=_join_error("limit"), code=code), 429
        try:
            klass = classes.find_by_code(web.get_db(), code, dt.date.today())
        except classes.ClassError as exc:
            return render_template("join.html", error=_join_error(exc.reason),
                                   code=code), 400 if exc.reason == "unknown" else 410
        limits.join_found(web.get_db(), request.remote_addr or "")
        return redirect(url_for(".join_class", code=klass.code), code=303)
    return render_template("join.html", error=None, code="")


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_class(code: str):
    """Give a name and join. The form looks the same for any code and the class's title
    shows only after joining, so the page never tells a stranger which codes exist (issue
    20); only a phone already in the class sees whose it is, with "Người khác dùng máy
    này" (a new learner, the first one's progress untouched) and each person who joined
    from this phone before, to come back by tapping their name."""
    db = web.get_db()
    today = dt.date.today()
    learner = web.current_learner()
    form = request.form
    if request.method == "GET":
        web.reserve_learner_id()
        try:
            klass = classes.find_by_code(db, code, today)
        except classes.ClassError:
            people = []
        else:
            people = classes.members_on_phone(db, klass, _phone_people(learner))
        return _name_form(people, learner, None)
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
    people = classes.members_on_phone(db, klass, _phone_people(learner))
    if klass.locked and not people and (learner is None or db.scalar(select(ClassMember.id).where(
            ClassMember.class_id == klass.id, ClassMember.learner_id == learner.id)) is None):
        return render_template("join.html", error=_join_error("locked"),
                               code=klass.code), 403
    back = next((m for m in people if str(m.id) == form.get("as", "")), None)
    name = classes.clean_name(form.get("name", ""))
    if back is None and form.get("other") == "1":  # typed their own name again
        back = next((m for m in people if m.display_name.casefold() == name.casefold()), None)
    if back is not None:
        _use_learner(back.learner)
        db.commit()
        return redirect(_first_lesson_url(klass), code=303)
    if not name:
        return _name_form(people, learner, _("Bác gõ tên để tình nguyện viên biết ai cần giúp."))
    if klass.locked and form.get("other") == "1":
        return render_template("join.html", error=_join_error("locked"),
                               code=klass.code), 403
    if form.get("other") == "1":
        learner = progress.get_or_create_learner(db, progress.new_public_id())
        _use_learner(learner)
    else:
        learner = web.ensure_learner()
    classes.join(db, klass, learner, name,
                 classes.parse_birth_year(form.get("birth_year", ""), today))
    _remember_on_phone(learner)
    db.commit()
    return redirect(_first_lesson_url(klass), code=303)


def _name_form(people: list, learner, error: str | None):  # noqa: ANN001
    me = next((m for m in people if learner and m.learner_id == learner.id), None)
    name = request.form.get("name", "") if request.method == "POST" else (
        learner.display_name if learner and learner.display_name and me is None else "")
    return render_template("join_name.html", error=error, me=me,
                           others=[m for m in people if m is not me],
                           name=classes.clean_name(name)), 400 if error else 200


@bp.get("/class/bar")
def class_bar():
    """Polled every few seconds by the step page: follow the presenter (asking before
    pulling a learner back from where they went ahead), show the hand, and carry what a
    volunteer sent from the board ("show me" on this phone, "back to my step")."""
    member = web.class_membership()
    if member is None:
        return "", 204
    klass = member.klass
    here = (request.args.get("lesson", ""), request.args.get("step", type=int))
    sent, member.sent = member.sent, ""
    if sent:
        web.get_db().commit()
    if sent == "pull" and klass.current_lesson:
        url = url_for("lessons.step", lesson_id=klass.current_lesson, number=klass.current_step)
        return Response("", 200, {"HX-Redirect": url})
    target = classes.follow_target(klass, member)
    move = classes.follow_move(target, *here, classes.planned(klass)) if target else "stay"
    if move == "go":
        url = url_for("lessons.step", lesson_id=target[0], number=target[1])
        return Response("", 200, {"HX-Redirect": url})
    version = classes.bar_version(member) + ("-ask" if move == "ask" else "")
    if sent != "show" and request.args.get("seen") == version:
        return "", 204  # nothing new: htmx keeps the bar (and its polling) as it is
    return _render_bar(member, here, ask=target if move == "ask" else None,
                       show=sent == "show")


@bp.post("/class/hand")
def hand():
    member = _member()
    if request.form.get("down") == "1":
        classes.lower_hand(member)
    else:
        classes.raise_hand(member)
    web.get_db().commit()
    return _after_learner_action(member)


@bp.post("/class/follow")
def follow():
    member = _member()
    member.following = request.form.get("on") == "1"
    web.get_db().commit()
    return _after_learner_action(member)


def _member():
    member = web.class_membership()
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
    if web.is_htmx():
        return _render_bar(member, here)
    back = request.referrer if request.referrer and request.referrer.startswith(
        request.host_url) else url_for("home.index")
    return redirect(back, code=303)


def _render_bar(member, here, ask=None, show=False):
    lesson = web.library().get(here[0], str(get_locale())) if here[0] else None
    show = show and lesson is not None and here[1] is not None \
        and 1 <= here[1] <= len(lesson.steps)
    asked = web.library().get(ask[0], str(get_locale())) if ask else None
    return render_template("_class_bar.html", member=member, klass=member.klass,
                           here_lesson=here[0], here_step=here[1], show=show,
                           ask=ask if asked else None, ask_lesson=asked, sid=uuid.uuid4().hex,
                           poll=current_app.config["CLASS_POLL_SECONDS"])


PHONE_KEY = "phone_learners"  # everyone who joined a class from this browser
PHONE_MAX = 8


def _phone_people(learner) -> list[str]:
    kept = session.get(PHONE_KEY)
    people = [x for x in kept if isinstance(x, str)] if isinstance(kept, list) else []
    if learner is not None and learner.public_id not in people:
        people.append(learner.public_id)
    return people[-PHONE_MAX:]


def _remember_on_phone(learner) -> None:
    people = [x for x in _phone_people(None) if x != learner.public_id] + [learner.public_id]
    session[PHONE_KEY] = people[-PHONE_MAX:]


def _use_learner(learner) -> None:
    """This phone is now ``learner``'s; the one before keeps their progress."""
    _remember_on_phone(learner)
    session["learner"] = learner.public_id
    session.permanent = True
    g.pop("learner", None)
    g.pop("a11y_prefs", None)


def _first_lesson_url(klass: ClassSession) -> str:
    lesson = web.library().get(klass.current_lesson or next(iter(classes.planned(klass)), ""),
                               str(get_locale()))
    if lesson is None:
        return url_for("home.index")
    if klass.follow_on:
        return url_for("lessons.step", lesson_id=lesson.id, number=klass.current_step)
    return resume_url(lesson)

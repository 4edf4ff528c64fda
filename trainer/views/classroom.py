"""Classes: a volunteer creates one, shows its code and QR, presents a lesson on the
projector and watches the live board; learners join from their phones, follow the
presenter or practise alone, and raise a hand.

Volunteer pages live under /volunteer/classes and need a volunteer sign-in; a
volunteer only ever reaches their own classes (an admin reaches every class).
"""

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

from trainer import classes, qr
from trainer.auth import current_volunteer, volunteer_required
from trainer.lesson import Lesson, Spot, Tap, Type
from trainer.models import ClassSession
from trainer.screens import ScreenUI
from trainer.views.player import resume_url
from trainer.web import current_learner, ensure_learner, get_db, is_htmx, library, render

bp = Blueprint("classroom", __name__)


def poll_seconds() -> int:
    """How often phones and the board ask for news (TRAINER_CLASS_POLL_SECONDS, default 3)."""
    return int(current_app.config.get("CLASS_POLL_SECONDS", 3))


def today() -> dt.date:
    return dt.date.today()


@bp.app_context_processor
def _class_context() -> dict:
    return {"class_member": _current_member, "bar_version": classes.bar_version}


def _current_member():
    """The learner's open class membership (the step page's bar and its actions), else None."""
    return classes.membership(get_db(), current_learner(), today())


# --- volunteer: classes ------------------------------------------------------------------

def own_class(class_id: int) -> ClassSession:
    klass = classes.class_for(get_db(), current_volunteer(), class_id)
    if klass is None:
        abort(404)  # not "forbidden": another volunteer's class does not exist for you
    return klass


@bp.route("/volunteer/classes/new", methods=["GET", "POST"])
@volunteer_required
def new_class():
    listing = library().listing(str(get_locale()))
    error, form = None, request.form
    if request.method == "POST":
        chosen = [x for x in form.getlist("lesson")[:30] if library().get(x, "vi")]
        try:
            held_on = dt.date.fromisoformat(form.get("held_on", "")[:10])
        except ValueError:
            held_on = None
        if held_on is None:
            error = _("Ngày học chưa đúng.")
        else:
            db = get_db()
            try:
                klass = classes.create_class(db, current_volunteer(), form.get("title", ""),
                                             held_on, form.get("commune", ""),
                                             form.get("village", ""), chosen)
            except classes.ClassError:
                error = _("Lớp cần có tên.")
            else:
                db.commit()
                return redirect(url_for(".show_class", class_id=klass.id), code=303)
    return render_template("volunteer/class_new.html", me=current_volunteer(), lessons=listing,
                           error=error, form=form, today=today()), 400 if error else 200


@bp.get("/volunteer/classes/<int:class_id>")
@volunteer_required
def show_class(class_id: int):
    klass = own_class(class_id)
    lessons = _planned_lessons(klass)
    return render_template("volunteer/class.html", me=current_volunteer(), klass=klass,
                           lessons=lessons, join_url=_join_url(klass),
                           open=classes.is_open(klass, today()))


@bp.get("/volunteer/classes/<int:class_id>/qr.svg")
@volunteer_required
def class_qr(class_id: int):
    klass = own_class(class_id)
    return Response(qr.svg_file(_join_url(klass)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.post("/volunteer/classes/<int:class_id>/close")
@volunteer_required
def close_class(class_id: int):
    klass = own_class(class_id)
    klass.closed_at = klass.closed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    get_db().commit()
    return redirect(url_for(".show_class", class_id=klass.id), code=303)


# --- volunteer: presenter ------------------------------------------------------------------

@bp.get("/volunteer/classes/<int:class_id>/present")
@volunteer_required
def presenter(class_id: int):
    klass = own_class(class_id)
    return _render_presenter(klass)


@bp.post("/volunteer/classes/<int:class_id>/present")
@volunteer_required
def presenter_move(class_id: int):
    """Next/previous/go to a step, another lesson, highlight the target, "follow me"."""
    klass = own_class(class_id)
    lesson = _presented_lesson(klass)
    form = request.form
    if form.get("lesson") and form["lesson"] in classes.planned(klass) + library().ids():
        chosen = library().get(form["lesson"], str(get_locale()))
        if chosen is None:
            abort(404)
        classes.present(klass, chosen, 1)
        klass.highlight = False
    elif lesson is not None:
        action = form.get("action", "")
        step = {"next": klass.current_step + 1, "prev": klass.current_step - 1}.get(action)
        if step is not None:
            classes.present(klass, lesson, step)
            klass.highlight = False
        elif action == "highlight":
            klass.highlight = not klass.highlight
        elif action == "follow":
            klass.follow_on = not klass.follow_on
        elif action:
            abort(400)
    get_db().commit()
    if is_htmx():
        return _render_presenter(klass)
    return redirect(url_for(".presenter", class_id=klass.id), code=303)


# --- volunteer: live board -----------------------------------------------------------------

@bp.get("/volunteer/classes/<int:class_id>/board")
@volunteer_required
def board(class_id: int):
    klass = own_class(class_id)
    lesson = _presented_lesson(klass)
    rows = classes.board(get_db(), klass, lesson) if lesson else []
    return render("volunteer/board.html", "volunteer/partials/board_grid.html",
                  me=current_volunteer(), klass=klass, lesson=lesson, rows=rows,
                  poll=poll_seconds())


@bp.post("/volunteer/classes/<int:class_id>/members/<int:member_id>/helped")
@volunteer_required
def helped(class_id: int, member_id: int):
    """A volunteer went over: the raised hand comes down."""
    klass = own_class(class_id)
    member = classes.member_of(get_db(), klass, member_id)
    if member is None:
        abort(404)
    classes.lower_hand(member)
    get_db().commit()
    if is_htmx():
        return board(class_id)
    return redirect(url_for(".board", class_id=klass.id), code=303)


# --- learners: joining ------------------------------------------------------------------

def _join_error(reason: str) -> str:
    if reason == "expired":
        return _("Lớp học có mã này đã kết thúc. Bác hỏi tình nguyện viên mã của lớp hôm nay.")
    return _("Không tìm thấy lớp có mã này. Bác xem lại mã trên màn chiếu, rồi gõ lại.")


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Type the class code (the QR code opens /join/<code> directly)."""
    if request.method == "POST":
        code = classes.normalise_code(request.form.get("code", ""))
        try:
            klass = classes.find_by_code(get_db(), code, today())
        except classes.ClassError as exc:
            return render_template("join.html", error=_join_error(exc.reason),
                                   code=code), 400 if exc.reason == "unknown" else 410
        return redirect(url_for(".join_class", code=klass.code), code=303)
    return render_template("join.html", error=None, code="")


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_class(code: str):
    db = get_db()
    try:
        klass = classes.find_by_code(db, code, today())
    except classes.ClassError as exc:
        return render_template("join.html", error=_join_error(exc.reason),
                               code=classes.normalise_code(code)), \
            404 if exc.reason == "unknown" else 410
    error = None
    learner = current_learner()
    name = request.form.get("name", "") if request.method == "POST" else (
        learner.display_name if learner and learner.display_name else "")
    if request.method == "POST":
        try:
            learner = ensure_learner()
            classes.join(db, klass, learner, name,
                         classes.parse_birth_year(request.form.get("birth_year", ""), today()))
        except classes.ClassError:
            db.rollback()
            error = _("Bác gõ tên để tình nguyện viên biết ai cần giúp.")
        else:
            db.commit()
            return redirect(_first_lesson_url(klass), code=303)
    return render_template("join_name.html", klass=klass, error=error,
                           name=classes.clean_name(name)), 400 if error else 200


# --- learners: in class ------------------------------------------------------------------

@bp.get("/class/bar")
def class_bar():
    """Polled every few seconds by the step page: follow the presenter, show the hand."""
    member = _current_member()
    if member is None:
        return "", 204
    here = (request.args.get("lesson", ""), request.args.get("step", type=int))
    target = classes.follow_target(member.klass, member)
    if target is not None and target != here:
        url = url_for("player.step", lesson_id=target[0], number=target[1])
        return Response("", 200, {"HX-Redirect": url})
    if request.args.get("seen") == classes.bar_version(member):
        return "", 204  # nothing new: htmx keeps the bar (and its polling) as it is
    return _render_bar(member, here)


@bp.post("/class/hand")
def hand():
    member = _current_member()
    if member is None:
        abort(404)
    if request.form.get("down") == "1":
        classes.lower_hand(member)
    else:
        classes.raise_hand(member)
    get_db().commit()
    return _after_learner_action(member)


@bp.post("/class/follow")
def follow():
    member = _current_member()
    if member is None:
        abort(404)
    member.following = request.form.get("on") == "1"
    get_db().commit()
    return _after_learner_action(member)


def _after_learner_action(member):
    here = (request.form.get("lesson", ""), request.form.get("step", type=int))
    if is_htmx():
        return _render_bar(member, here)
    back = request.referrer if request.referrer and request.referrer.startswith(
        request.host_url) else url_for("main.home")
    return redirect(back, code=303)


def _render_bar(member, here):
    return render_template("partials/class_bar.html", member=member, klass=member.klass,
                           here_lesson=here[0], here_step=here[1], poll=poll_seconds())


# --- helpers ------------------------------------------------------------------------------

def _planned_lessons(klass: ClassSession) -> list[Lesson]:
    locale = str(get_locale())
    found = (library().get(x, locale) for x in classes.planned(klass))
    return [x for x in found if x is not None]


def _presented_lesson(klass: ClassSession) -> Lesson | None:
    lesson_id = klass.current_lesson or next(iter(classes.planned(klass)), "")
    return library().get(lesson_id, str(get_locale())) if lesson_id else None


def _first_lesson_url(klass: ClassSession) -> str:
    lesson = library().get(klass.current_lesson, str(get_locale()))
    if lesson is None:
        return url_for("main.home")
    if klass.follow_on:
        return url_for("player.step", lesson_id=lesson.id, number=klass.current_step)
    return resume_url(lesson)


def _join_url(klass: ClassSession) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for(".join_class", code=klass.code)


def _render_presenter(klass: ClassSession):
    lesson = _presented_lesson(klass)
    context = {"me": current_volunteer(), "klass": klass, "lesson": lesson,
               "lessons": _planned_lessons(klass), "join_url": _join_url(klass)}
    if lesson is not None and lesson.steps:
        number = max(1, min(klass.current_step, len(lesson.steps)))
        step = lesson.steps[number - 1]
        interaction = step.interaction
        show = klass.highlight
        context.update(
            step=step, number=number, total=len(lesson.steps),
            ui=ScreenUI(taps=False,
                        highlight=interaction.target if show and isinstance(interaction, Tap)
                        else None,
                        reveal=frozenset(interaction.flags) if show and isinstance(
                            interaction, Spot) else frozenset(),
                        field=interaction.field if isinstance(interaction, Type) else None,
                        show_answer=_type_answer(lesson, interaction) if show else "",
                        spot=isinstance(interaction, Spot)),
            followers=sum(m.following for m in klass.members),
        )
    return render("volunteer/presenter.html", "volunteer/partials/presenter_stage.html",
                  **context)


def _type_answer(lesson: Lesson, interaction) -> str:
    from trainer.answers import accepted_answers

    if isinstance(interaction, Type):
        answers = accepted_answers(interaction, lesson.card)
        return answers[0] if answers else ""
    return ""


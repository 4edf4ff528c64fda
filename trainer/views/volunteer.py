"""Everything under ``/volunteer``: sign-in, the volunteer's home page, accounts (admins),
classes with their code and QR, the presenter for the projector, the live board, learner
cards and kiosk sign-in secrets, and reports.

A volunteer only ever reaches their own classes (an admin reaches every class).
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

from trainer.classroom import auth, classes, kiosk, qr, reports
from trainer.classroom.auth import admin_required, current_volunteer, volunteer_required
from trainer.content.lesson import Lesson
from trainer.models import ClassSession, Volunteer
from trainer.screens.render import screen_ui
from trainer.web import card_url, get_db, is_htmx, library, public_url, render, safe_next

bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")


# --- signing in, accounts ------------------------------------------------------------------

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
        return redirect(safe_next(request.args.get("next"), url_for(".dashboard")), code=303)
    return render_template("volunteer/login.html", error=error, username="")


@bp.post("/logout")
def logout():
    auth.log_out()
    return redirect(url_for(".login"), code=303)


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


# --- classes ---------------------------------------------------------------------------------

@bp.route("/classes/new", methods=["GET", "POST"])
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
                           error=error, form=form, today=dt.date.today()), 400 if error else 200


@bp.get("/classes/<int:class_id>")
@volunteer_required
def show_class(class_id: int):
    klass = _own_class(class_id)
    return render_template("volunteer/class.html", me=current_volunteer(), klass=klass,
                           lessons=_planned_lessons(klass), join_url=_join_url(klass),
                           open=classes.is_open(klass, dt.date.today()))


@bp.get("/classes/<int:class_id>/qr.svg")
@volunteer_required
def class_qr(class_id: int):
    klass = _own_class(class_id)
    return Response(qr.svg_file(_join_url(klass)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.post("/classes/<int:class_id>/close")
@volunteer_required
def close_class(class_id: int):
    klass = _own_class(class_id)
    klass.closed_at = klass.closed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    get_db().commit()
    return redirect(url_for(".show_class", class_id=klass.id), code=303)


# --- presenter (the projector) ------------------------------------------------------------

@bp.get("/classes/<int:class_id>/present")
@volunteer_required
def presenter(class_id: int):
    return _render_presenter(_own_class(class_id))


@bp.post("/classes/<int:class_id>/present")
@volunteer_required
def presenter_move(class_id: int):
    """Next/previous/go to a step, another lesson, highlight the target, "follow me"."""
    klass = _own_class(class_id)
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


# --- the live board ------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/board")
@volunteer_required
def board(class_id: int):
    klass = _own_class(class_id)
    lesson = _presented_lesson(klass)
    rows = classes.board(get_db(), klass, lesson) if lesson else []
    return render("volunteer/board.html", "volunteer/_board_grid.html",
                  me=current_volunteer(), klass=klass, lesson=lesson, rows=rows,
                  poll=current_app.config["CLASS_POLL_SECONDS"])


@bp.post("/classes/<int:class_id>/members/<int:member_id>/helped")
@volunteer_required
def helped(class_id: int, member_id: int):
    """A volunteer went over: the raised hand comes down."""
    klass = _own_class(class_id)
    member = _member(klass, member_id)
    classes.lower_hand(member)
    get_db().commit()
    if is_htmx():
        return board(class_id)
    return redirect(url_for(".board", class_id=klass.id), code=303)


# --- learner cards and kiosk sign-in -----------------------------------------------------------

@bp.get("/classes/<int:class_id>/cards")
@volunteer_required
def class_cards(class_id: int):
    """Every member's learner card (name + QR), to print for the class."""
    klass = _own_class(class_id)
    cards = [(m.display_name, qr.svg_inline(card_url(m.learner))) for m in klass.members]
    return render_template("kiosk/cards.html", cards=cards, klass=klass)


@bp.route("/classes/<int:class_id>/members/<int:member_id>/kiosk", methods=["GET", "POST"])
@volunteer_required
def kiosk_secret(class_id: int, member_id: int):
    """A volunteer sets, with the learner beside them, how they sign in on a kiosk."""
    klass = _own_class(class_id)
    db = get_db()
    member = _member(klass, member_id)
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


# --- reports ---------------------------------------------------------------------------------

@bp.get("/reports/")
@volunteer_required
def report():
    """Figures for a date range and place, with a server-drawn SVG chart."""
    start, end, place = _report_params()
    found = reports.build(get_db(), current_volunteer(), start, end, place)
    titles = {x.id: x for x in library().listing("vi")}
    return render_template("volunteer/report.html", me=current_volunteer(), report=found,
                           bars=reports.chart_bars(found), titles=titles)


@bp.get("/reports/report.csv")
@volunteer_required
def report_csv():
    start, end, place = _report_params()
    found = reports.build(get_db(), current_volunteer(), start, end, place)
    labels = {"from": _("Từ ngày"), "to": _("Đến ngày"), "place": _("Địa bàn"),
              "classes": _("Số lớp đã tổ chức"), "learners": _("Số người được hỗ trợ"),
              "lessons": _("Số bài đã học xong"), "steps": _("Số bước đã luyện tập"),
              "date": _("Ngày"), "class": _("Lớp"), "lesson": _("Bài"), "step": _("Bước"),
              "wrong": _("Số lần trả lời sai")}
    name = f"tapso-bao-cao-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(reports.to_csv(found, labels), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- helpers ------------------------------------------------------------------------------

def _own_class(class_id: int) -> ClassSession:
    klass = classes.class_for(get_db(), current_volunteer(), class_id)
    if klass is None:
        abort(404)  # not "forbidden": another volunteer's class does not exist for you
    return klass


def _member(klass: ClassSession, member_id: int):
    member = classes.member_of(get_db(), klass, member_id)
    if member is None:
        abort(404)
    return member


def _planned_lessons(klass: ClassSession) -> list[Lesson]:
    locale = str(get_locale())
    found = (library().get(x, locale) for x in classes.planned(klass))
    return [x for x in found if x is not None]


def _presented_lesson(klass: ClassSession) -> Lesson | None:
    lesson_id = klass.current_lesson or next(iter(classes.planned(klass)), "")
    return library().get(lesson_id, str(get_locale())) if lesson_id else None


def _join_url(klass: ClassSession) -> str:
    return public_url(url_for("classroom.join_class", code=klass.code))


def _render_presenter(klass: ClassSession):
    lesson = _presented_lesson(klass)
    context = {"me": current_volunteer(), "klass": klass, "lesson": lesson,
               "lessons": _planned_lessons(klass), "join_url": _join_url(klass)}
    if lesson is not None and lesson.steps:
        number = max(1, min(klass.current_step, len(lesson.steps)))
        step = lesson.steps[number - 1]
        context.update(
            step=step, number=number, total=len(lesson.steps),
            ui=screen_ui(lesson, step.interaction, taps=False, point=klass.highlight,
                         say_answer=klass.highlight),
            followers=sum(m.following for m in klass.members),
        )
    return render("volunteer/presenter.html", "volunteer/_presenter_stage.html", **context)


def _report_params() -> tuple[dt.date, dt.date, str]:
    today = dt.date.today()

    def day(name: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(request.args.get(name, "")[:10])
        except ValueError:
            return default

    start = day("start", today.replace(day=1))
    end = day("end", today)
    if end < start:
        start, end = end, start
    return start, end, request.args.get("place", "")[:80]

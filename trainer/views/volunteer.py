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

from trainer.classroom import archive, auth, classes, kiosk, qr, reports
from trainer.classroom.auth import admin_required, current_volunteer, volunteer_required
from trainer.content.lesson import Lesson
from trainer.forms import AddVolunteerForm, KioskSecretForm, LoginForm, NewClassForm
from trainer.models import ClassSession, Volunteer
from trainer.screens.render import screen_ui
from trainer.web import card_url, get_db, is_htmx, library, public_url, render, safe_next

bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")


# --- signing in, accounts ------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error, code = None, 200
    if form.validate_on_submit():
        username, address, db = form.username.data, request.remote_addr or "", get_db()
        if auth.is_locked(db, username, address):
            error, code = _("Đăng nhập sai nhiều lần. Vui lòng đợi 15 phút rồi thử lại."), 429
        elif (volunteer := auth.verify(db, username, form.password.data)) is None:
            auth.record_failure(db, username, address)
            db.commit()
            error, code = _("Tên đăng nhập hoặc mật khẩu chưa đúng."), 401
        else:
            auth.clear_failures(db, username)
            db.commit()
            auth.log_in(volunteer)
            return redirect(safe_next(form.next.data, url_for(".dashboard")), code=303)
    elif form.errors:
        code = 400
    return render_template("volunteer/login.html", form=form, error=error), code


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
    form = AddVolunteerForm()
    error = message = None
    if form.validate_on_submit():
        try:
            created = auth.create_volunteer(db, form.username.data, form.password.data,
                                            form.role.data, form.display_name.data)
            db.commit()
        except auth.AccountError:  # the username is taken
            db.rollback()
            error = _("Chưa thêm được: tên đăng nhập 2–40 chữ thường không dấu hoặc số "
                      "(chưa ai dùng), mật khẩu ít nhất 8 ký tự.")
        else:
            message = _("Đã thêm tình nguyện viên %(name)s.", name=created.username)
            form = AddVolunteerForm(formdata=None)  # empty again, for the next one
    people = db.query(Volunteer).order_by(Volunteer.username).all()
    return render_template("volunteer/volunteers.html", me=current_volunteer(), people=people,
                           form=form, error=error, message=message), \
        400 if error or form.errors else 200


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
    form = NewClassForm(lessons=library().listing(str(get_locale())))
    if form.validate_on_submit():
        db = get_db()
        try:
            klass = classes.create_class(db, current_volunteer(), form.title.data,
                                         form.held_on.data, form.commune.data,
                                         form.village.data, form.lesson.data)
        except classes.ClassError:  # no free join code: very unlikely, say so and retry
            db.rollback()
            form.title.errors.append(_("Chưa tạo được lớp. Bác bấm lại nút Tạo lớp."))
        else:
            db.commit()
            return redirect(url_for(".show_class", class_id=klass.id), code=303)
    return render_template("volunteer/class_new.html", me=current_volunteer(), form=form), \
        400 if form.errors else 200


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
    form = KioskSecretForm()
    saved = None
    if form.validate_on_submit():
        kiosk.set_secret(db, member.learner, form.picture.data, form.kind.data,
                         form.pin.data or "", form.sequence)
        db.commit()
        saved = True
        form = KioskSecretForm(formdata=None)  # the secret is never shown again
    return render_template("kiosk/set_secret.html", me=current_volunteer(), klass=klass,
                           member=member, pictures=kiosk.PICTURES, form=form,
                           saved=saved), 400 if form.errors else 200


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


# --- bringing laptops' work together (admins) -------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_work():
    """An admin uploads a file from a class laptop's `trainer export`: it merges into this
    server, and the same file twice changes nothing."""
    result = problem = None
    code = 200
    if request.method == "POST":
        upload = request.files.get("archive")
        if upload is None or not upload.filename:
            problem, code = _("Bác chọn tệp .tapso từ máy của lớp trước đã."), 400
        else:
            config = current_app.config
            db = get_db()
            try:
                result = archive.import_archive(
                    db, upload.read(),
                    archive.archive_key(config["SECRET_KEY"], config["ARCHIVE_KEY"]))
            except archive.ArchiveError as exc:
                db.rollback()
                problem, code = _archive_problem(exc.reason), 400
            else:
                db.commit()
    return render_template("volunteer/import.html", me=current_volunteer(), result=result,
                           problem=problem, kinds=archive.KINDS), code


def _archive_problem(reason: str) -> str:
    return {
        "truncated": _("Tệp chưa đủ (có thể bị cắt khi chép). Bác chép lại tệp rồi thử lại. "
                       "Chưa có gì được nhập."),
        "signature": _("Chữ ký của tệp không khớp: tệp đã bị sửa, hoặc máy của lớp dùng khoá "
                       "khác (TRAINER_ARCHIVE_KEY). Chưa có gì được nhập."),
        "newer": _("Tệp làm từ phiên bản Tập Số mới hơn. Bác cập nhật máy chủ trước. "
                   "Chưa có gì được nhập."),
    }.get(reason, _("Đây không phải tệp xuất từ Tập Số. Chưa có gì được nhập."))

"""Everything under ``/volunteer``: sign-in, the volunteer's home page, accounts (admins),
classes with their code and QR, the presenter for the projector, the live board, learner
cards and kiosk sign-in secrets, and reports.

A volunteer reaches the classes they run or help with (an admin reaches every class); any
other class gets a page that says it is not theirs.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
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
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from trainer import web
from trainer.classroom import addresses, archive, auth, classes, kiosk, qr, reports
from trainer.classroom.auth import admin_required, current_volunteer, volunteer_required
from trainer.content.lesson import Choose, Judge, Lesson, Type
from trainer.forms import (
    VISIT_KIND_LABELS,
    AddVolunteerForm,
    KioskSecretForm,
    LoginForm,
    NewClassForm,
    PlaceForm,
    SupportVisitForm,
    TeamForm,
)
from trainer.models import ClassSession, Place, SupportVisit, Team, Volunteer, utcnow
from trainer.screens.render import screen_ui, tapped_words

bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")


# --- signing in, accounts ------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error, code = None, 200
    if form.validate_on_submit():
        username, address, db = form.username.data, request.remote_addr or "", web.get_db()
        # The try is counted before the password is checked: parallel tries cannot race it.
        if not auth.reserve_try(db, username, address):
            error, code = _("Đăng nhập sai nhiều lần. Vui lòng đợi 15 phút rồi thử lại."), 429
        elif (volunteer := auth.verify(db, username, form.password.data)) is None:
            error, code = _("Tên đăng nhập hoặc mật khẩu chưa đúng."), 401
        else:
            auth.login_succeeded(db, username, address)
            db.commit()
            auth.log_in(volunteer)
            return redirect(web.safe_next(form.next.data, url_for(".dashboard")), code=303)
    elif form.errors:
        code = 400
    return render_template("volunteer/login.html", form=form, error=error), code


@bp.post("/logout")
def logout():
    auth.log_out(everywhere=True)
    return web.clear_site_cache(redirect(url_for(".login"), code=303))


@bp.get("/")
@volunteer_required
def dashboard():
    me = current_volunteer()
    mine = classes.classes_for(web.get_db(), me)
    return render_template("volunteer/dashboard.html", me=me, classes=mine)


@bp.route("/volunteers", methods=["GET", "POST"])
@admin_required
def volunteers():
    db = web.get_db()
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
    db = web.get_db()
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
    form = _class_form()
    if form.validate_on_submit():
        db = web.get_db()
        try:
            klass = classes.create_class(db, current_volunteer(), form.title.data,
                                         form.held_on.data, form.commune.data,
                                         form.village.data, form.lesson.data,
                                         form.organiser.data)
        except classes.ClassError:  # no free join code: very unlikely, say so and retry
            db.rollback()
            form.title.errors.append(_("Chưa tạo được lớp. Bác bấm lại nút Tạo lớp."))
        else:
            return _back_to_class(klass)
    return render_template("volunteer/class_new.html", me=current_volunteer(), form=form,
                           topics=_topics()), 400 if form.errors else 200


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@volunteer_required
def edit_class(class_id: int):
    """Change the class (its code, members and the presenter's place stay)."""
    klass = _own_class(class_id)
    form = _class_form(data={"title": klass.title, "commune": klass.commune,
                             "village": klass.village, "organiser": klass.organiser,
                             "held_on": klass.held_on, "lesson": classes.planned(klass)})
    if form.validate_on_submit():
        classes.edit_class(klass, form.title.data, form.held_on.data, form.commune.data,
                           form.village.data, form.lesson.data, form.organiser.data)
        return _back_to_class(klass)
    return render_template("volunteer/class_new.html", me=current_volunteer(), klass=klass,
                           form=form, topics=_topics()), 400 if form.errors else 200


@bp.get("/classes/<int:class_id>")
@volunteer_required
def show_class(class_id: int):
    klass = _own_class(class_id)
    bases, base = _join_bases(), _join_base()
    return render_template("volunteer/class.html", me=current_volunteer(), klass=klass,
                           lessons=_planned_lessons(klass), join_url=_join_url(klass),
                           bases=bases, base=base, local=addresses.is_local_host(
                               urlsplit(base).hostname or ""),
                           open=classes.is_open(klass, dt.date.today()),
                           certified=len(classes.finished_class(web.get_db(), klass)),
                           helper_error=request.args.get("helper") == "unknown")


@bp.get("/classes/<int:class_id>/members")
@volunteer_required
def class_members(class_id: int):
    """The member list on the class page, polled so newcomers appear."""
    return _polled("volunteer/_members.html", class_id)


@bp.get("/classes/<int:class_id>/qr.svg")
@volunteer_required
def class_qr(class_id: int):
    klass = _own_class(class_id)
    return Response(qr.svg_file(_join_url(klass)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-cache"})


@bp.route("/classes/<int:class_id>/end", methods=["GET", "POST"])
@volunteer_required
def end_class(class_id: int):
    """Ending asks first (the code stops working for everyone); ending twice says so."""
    klass = _own_class(class_id)
    if klass.closed_at is not None:
        return _ended(klass, _("Lớp này đã kết thúc rồi. Không cần kết thúc lần nữa."), 409)
    if request.method == "GET":
        return render_template("volunteer/class_end.html", me=current_volunteer(), klass=klass)
    classes.end_class(klass)
    return _back_to_class(klass)


@bp.post("/classes/<int:class_id>/close")
@volunteer_required
def close_class(class_id: int):
    """The old "end" button's address: it now asks first."""
    return redirect(url_for(".end_class", class_id=class_id), code=303)


@bp.post("/classes/<int:class_id>/reopen")
@volunteer_required
def reopen_class(class_id: int):
    klass = _own_class(class_id)
    classes.reopen_class(klass, dt.date.today())
    return _back_to_class(klass)


@bp.post("/classes/<int:class_id>/helpers")
@volunteer_required
def add_helper(class_id: int):
    klass = _own_class(class_id)
    db = web.get_db()
    try:
        classes.add_helper(db, klass, request.form.get("username", "")[:40])
    except classes.ClassError:
        db.rollback()
        return redirect(url_for(".show_class", class_id=klass.id, helper="unknown"), code=303)
    return _back_to_class(klass)


@bp.post("/classes/<int:class_id>/helpers/<int:volunteer_id>/remove")
@volunteer_required
def remove_helper(class_id: int, volunteer_id: int):
    klass = _own_class(class_id)
    classes.remove_helper(klass, volunteer_id)
    return _back_to_class(klass)


@bp.post("/classes/<int:class_id>/lock")
@volunteer_required
def lock_class(class_id: int):
    """"Khoá lớp": everyone is in, so the code on the projector lets nobody else join."""
    klass = _own_class(class_id)
    klass.locked = request.form.get("locked") == "1"
    return _back_to_class(klass)


# --- the projector: "Vào lớp" slide and presenter ---------------------------------------------

@bp.get("/classes/<int:class_id>/welcome")
@volunteer_required
def welcome(class_id: int):
    """The "Vào lớp" slide: code, QR, address and how many joined; no names, no buttons."""
    klass = _own_class(class_id)
    if klass.closed_at is not None:
        return _ended(klass, _("Lớp này đã kết thúc nên không mời vào lớp được nữa. Mở lại "
                               "lớp nếu các bác vẫn đang học."), 410)
    return render_template("volunteer/welcome.html", klass=klass, join_url=_join_url(klass),
                           poll=current_app.config["CLASS_POLL_SECONDS"])


@bp.get("/classes/<int:class_id>/count")
@volunteer_required
def joined_count(class_id: int):
    """How many joined, on the "Vào lớp" slide (polled)."""
    return _polled("volunteer/_joined_count.html", class_id)


@bp.get("/classes/<int:class_id>/present")
@volunteer_required
def presenter(class_id: int):
    klass = _own_class(class_id)
    if klass.closed_at is not None:
        return _ended_presenting(klass)
    return _render_presenter(klass)


@bp.get("/classes/<int:class_id>/present/version")
@volunteer_required
def presenter_version(class_id: int):
    """Polled by every presenter window: when it changes, the window redraws (sync)."""
    klass = _own_class(class_id)
    return Response(classes.presenter_version(klass), mimetype="text/plain",
                    headers={"Cache-Control": "no-store"})


@bp.post("/classes/<int:class_id>/present")
@volunteer_required
def presenter_move(class_id: int):
    """Next/previous/go to a step, another lesson, highlight the target, "follow me".
    Next at the last step opens the next lesson of the class plan."""
    klass = _own_class(class_id)
    if klass.closed_at is not None:
        return _ended_presenting(klass)
    lesson = _presented_lesson(klass)
    form = request.form
    if form.get("lesson") and form["lesson"] in classes.planned(klass) + web.library().ids():
        chosen = web.library().get(form["lesson"], str(get_locale()))
        if chosen is None:
            abort(404)
        classes.present(klass, chosen, 1)
        klass.highlight = False
    elif lesson is not None:
        action = form.get("action", "")
        step = {"next": klass.current_step + 1, "prev": klass.current_step - 1}.get(action)
        following = classes.next_planned(klass, lesson.id)
        if action == "next" and klass.current_step >= len(lesson.steps) and following:
            classes.present(klass, web.library().get(following, str(get_locale())) or lesson, 1)
            klass.highlight = False
        elif step is not None:
            classes.present(klass, lesson, step)
            klass.highlight = False
        elif action == "highlight":
            klass.highlight = not klass.highlight
        elif action == "follow":
            klass.follow_on = not klass.follow_on
        elif action:
            abort(400)
    web.get_db().commit()
    if web.is_htmx():
        return _render_presenter(klass)
    return redirect(url_for(".presenter", class_id=klass.id), code=303)


# --- the live board ------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/board")
@volunteer_required
def board(class_id: int):
    klass = _own_class(class_id)
    return web.render("volunteer/board.html", "volunteer/_board_grid.html",
                      me=current_volunteer(), klass=klass, rows=_board_rows(klass),
                      presented=_presented_lesson(klass),
                      poll=current_app.config["CLASS_POLL_SECONDS"])


@bp.get("/classes/<int:class_id>/members/<int:member_id>")
@volunteer_required
def learner_page(class_id: int, member_id: int):
    """One learner tonight: where they are, what went wrong, every step they took."""
    klass = _own_class(class_id)
    member = _member(klass, member_id)
    row = next(r for r in _board_rows(klass) if r["row"].member.id == member.id)
    path = []
    for entry in classes.learner_path(web.get_db(), member):
        lesson = web.library().get(entry.lesson_id, str(get_locale()))
        index = lesson.step_index(entry.step_key) if lesson else None
        path.append({"entry": entry, "lesson": lesson,
                     "step": lesson.steps[index] if index is not None else None,
                     "number": index + 1 if index is not None else None,
                     "words": _event_words(lesson, index, entry.kind, entry.correct,
                                           entry.finished, entry.detail)})
    return render_template("volunteer/learner.html", me=current_volunteer(), klass=klass,
                           member=member, r=row, path=path, now=utcnow())


@bp.post("/classes/<int:class_id>/members/<int:member_id>/helped")
@volunteer_required
def helped(class_id: int, member_id: int):
    """"Đã giúp": the hand comes down and the row is no longer flagged."""
    klass = _own_class(class_id)
    classes.mark_helped(_member(klass, member_id))
    web.get_db().commit()
    return _back_to_board(klass)


@bp.post("/classes/<int:class_id>/members/<int:member_id>/send")
@volunteer_required
def send_to_phone(class_id: int, member_id: int):
    """"Cho xem trên máy bác" (show-me on their phone) or "Đưa về bước của tôi"."""
    klass = _own_class(class_id)
    try:
        classes.send(_member(klass, member_id), request.form.get("what", ""))
    except classes.ClassError:
        abort(400)
    web.get_db().commit()
    return _back_to_board(klass)


# --- class certificates ---------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/certificates")
@volunteer_required
def class_certificates(class_id: int):
    """One A5 page per learner who finished every lesson of the class, to print."""
    klass = _own_class(class_id)
    return render_template("kiosk/certificate_class.html", me=current_volunteer(), klass=klass,
                           members=classes.finished_class(web.get_db(), klass),
                           lessons=_planned_lessons(klass))


# --- learner cards and kiosk sign-in -----------------------------------------------------------

@bp.get("/classes/<int:class_id>/cards")
@volunteer_required
def class_cards(class_id: int):
    """Every member's learner card (name + QR), to print for the class."""
    klass = _own_class(class_id)
    db = web.get_db()
    cards = [(m.display_name, qr.svg_inline(web.card_url(m.learner)),
              kiosk.show_code(kiosk.card_code(db, m.learner))) for m in klass.members]
    db.commit()  # the typed codes made for these cards
    return render_template("kiosk/cards.html", cards=cards, klass=klass)


@bp.route("/classes/<int:class_id>/members/<int:member_id>/kiosk", methods=["GET", "POST"])
@volunteer_required
def kiosk_secret(class_id: int, member_id: int):
    """A volunteer sets, with the learner beside them, how they sign in on a kiosk."""
    klass = _own_class(class_id)
    db = web.get_db()
    member = _member(klass, member_id)
    form = KioskSecretForm()
    saved = None
    if form.validate_on_submit():
        kiosk.set_secret(db, current_app.config["SECRET_KEY"], member.learner,
                         form.picture.data, form.kind.data, form.pin.data or "", form.sequence)
        db.commit()
        saved = True
        form = KioskSecretForm(formdata=None)  # the secret is never shown again
    return render_template("kiosk/set_secret.html", me=current_volunteer(), klass=klass,
                           member=member, pictures=kiosk.PICTURES, form=form,
                           saved=saved), 400 if form.errors else 200


@bp.post("/classes/<int:class_id>/members/<int:member_id>/card/revoke")
@volunteer_required
def revoke_card(class_id: int, member_id: int):
    """A lost learner card: its QR stops working (print a new one from the cards page)."""
    member = _member(_own_class(class_id), member_id)
    kiosk.revoke_cards(web.get_db(), member.learner)
    web.get_db().commit()
    return redirect(url_for(".kiosk_secret", class_id=class_id, member_id=member_id,
                            revoked=1), code=303)


# --- reports and 1-to-1 help ----------------------------------------------------------------

@bp.get("/reports/")
@volunteer_required
def report():
    """The union's figures for a date range, place, team and volunteer, with a chart."""
    filters, notice = _report_filters()
    if filters is None:
        return _report_page(None, notice), 400
    return _report_page(reports.build(web.get_db(), current_volunteer(), filters), notice)


@bp.get("/reports/print")
@volunteer_required
def report_print():
    """One printable page: the totals, the chart and the breakdown by commune."""
    filters, notice = _report_filters()
    if filters is None:
        return _report_page(None, notice), 400
    found = reports.build(web.get_db(), current_volunteer(), filters)
    return render_template("volunteer/report_print.html", report=found,
                           bars=reports.chart_bars(found), me=current_volunteer())


@bp.get("/reports/report.<any(csv,xlsx):kind>")
@volunteer_required
def report_download(kind: str):
    """The same figures for Excel: xlsx, or CSV with the separator the user's Excel
    expects (``sep=semicolon`` for Vietnamese regional settings)."""
    filters, notice = _report_filters()
    if filters is None:
        return _report_page(None, notice), 400
    found = reports.build(web.get_db(), current_volunteer(), filters)
    tables = reports.sheets(found, _report_labels(), _step_title)
    name = f"tapso-bao-cao-{filters.start.isoformat()}-{filters.end.isoformat()}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "xlsx":
        return Response(reports.to_xlsx(tables), headers=disposition, mimetype=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    return Response(reports.to_csv(tables, delimiter), mimetype="text/csv",
                    headers=disposition)


@bp.route("/visits/new", methods=["GET", "POST"])
@volunteer_required
def new_visit():
    """"Ghi nhận hỗ trợ 1-1": a door-to-door or counter visit, from a phone."""
    form = SupportVisitForm()
    saved = None
    if form.validate_on_submit():
        db = web.get_db()
        visit = SupportVisit(volunteer_id=current_volunteer().id, held_on=form.held_on.data,
                             person=form.person.data, birth_year=form.birth_year.data,
                             commune=form.commune.data or "", kinds=" ".join(form.kinds.data))
        db.add(visit)
        db.commit()
        saved = visit.person
        form = SupportVisitForm(formdata=None)
    mine = web.get_db().scalars(select(SupportVisit).where(
        SupportVisit.volunteer_id == current_volunteer().id)
        .order_by(SupportVisit.held_on.desc(), SupportVisit.id.desc()).limit(20)).all()
    return render_template("volunteer/visit_new.html", me=current_volunteer(), form=form,
                           saved=saved, visits=mine, places=_place_names(),
                           kind_labels=VISIT_KIND_LABELS), 400 if form.errors else 200


@bp.route("/places", methods=["GET", "POST"])
@admin_required
def places():
    """The pick-lists reports count by: youth teams, and the province's communes."""
    db = web.get_db()
    team_form, place_form = TeamForm(prefix="team"), PlaceForm(prefix="place")
    message = None
    if request.method == "POST":
        if "team-name" in request.form and team_form.validate_on_submit():
            if db.scalar(select(Team).where(Team.name == team_form.name.data)) is None:
                db.add(Team(name=team_form.name.data))
                db.commit()
            message = _("Đã thêm đội hình %(name)s.", name=team_form.name.data)
            team_form = TeamForm(prefix="team", formdata=None)
        elif "place-name" in request.form and place_form.validate_on_submit():
            if db.scalar(select(Place).where(Place.province == place_form.province.data,
                                             Place.name == place_form.name.data)) is None:
                db.add(Place(province=place_form.province.data, kind=place_form.kind.data,
                             name=place_form.name.data))
                db.commit()
            message = _("Đã thêm %(name)s.", name=place_form.name.data)
            place_form = PlaceForm(prefix="place", formdata=None)
        elif request.form.get("toggle_place", "").isdigit():
            found = db.get(Place, int(request.form["toggle_place"][:9]))
            if found is None:
                abort(404)
            found.active = not found.active
            db.commit()
            return redirect(url_for(".places"), code=303)
        elif request.form.get("volunteer", "").isdigit():
            person = db.get(Volunteer, int(request.form["volunteer"][:9]))
            team_id = request.form.get("team_id", "")
            team = db.get(Team, int(team_id[:9])) if team_id.isdigit() else None
            if person is None or (team_id and team is None):
                abort(404)
            person.team_id = team.id if team else None
            db.commit()
            return redirect(url_for(".places"), code=303)
    return render_template(
        "volunteer/places.html", me=current_volunteer(), message=message,
        team_form=team_form, place_form=place_form,
        teams=db.scalars(select(Team).order_by(Team.name)).all(),
        places=db.scalars(select(Place).order_by(Place.province, Place.kind, Place.name)).all(),
        people=db.scalars(select(Volunteer).order_by(Volunteer.username)).all()), \
        400 if team_form.errors or place_form.errors else 200


# --- helpers ------------------------------------------------------------------------------

ADDRESS_KEY = "class_address"  # the LAN address the volunteer picked for the QR


def _back_to_class(klass: ClassSession) -> Response:
    """After a class is created or changed: save it and show its page (303, so that
    reloading the page does not send the form twice)."""
    web.get_db().commit()
    return redirect(url_for(".show_class", class_id=klass.id), code=303)


def _polled(template: str, class_id: int) -> str:
    """A part of a class's page that the page fetches again every CLASS_POLL_SECONDS."""
    return render_template(template, klass=_own_class(class_id),
                           poll=current_app.config["CLASS_POLL_SECONDS"])


def _own_class(class_id: int) -> ClassSession:
    """The class, if this volunteer runs it, helps with it or is an admin; a class that
    exists but is someone else's gets a page that says so (403), not a 404."""
    db = web.get_db()
    klass = db.get(ClassSession, class_id)
    if klass is None:
        abort(404)
    if not classes.may_run(current_volunteer(), klass):
        abort(Response(render_template("volunteer/not_yours.html", me=current_volunteer(),
                                       klass=klass), 403))
    return klass


def _ended(klass: ClassSession, message: str, code: int):
    return render_template("volunteer/ended.html", me=current_volunteer(), klass=klass,
                           message=message), code


def _ended_presenting(klass: ClassSession):
    return _ended(klass, _("Lớp này đã kết thúc nên không trình chiếu được. Mở lại lớp để "
                           "trình chiếu tiếp."), 410)


def _member(klass: ClassSession, member_id: int):
    member = classes.member_of(web.get_db(), klass, member_id)
    if member is None:
        abort(404)
    return member


def _class_form(**kwargs) -> NewClassForm:
    """The new/edit class form, offering every lesson of the library."""
    return NewClassForm(lessons=web.library().listing(str(get_locale())), **kwargs)


def _topics() -> list:
    """Lessons grouped by topic for the lesson picker."""
    return web.library().by_topic(str(get_locale()))


def _planned_lessons(klass: ClassSession) -> list[Lesson]:
    locale = str(get_locale())
    found = (web.library().get(x, locale) for x in classes.planned(klass))
    return [x for x in found if x is not None]


def _presented_lesson(klass: ClassSession) -> Lesson | None:
    lesson_id = klass.current_lesson or next(iter(classes.planned(klass)), "")
    return web.library().get(lesson_id, str(get_locale())) if lesson_id else None


def _join_bases() -> list[str]:
    """Addresses phones can open: TRAINER_PUBLIC_URL if set, else the one this browser
    used when it is a network address, else one per LAN address of the laptop."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return [configured.rstrip("/")]
    return addresses.phone_urls(request.host_url) or [request.host_url.rstrip("/")]


def _join_base() -> str:
    bases = _join_bases()
    asked = request.args.get("address", "")
    if asked in bases:
        session[ADDRESS_KEY] = asked
    picked = session.get(ADDRESS_KEY)
    return picked if picked in bases else bases[0]


def _join_url(klass: ClassSession) -> str:
    return _join_base() + url_for("classroom.join_class", code=klass.code)


def _render_presenter(klass: ClassSession):
    lesson = _presented_lesson(klass)
    context = {"me": current_volunteer(), "klass": klass, "lesson": lesson,
               "lessons": _planned_lessons(klass), "join_url": _join_url(klass),
               "version": classes.presenter_version(klass)}
    if lesson is not None and lesson.steps:
        number = max(1, min(klass.current_step, len(lesson.steps)))
        step = lesson.steps[number - 1]
        following = classes.next_planned(klass, lesson.id)
        context.update(
            step=step, number=number, total=len(lesson.steps),
            ui=screen_ui(lesson, step.interaction, taps=False, point=klass.highlight,
                         say_answer=klass.highlight),
            followers=sum(m.following for m in klass.members),
            next_lesson=web.library().get(following, str(get_locale())) if following else None,
        )
    return web.render("volunteer/presenter.html", "volunteer/_presenter_stage.html", **context)


def _report_filters() -> tuple[reports.Filters | None, str | None]:
    """The report's filters from the address; None and a message for days that make no
    report (the page then says so, and keeps the form)."""
    args = request.args
    try:
        start, end, swapped = reports.date_range(args.get("start", ""), args.get("end", ""),
                                                 dt.date.today())
    except reports.RangeError as exc:
        return None, {
            "not-a-date": _("Ngày chưa đúng: chọn ngày trong lịch."),
            "too-long": _("Khoảng thời gian dài quá: chọn nhiều nhất ba năm."),
        }.get(exc.reason, _("Ngày nằm ngoài khoảng có thể báo cáo (từ năm 2020 đến hôm nay)."))
    team = args.get("team", "")
    who = args.get("volunteer", "")
    filters = reports.Filters(start, end, args.get("place", "")[:80].strip(),
                              int(team[:9]) if team.isdigit() else None,
                              int(who[:9]) if who.isdigit() else None)
    return filters, _("Ngày bắt đầu sau ngày kết thúc: đã đổi chỗ hai ngày.") if swapped else None


def _board_rows(klass: ClassSession) -> list[dict]:
    """The board's rows with the words the volunteer reads: lesson, step name, last wrong."""
    locale = str(get_locale())
    rows = []
    for row in classes.board(web.get_db(), klass, lambda x: web.library().get(x, locale)):
        lesson = web.library().get(row.lesson_id, locale) if row.lesson_id else None
        step = lesson.steps[row.at] if lesson is not None and row.at is not None else None
        rows.append({"row": row, "lesson": lesson, "step": step,
                     "number": row.at + 1 if row.at is not None else None,
                     "wrong_words": _wrong_words(lesson, row.at, row.last_wrong)
                     if row.last_wrong else ""})
    return rows


def _wrong_words(lesson: Lesson | None, index: int | None, detail: str) -> str:
    """A wrong answer in words: "bấm Zalo", "chọn “An toàn”", "gõ chưa đúng"."""
    if lesson is None or index is None:
        return detail
    interaction = lesson.steps[index].interaction
    if isinstance(interaction, Choose):
        text = next((o.text for o in interaction.options if o.key == detail), detail)
        return _("chọn “%(what)s”", what=Markup(text).striptags())
    if isinstance(interaction, Judge):
        return _("chọn “Lừa đảo”") if detail == "scam" else _("chọn “An toàn”")
    if isinstance(interaction, Type):
        return _("gõ chưa đúng")
    if not detail:
        return ""
    return _("bấm %(what)s", what=tapped_words(lesson, index, detail))


def _event_words(lesson: Lesson | None, index: int | None, kind: str, correct: bool | None,
                 finished: bool, detail: str) -> str:
    if kind == "hint":
        return _("xin gợi ý")
    if kind == "show":
        return _("xem cách làm")
    if correct is False:
        return _("sai: %(what)s", what=_wrong_words(lesson, index, detail))
    return _("đúng, xong bước") if finished else _("đúng")


def _back_to_board(klass: ClassSession):
    if web.is_htmx():
        return board(klass.id)
    back = web.safe_next(request.form.get("next"), url_for(".board", class_id=klass.id))
    return redirect(back, code=303)


def _report_page(found: reports.Report | None, notice: str | None) -> str:
    db = web.get_db()
    me = current_volunteer()
    return render_template(
        "volunteer/report.html", me=me, report=found, notice=notice, args=request.args,
        bars=reports.chart_bars(found) if found else [], step_title=_step_title,
        places=_place_names(), teams=db.scalars(select(Team).order_by(Team.name)).all(),
        volunteers=db.scalars(select(Volunteer).order_by(Volunteer.username)).all()
        if me.role == "admin" else [], kind_labels=VISIT_KIND_LABELS, age_groups=AGE_LABELS)


AGE_LABELS = {"under-60": _l("Dưới 60 tuổi"), "60-69": _l("60–69 tuổi"),
              "70-79": _l("70–79 tuổi"), "80+": _l("Từ 80 tuổi"),
              "unknown": _l("Không rõ tuổi")}


def _report_labels() -> dict[str, str]:
    return {
        "from": _("Từ ngày"), "to": _("Đến ngày"), "place": _("Địa bàn"),
        "classes": _("Số lớp đã tổ chức"), "one_to_one": _("Số lượt hỗ trợ 1-1"),
        "activities": _("Số hoạt động"), "people": _("Số người được hỗ trợ"),
        "learners": _("Người học trong lớp"), "visit_people": _("Người được hỗ trợ 1-1"),
        "lessons": _("Số bài đã học xong"), "steps": _("Số bước đã luyện tập"),
        "date": _("Ngày"), "class": _("Lớp"), "lesson": _("Bài"), "step": _("Bước"),
        "wrong": _("Số lần trả lời sai"), "volunteer": _("Tình nguyện viên"),
        "team": _("Đội hình"), "week": _("Tuần (từ thứ Hai)"), "none": _("(chưa ghi)"),
        "completed": _("Học xong mọi bài của lớp"), "summary": _("Tổng hợp"),
        "by_commune": _("Theo xã, phường"), "by_team": _("Theo đội hình"),
        "by_volunteer": _("Theo tình nguyện viên"), "by_week": _("Theo tuần"),
        "classes_sheet": _("Các lớp"), "missed": _("Bước hay sai"),
        **{f"age:{k}": str(v) for k, v in AGE_LABELS.items()},
    }


def _step_title(lesson_id: str, step_key: str) -> tuple[str, str]:
    """A lesson's and a step's titles, as people read them (ids only if it is gone)."""
    lesson = web.library().get(lesson_id, str(get_locale()))
    index = lesson.step_index(step_key) if lesson else None
    if lesson is None or index is None:
        return lesson.title if lesson else lesson_id, step_key
    return lesson.title, f"{index + 1}. {lesson.steps[index].heading}"


def _place_names() -> list[str]:
    return [p.label for p in web.get_db().scalars(
        select(Place).where(Place.active.is_(True)).order_by(Place.kind, Place.name))]


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
            db = web.get_db()
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

"""The volunteers' forms: good data passes, bad data is refused with a Vietnamese
message on the right field, and each template draws its form's fields and errors."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from flask import render_template
from werkzeug.datastructures import MultiDict

from trainer.classroom import auth, kiosk
from trainer.forms import (
    AddVolunteerForm,
    KioskSecretForm,
    LoginForm,
    NewClassForm,
    submission_id,
)

LESSONS = [SimpleNamespace(id="sms-basics", title="Tin nhắn"),
           SimpleNamespace(id="vneid-login", title="Đăng nhập VNeID")]


@pytest.fixture
def post(app):
    """Build a form from a POST of ``data`` inside a request, as the view would."""
    contexts = []

    def build(form_class, data: dict, url: str = "/", **kwargs):
        context = app.test_request_context(url, method="POST", data=MultiDict(data))
        context.push()
        contexts.append(context)
        if form_class is NewClassForm:
            kwargs.setdefault("lessons", LESSONS)
        return form_class(**kwargs)

    yield build
    for context in reversed(contexts):
        context.pop()


def errors(form) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


# --- LoginForm ------------------------------------------------------------------------------

def test_login_accepts_a_username_and_password(post):
    form = post(LoginForm, {"username": "  An ", "password": "mat khau 8"})
    assert form.validate(), form.errors
    assert form.username.data == "an"  # as auth stores it
    assert form.password.data == "mat khau 8"


def test_login_needs_both_fields(post):
    form = post(LoginForm, {"username": "", "password": ""})
    assert not form.validate()
    assert errors(form) == {"username": ["Nhập tên đăng nhập."], "password": ["Nhập mật khẩu."]}


def test_login_refuses_what_no_account_can_have(post):
    form = post(LoginForm, {"username": "a" * 41, "password": "x" * (auth.MAX_PASSWORD + 1)})
    assert not form.validate()
    assert set(form.errors) == {"username", "password"}


def test_login_next_comes_from_the_page_or_the_form(post):
    asked = post(LoginForm, {"username": "an", "password": "x"},
                 "/volunteer/login?next=/volunteer/")
    assert asked.next.data == "/volunteer/"
    posted = post(LoginForm, {"username": "an", "password": "x", "next": "/volunteer/reports"},
                  "/volunteer/login?next=/volunteer/")
    assert posted.next.data == "/volunteer/reports"


# --- AddVolunteerForm ----------------------------------------------------------------------

GOOD_VOLUNTEER = {"username": "Chi.Ba", "display_name": " Chị Ba ", "password": "12345678",
                  "role": "admin"}


def test_add_volunteer_accepts_good_data(post):
    form = post(AddVolunteerForm, GOOD_VOLUNTEER)
    assert form.validate(), form.errors
    assert (form.username.data, form.display_name.data, form.role.data, form.admin) == \
        ("chi.ba", "Chị Ba", "admin", True)


def test_add_volunteer_role_is_volunteer_unless_chosen(post):
    form = post(AddVolunteerForm, {**GOOD_VOLUNTEER, "role": "volunteer"})
    assert form.validate() and not form.admin
    data = dict(GOOD_VOLUNTEER)
    del data["role"], data["display_name"]
    form = post(AddVolunteerForm, data)
    assert form.validate(), form.errors
    assert (form.role.data, form.display_name.data) == ("volunteer", "")


@pytest.mark.parametrize("field, value, message", [
    ("username", "", "Nhập tên đăng nhập."),
    ("username", "a", "Tên đăng nhập: 2–40"),
    ("username", "a" * 41, "Tên đăng nhập: 2–40"),
    ("username", "chị ba", "Tên đăng nhập: 2–40"),
    ("display_name", "x" * 61, "Tên hiển thị dài nhất 60 ký tự."),
    ("password", "1234567", "Mật khẩu cần từ 8 đến 200 ký tự."),
    ("password", "x" * 201, "Mật khẩu cần từ 8 đến 200 ký tự."),
    ("password", "", "Nhập mật khẩu."),
    ("role", "owner", "Chọn một vai trò."),
])
def test_add_volunteer_refuses_bad_data(post, field, value, message):
    form = post(AddVolunteerForm, {**GOOD_VOLUNTEER, field: value})
    assert not form.validate()
    assert list(form.errors) == [field] and form.errors[field][0].startswith(message)


def test_a_valid_new_volunteer_is_one_auth_accepts(post, app):
    """The form's limits are auth's: what validates can be created."""
    form = post(AddVolunteerForm, {**GOOD_VOLUNTEER, "password": "x" * auth.MIN_PASSWORD})
    assert form.validate()
    db = app.extensions["sessionmaker"]()
    try:
        created = auth.create_volunteer(db, form.username.data, form.password.data,
                                        form.role.data, form.display_name.data)
        assert created.username == "chi.ba" and created.role == "admin"
    finally:
        db.rollback()
        db.close()


# --- NewClassForm ---------------------------------------------------------------------------

GOOD_CLASS = {"title": " Lớp VNeID ", "held_on": "2026-12-01", "commune": "Xã An Bình",
              "village": "Thôn 1", "lesson": ["vneid-login", "sms-basics"]}


def test_new_class_accepts_good_data_and_keeps_the_lesson_order(post):
    form = post(NewClassForm, GOOD_CLASS)
    assert form.validate(), form.errors
    assert form.title.data == "Lớp VNeID"
    assert form.held_on.data == dt.date(2026, 12, 1)
    assert form.lesson.data == ["vneid-login", "sms-basics"]


def test_new_class_needs_only_a_title_and_a_day(post):
    form = post(NewClassForm, {"title": "Lớp", "held_on": "2026-12-01"})
    assert form.validate(), form.errors
    assert form.lesson.data == [] and form.commune.data == ""


@pytest.mark.parametrize("field, value, message", [
    ("title", "   ", "Lớp cần có tên."),
    ("title", "x" * 121, "Tên lớp dài nhất 120 ký tự."),
    ("commune", "x" * 81, "Tên xã / thôn dài nhất 80 ký tự."),
    ("village", "x" * 81, "Tên xã / thôn dài nhất 80 ký tự."),
    ("held_on", "", "Ngày học chưa đúng."),
    ("held_on", "2026-02-30", "Ngày học chưa đúng."),
    ("held_on", "1/12/2026", "Ngày học chưa đúng."),
    ("lesson", ["sms-basics", "no-such-lesson"], "Một bài đã chọn không có trong thư viện."),
])
def test_new_class_refuses_bad_data(post, field, value, message):
    form = post(NewClassForm, {**GOOD_CLASS, field: value})
    assert not form.validate()
    assert errors(form) == {field: [message]}


def test_new_class_takes_at_most_30_lessons(post):
    many = [SimpleNamespace(id=f"lesson-{i}", title=f"Bài {i}") for i in range(31)]
    form = post(NewClassForm, {**GOOD_CLASS, "lesson": [x.id for x in many]}, lessons=many)
    assert not form.validate()
    assert errors(form) == {"lesson": ["Chọn nhiều nhất 30 bài."]}
    form = post(NewClassForm, {**GOOD_CLASS, "lesson": [x.id for x in many[:30]]}, lessons=many)
    assert form.validate(), form.errors


def test_new_class_offers_today(app):
    with app.test_request_context("/volunteer/classes/new"):
        form = NewClassForm()
        assert form.held_on.data == dt.date.today() and form.lesson.choices == []


# --- KioskSecretForm ------------------------------------------------------------------------

def test_kiosk_secret_with_a_pin(post):
    form = post(KioskSecretForm, {"picture": "fish", "kind": "pin", "pin": "4826"})
    assert form.validate(), form.errors
    assert (form.picture.data, form.kind.data, form.pin.data) == ("fish", "pin", "4826")


def test_kiosk_secret_with_three_pictures(post):
    form = post(KioskSecretForm, {"picture": "moon", "kind": "pictures",
                                  "p0": "sun", "p1": "tree", "p2": "sun"})
    assert form.validate(), form.errors
    assert form.sequence == ["sun", "tree", "sun"]
    assert kiosk.secret_text(form.kind.data, form.pin.data or "", form.sequence) == \
        "pictures:sun-tree-sun"


@pytest.mark.parametrize("data, field, message", [
    ({"kind": "pin", "pin": "4826"}, "picture", "Chọn một hình để bác tìm tên mình."),
    ({"picture": "dragon", "kind": "pin", "pin": "4826"}, "picture",
     "Chọn một hình để bác tìm tên mình."),
    ({"picture": "fish", "kind": "pin", "pin": "482"}, "pin", "Mã PIN cần đúng 4 chữ số."),
    ({"picture": "fish", "kind": "pin", "pin": "48261"}, "pin", "Mã PIN cần đúng 4 chữ số."),
    ({"picture": "fish", "kind": "pin", "pin": "48a6"}, "pin", "Mã PIN cần đúng 4 chữ số."),
    ({"picture": "fish", "kind": "pin"}, "pin", "Mã PIN cần đúng 4 chữ số."),
    ({"picture": "fish", "kind": "pin", "pin": "4826\n"}, "pin", "Mã PIN cần đúng 4 chữ số."),
    ({"picture": "fish", "kind": "pictures", "p0": "sun", "p1": "tree"}, "kind",
     "Chọn đủ 3 hình theo thứ tự."),
    ({"picture": "fish", "kind": "pictures", "p0": "sun", "p1": "tree", "p2": "dragon"},
     "kind", "Chọn đủ 3 hình theo thứ tự."),
    ({"picture": "fish", "kind": "face", "pin": "4826"}, "kind", "Chọn cách đăng nhập."),
])
def test_kiosk_secret_refuses_bad_data(post, data, field, message):
    form = post(KioskSecretForm, data)
    assert not form.validate()
    assert errors(form) == {field: [message]}


def test_kiosk_pin_is_not_checked_when_pictures_are_chosen(post):
    form = post(KioskSecretForm, {"picture": "fish", "kind": "pictures", "pin": "12",
                                  "p0": "sun", "p1": "sun", "p2": "sun"})
    assert form.validate(), form.errors


def test_what_the_kiosk_form_accepts_kiosk_accepts(post):
    for data in ({"picture": "fish", "kind": "pin", "pin": "0000"},
                 {"picture": "fish", "kind": "pictures", "p0": "fish", "p1": "moon",
                  "p2": "banana"}):
        form = post(KioskSecretForm, data)
        assert form.validate()
        kiosk.secret_text(form.kind.data, form.pin.data or "", form.sequence)  # no SecretError


# --- English, and submission ids ---------------------------------------------------------

def test_messages_are_translated_to_english(make_app):
    app = make_app()
    with app.test_request_context("/", method="POST", data={"username": ""},
                                  headers={"Cookie": "lang=en"}):
        form = LoginForm()
        assert not form.validate()
        assert errors(form)["username"] == ["Enter the username."]


@pytest.mark.parametrize("data, expected", [
    ({"sid": "abc"}, "abc"), ({"sid": "x" * 50}, "x" * 40), ({"sid": ""}, None), ({}, None),
])
def test_submission_id(data, expected):
    assert submission_id(MultiDict(data)) == expected


# --- templates: what the lead's views will render -----------------------------------------

def render(app, template: str, form_class, data: dict | None = None, **context) -> str:
    method = "POST" if data is not None else "GET"
    with app.test_request_context("/volunteer/login?next=/volunteer/", method=method,
                                  data=MultiDict(data or {})):
        form = form_class(lessons=LESSONS) if form_class is NewClassForm else form_class()
        if data is not None:
            form.validate()
        return render_template(template, form=form, me=None, **context)


def names(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html))


def test_login_template_draws_the_form(app):
    html = render(app, "volunteer/login.html", LoginForm)
    assert names(html) >= {"csrf_token", "username", "password", "next"}
    assert 'value="/volunteer/"' in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    html = render(app, "volunteer/login.html", LoginForm, {"username": "An", "password": ""})
    assert 'value="an"' in html and "Nhập mật khẩu." in html
    assert 'aria-describedby="password-error"' in html and 'id="password-error"' in html


def test_volunteers_template_draws_the_form(app):
    html = render(app, "volunteer/volunteers.html", AddVolunteerForm, people=[],
                  error=None, message=None)
    assert names(html) >= {"csrf_token", "username", "display_name", "password", "role"}
    assert '<option selected value="volunteer">' in html and "Quản trị" in html
    html = render(app, "volunteer/volunteers.html", AddVolunteerForm,
                  {"username": "bo", "password": "short"}, people=[], error=None, message=None)
    assert "Mật khẩu cần từ 8 đến 200 ký tự." in html and "short" not in html


def test_class_template_draws_the_form(app):
    html = render(app, "volunteer/class_new.html", NewClassForm, error=None)
    assert names(html) >= {"csrf_token", "title", "commune", "village", "held_on", "lesson"}
    assert f'value="{dt.date.today().isoformat()}"' in html
    assert html.count('type="checkbox"') == 2 and "Đăng nhập VNeID" in html
    html = render(app, "volunteer/class_new.html", NewClassForm,
                  {"title": "", "held_on": "2026-12-01", "lesson": ["vneid-login"]}, error=None)
    assert "Lớp cần có tên." in html
    assert re.search(r'<input checked id="lesson-\d" name="lesson" type="checkbox" '
                     r'value="vneid-login">', html)


def test_kiosk_secret_template_draws_the_form(app):
    context = {"klass": SimpleNamespace(id=1),
               "member": SimpleNamespace(id=1, display_name="Bà Năm"),
               "pictures": kiosk.PICTURES, "error": None, "saved": None}
    html = render(app, "kiosk/set_secret.html", KioskSecretForm, **context)
    assert names(html) >= {"csrf_token", "picture", "kind", "pin", "p0", "p1", "p2"}
    assert html.count('name="picture"') == len(kiosk.PICTURES)
    assert re.search(r'<input checked id="kind-0" name="kind" type="radio" value="pin">', html)
    html = render(app, "kiosk/set_secret.html", KioskSecretForm,
                  {"picture": "fish", "kind": "pictures", "pin": "4826", "p0": "sun"}, **context)
    assert "Chọn đủ 3 hình theo thứ tự." in html and "<details class=\"pic-sequence\" open>" in html
    assert "4826" not in html  # a PIN is never drawn back

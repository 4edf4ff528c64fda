"""The volunteers' forms: what each field accepts (lengths, types, required) is
checked here, once, with messages in the UI's source language (Vietnamese).

Rules that need the database (a wrong password, a username already taken, a locked
login) stay with the views and ``trainer.auth``; the limits here are the same ones
``auth``, ``classes`` and ``kiosk`` enforce, so a form that validates is accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.classroom import auth, kiosk

MAX_SID = 40
MAX_LESSONS = 30  # lessons planned for one class
MAX_TITLE = 120
MAX_PLACE = 80


def submission_id(form: Mapping[str, str]) -> str | None:
    """The id a page gives each submission (``sid``), so that a double tap or a retried
    request is recorded once; at most 40 characters, None when there is none."""
    sid = form.get("sid", "")
    return sid[:MAX_SID] or None


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _next_from_query() -> str:
    """Where the sign-in was asked from: ``?next=`` of the page the form is on."""
    return request.args.get("next", "")


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), filters=[auth.normalise_username], validators=[
        DataRequired(_l("Nhập tên đăng nhập.")),
        Length(max=40, message=_l("Tên đăng nhập hoặc mật khẩu chưa đúng."))])
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Nhập mật khẩu.")),
        Length(max=auth.MAX_PASSWORD, message=_l("Tên đăng nhập hoặc mật khẩu chưa đúng."))])
    # Followed only when it is a path on this site (the view's _safe_next).
    next = HiddenField(default=_next_from_query, validators=[Length(max=2000)])


USERNAME_RULE = _l("Tên đăng nhập: 2–40 chữ thường không dấu, chữ số hoặc dấu . _ -")
ROLE_CHOICES = [SelectChoice("volunteer", _l("Tình nguyện viên")),
                SelectChoice("admin", _l("Quản trị"))]


class AddVolunteerForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), filters=[auth.normalise_username], validators=[
        DataRequired(_l("Nhập tên đăng nhập.")),
        Length(min=2, max=40, message=USERNAME_RULE), Regexp(auth.USERNAME, message=USERNAME_RULE)])
    display_name = StringField(_l("Tên hiển thị"), default="", filters=[_strip], validators=[
        Optional(), Length(max=60, message=_l("Tên hiển thị dài nhất 60 ký tự."))])
    password = PasswordField(_l("Mật khẩu (ít nhất 8 ký tự)"), validators=[
        DataRequired(_l("Nhập mật khẩu.")),
        Length(min=auth.MIN_PASSWORD, max=auth.MAX_PASSWORD,
               message=_l("Mật khẩu cần từ 8 đến 200 ký tự."))])
    role = SelectField(_l("Vai trò"), choices=ROLE_CHOICES, default="volunteer",
                       invalid_choice_message=_l("Chọn một vai trò."))

    @property
    def admin(self) -> bool:
        return self.role.data == "admin"


class Titled(Protocol):
    """A lesson of the library's listing, as far as choosing it goes."""

    id: str
    title: str


class NewClassForm(FlaskForm):
    """The lessons to choose from are the library's, in the volunteer's language, so
    they are given when the form is made: ``NewClassForm(lessons=listing)``."""

    title = StringField(_l("Tên lớp"), filters=[_strip], validators=[
        DataRequired(_l("Lớp cần có tên.")),
        Length(max=MAX_TITLE, message=_l("Tên lớp dài nhất 120 ký tự."))])
    commune = StringField(_l("Xã / phường"), default="", filters=[_strip], validators=[
        Length(max=MAX_PLACE, message=_l("Tên xã / thôn dài nhất 80 ký tự."))])
    village = StringField(_l("Thôn / tổ dân phố"), default="", filters=[_strip], validators=[
        Length(max=MAX_PLACE, message=_l("Tên xã / thôn dài nhất 80 ký tự."))])
    organiser = StringField(_l("Đơn vị tổ chức (in trên giấy chứng nhận)"), default="",
                            filters=[_strip], validators=[
        Length(max=MAX_TITLE, message=_l("Tên đơn vị tổ chức dài nhất 120 ký tự."))])
    held_on = DateField(_l("Ngày học"), default=dt.date.today,
                        invalid_value_message=_l("Ngày học chưa đúng."),
                        validators=[DataRequired(_l("Ngày học chưa đúng."))])
    lesson = SelectMultipleField(
        _l("Bài sẽ dạy (theo thứ tự)"), choices=[], widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message=_l("Một bài đã chọn không có trong thư viện."),
        validators=[Length(max=MAX_LESSONS, message=_l("Chọn nhiều nhất 30 bài."))])

    def __init__(self, *args: object, lessons: Iterable[Titled] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.lesson.choices = [SelectChoice(x.id, x.title) for x in lessons]


PICTURE_CHOICES = [SelectChoice(key, word) for key, (_drawing, word) in kiosk.PICTURES.items()]
PIN = re.compile(rf"[0-9]{{{kiosk.PIN_LENGTH}}}")


class KioskSecretForm(FlaskForm):
    """A picture to find one's name on the kiosk, and either a 4-digit PIN or three
    pictures in order (for a learner who cannot read)."""

    picture = RadioField(_l("Hình để bác tìm tên mình"), choices=PICTURE_CHOICES,
                         validators=[DataRequired(_l("Chọn một hình để bác tìm tên mình."))],
                         invalid_choice_message=_l("Chọn một hình để bác tìm tên mình."))
    kind = RadioField(_l("Cách đăng nhập"), default="pin",
                      choices=[SelectChoice("pin", _l("Mã 4 số")),
                               SelectChoice("pictures",
                                            _l("3 hình theo thứ tự (không cần biết chữ)"))],
                      invalid_choice_message=_l("Chọn cách đăng nhập."))
    pin = PasswordField(_l("Mã 4 số (bác tự chọn, đọc cho bác gõ)"))
    # kiosk.SEQUENCE_LENGTH pictures; checked only when kind is "pictures".
    p0 = RadioField(choices=PICTURE_CHOICES, validate_choice=False)
    p1 = RadioField(choices=PICTURE_CHOICES, validate_choice=False)
    p2 = RadioField(choices=PICTURE_CHOICES, validate_choice=False)

    @property
    def sequence(self) -> list[str]:
        return [self.p0.data or "", self.p1.data or "", self.p2.data or ""]

    def validate_pin(self, field: PasswordField) -> None:
        if self.kind.data == "pin" and not PIN.fullmatch(field.data or ""):
            raise ValidationError(_l("Mã PIN cần đúng 4 chữ số."))

    def validate_kind(self, field: RadioField) -> None:
        if field.data == "pictures" and any(p not in kiosk.PICTURES for p in self.sequence):
            raise ValidationError(_l("Chọn đủ 3 hình theo thứ tự."))


class KioskFirstTimeForm(KioskSecretForm):
    """A first-time learner on a kiosk chooses, without a volunteer, the picture that finds
    their name and how they sign in next time; the name is optional (some cannot write)."""

    name = StringField(_l("Tên của bác (không bắt buộc)"), default="", filters=[_strip],
                       validators=[Length(max=60, message=_l("Tên dài nhất 60 chữ."))])


class KioskDeviceForm(FlaskForm):
    """A volunteer names the device they turn into a shared kiosk."""

    name = StringField(_l("Tên máy (ví dụ: Máy tính bảng nhà văn hóa)"), default="",
                       filters=[_strip], validators=[Length(max=60)])


# --- what the union reports (issue 17) -------------------------------------------------------

VISIT_KIND_LABELS = {
    "vneid-register": _l("Đăng ký tài khoản VNeID"),
    "vneid-activate": _l("Kích hoạt VNeID"),
    "level2-appointment": _l("Hẹn làm định danh mức 2"),
    "dossier": _l("Nộp hồ sơ dịch vụ công"),
    "public-service": _l("Tra cứu, hướng dẫn dịch vụ công"),
    "scam-advice": _l("Tư vấn phòng lừa đảo"),
    "other": _l("Việc khác"),
}


def _birth_year(today: dt.date):  # noqa: ANN202 - a WTForms validator
    def check(_form: FlaskForm, field: StringField) -> None:
        text = (field.data or "").strip()
        if not text:
            field.data = None
            return
        if not text.isdigit() or not 1900 <= int(text) <= today.year - 10:
            raise ValidationError(_l("Năm sinh chưa đúng: gõ 4 chữ số, ví dụ 1955 "
                                     "(hoặc để trống)."))
        field.data = int(text)
    return check


def _at_least_one(field: SelectMultipleField) -> None:
    """Checked on the server: ``required`` on a group of checkboxes would make the browser
    demand every one of them, and refuse to send the form without a word."""
    if not field.data:
        raise ValidationError(_l("Chọn ít nhất một việc đã giúp."))


class SupportVisitForm(FlaskForm):
    """One person helped 1-to-1 (door to door, at the commune centre's counter), recorded
    from a phone in under a minute. A past day is fine: visits are often written up later."""

    person = StringField(_l("Tên hoặc tên viết tắt của người được hỗ trợ"), filters=[_strip],
                         validators=[DataRequired(_l("Gõ tên hoặc tên viết tắt, ví dụ: Bà N.T.L.")),
                                     Length(max=60, message=_l("Tên dài nhất 60 ký tự."))])
    birth_year = StringField(_l("Năm sinh (nếu người đó đồng ý cho biết)"), filters=[_strip])
    commune = StringField(_l("Xã / phường"), filters=[_strip], validators=[
        Length(max=MAX_PLACE, message=_l("Tên xã / thôn dài nhất 80 ký tự."))])
    kinds = SelectMultipleField(
        _l("Đã giúp việc gì"), choices=[SelectChoice(k, v) for k, v in VISIT_KIND_LABELS.items()],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        invalid_choice_message=_l("Chọn việc trong danh sách."),
        validators=[lambda _form, field: _at_least_one(field)])
    held_on = DateField(_l("Ngày hỗ trợ"), default=dt.date.today,
                        invalid_value_message=_l("Ngày hỗ trợ chưa đúng."),
                        validators=[DataRequired(_l("Ngày hỗ trợ chưa đúng."))])

    def __init__(self, *args: object, today: dt.date | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or dt.date.today()
        self.birth_year.validators = [_birth_year(self.today)]

    def validate_held_on(self, field: DateField) -> None:
        if field.data and not (self.today - dt.timedelta(days=366) <= field.data <= self.today):
            raise ValidationError(_l("Ngày hỗ trợ cần trong vòng một năm qua, không sau hôm nay."))


class TeamForm(FlaskForm):
    name = StringField(_l("Tên đội hình"), filters=[_strip], validators=[
        DataRequired(_l("Gõ tên đội hình.")),
        Length(max=120, message=_l("Tên đội hình dài nhất 120 ký tự."))])


PLACE_KINDS = [SelectChoice("xã", _l("Xã")), SelectChoice("phường", _l("Phường")),
               SelectChoice("đặc khu", _l("Đặc khu"))]


class PlaceForm(FlaskForm):
    kind = SelectField(_l("Loại"), choices=PLACE_KINDS, default="xã",
                       invalid_choice_message=_l("Chọn xã, phường hoặc đặc khu."))
    name = StringField(_l("Tên (không cần chữ 'xã', 'phường')"), filters=[_strip], validators=[
        DataRequired(_l("Gõ tên xã, phường.")),
        Length(max=MAX_PLACE, message=_l("Tên xã / thôn dài nhất 80 ký tự."))])
    province = StringField(_l("Tỉnh, thành phố"), filters=[_strip], validators=[
        DataRequired(_l("Gõ tên tỉnh, thành phố.")),
        Length(max=80, message=_l("Tên tỉnh dài nhất 80 ký tự."))])

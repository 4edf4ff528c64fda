"""The National Public Service Portal (dichvucong.gov.vn), simulated.

Every page is drawn in the shared browser frame (``_browser.html``) with the
practice marker. What a page shows comes from the lesson state only, so a
lesson can walk a learner through a whole dossier: log in with VNeID, find a
procedure, fill the form (first with a mistake, to see the error), attach
photos of practice documents, submit, track the dossier and pay the fee.

State keys the portal reads (all optional):

- ``portal_user: true`` — logged in (the practice card's name is shown).
- ``search``, ``filter_field``, ``filter_agency``, ``show_filters`` — the procedure list.
- ``procedure`` — the id of the open procedure (see ``trainer/data/procedures.yaml``).
- ``agency`` — the chosen practice agency (text).
- form values under the field names below; ``form_errors: {field: empty|format}``.
- ``attached: {doc number: picture key}``, ``picker: doc number``,
  ``attach_error: {doc number: size|type}``.
- ``delivery: online|post|office``, ``declared: true``.
- ``dossiers``: list of ``{id, code, procedure, status, date, note?, fee?}``;
  ``open_dossier``: the id shown by ``portal.dossier``. Status is one of
  ``submitted received processing supplement done`` (+ ``paid: true``).
- ``login_mode: qr|password``, ``otp_sms``, ``qr_stage: home|scan|confirm``.
- ``captcha``, ``captcha_heard``, ``tracked`` — the tracking page.
- ``payment: {purpose, amount, bank?}``; ``pay_sms`` — the bank's OTP text.

Labels follow the portal as described in public guides (sources in each
lesson); dossier codes, statuses and page layout are neutral reconstructions,
and every code starts with ``DEMO-`` so it can never be mistaken for a real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from markupsafe import Markup

from trainer.content import procedures
from trainer.content.text import slugify
from trainer.screens import register, template_filter

ADDRESS = "dichvucong.gov.vn"
NAV = ("portal-home", "address")


@dataclass(frozen=True)
class FormField:
    """One field of a simulated dossier form."""

    name: str
    label: str
    required: bool = True
    example: str = ""
    kind: str = "text"  # "date" checks dd/mm/yyyy, "phone" checks 10 digits
    inputmode: str = ""


PHONE_FIELD = FormField("phone", "Số điện thoại liên hệ", example="Ví dụ: 0123456789",
                        kind="phone", inputmode="tel")

FORMS: dict[str, tuple[FormField, ...]] = {
    "khai-sinh": (
        FormField("child_name", "Họ, chữ đệm và tên của trẻ", example="Ví dụ: Nguyễn Văn An"),
        FormField("child_birth_date", "Ngày, tháng, năm sinh",
                  example="Viết ngày/tháng/năm, ví dụ: 05/09/2026", kind="date",
                  inputmode="numeric"),
        FormField("child_birth_place", "Nơi sinh", example="Ví dụ: Trạm y tế xã Tập Luyện"),
        PHONE_FIELD,
    ),
    "ly-lich-tu-phap": (
        FormField("purpose", "Mục đích yêu cầu cấp Phiếu",
                  example="Ví dụ: Bổ sung hồ sơ xin việc"),
        FormField("copies", "Số lượng Phiếu", example="Ví dụ: 1", inputmode="numeric"),
        PHONE_FIELD,
    ),
}
FORM_FIELDS = tuple(dict.fromkeys(f.name for fs in FORMS.values() for f in fs))

# Practice agencies: fake place names, so nobody takes them for a real office.
AGENCIES: dict[str, tuple[str, ...]] = {
    "khai-sinh": ("UBND xã Tập Luyện (tỉnh Mẫu)", "UBND phường Thực Hành (tỉnh Mẫu)",
                  "UBND xã Mẫu Sơn (tỉnh Mẫu)"),
    "ly-lich-tu-phap": ("Cơ quan cấp Phiếu lý lịch tư pháp tỉnh Mẫu",
                        "Cơ quan cấp Phiếu lý lịch tư pháp tỉnh Thử"),
}
DEFAULT_AGENCIES = ("UBND xã Tập Luyện (tỉnh Mẫu)", "Công an xã Tập Luyện (tỉnh Mẫu)")

# The simulated gallery: pictures of practice documents (static/img/portal/).
PHOTOS: dict[str, tuple[str, str, str]] = {
    # key: (file, caption, kind) — kind "ok", "big" (too large) or "type" (not a picture)
    "giay-chung-sinh": ("giay-chung-sinh.svg", "Giấy chứng sinh (mẫu)", "ok"),
    "can-cuoc": ("can-cuoc.svg", "Thẻ căn cước (mẫu)", "ok"),
    "video": ("video.svg", "Video quay ngày Tết", "type"),
    "anh-to": ("anh-to.svg", "Ảnh chụp quá lớn (45 MB)", "big"),
}

# The portal's own labels stay in Vietnamese in every language (like the real site).
STATUSES: dict[str, str] = {
    "submitted": "Đã nộp",
    "received": "Đã tiếp nhận",
    "processing": "Đang xử lý",
    "supplement": "Yêu cầu bổ sung",
    "done": "Đã có kết quả",
}
STATUS_ORDER = tuple(STATUSES)

BANKS = ("Ngân hàng Mẫu", "Ngân hàng Tập Luyện", "Ví điện tử Thử")


def _slug_targets(prefix: str, names: list[str]) -> tuple[str, ...]:
    return tuple(f"{prefix}-{slugify(n)}" for n in names)


FIELD_TARGETS = _slug_targets("field", procedures.fields())
AGENCY_TARGETS = _slug_targets("agency", procedures.agencies())
PROC_TARGETS = tuple(p.target for p in procedures.catalogue())


def _browser(name: str, title: str, *, targets=(), fields=(), example: str,
             description: str) -> None:
    register(f"portal.{name}", title, targets=(*NAV, *targets), fields=fields,
             example=example, frame="browser", description=description)


_browser(
    "home", "Cổng Dịch vụ công quốc gia: trang chủ",
    targets=("login", "search-btn", "menu-procedures", "menu-track", "menu-payment",
             "menu-dossiers"),
    fields=("search",),
    description="Home page: search box (field `search`, button `search-btn`), the login "
                "button, and the sections Thủ tục hành chính, Tra cứu hồ sơ, Thanh toán "
                "trực tuyến and (logged in: `portal_user: true`) Quản lý hồ sơ.",
    example="""
id: open-login
screen: portal.home
tap: login
hints:
  - Nút Đăng nhập ở góc trên, bên phải.
  - Chạm vào chữ "Đăng nhập".
""",
)

_browser(
    "login", "Cổng Dịch vụ công: chọn cách đăng nhập",
    targets=("login-vneid",),
    description="Since 1/7/2024 the portal logs in only with the VNeID account: one button "
                "`login-vneid` (Tài khoản định danh điện tử cấp bởi Bộ Công an).",
    example="""
id: choose-vneid
screen: portal.login
tap: login-vneid
hints:
  - Chọn nút có chữ "Tài khoản định danh điện tử".
""",
)

_browser(
    "vneid_login", "Đăng nhập bằng tài khoản định danh điện tử",
    targets=("login-submit", "tab-password", "tab-qr"),
    fields=("id_number", "password"),
    description="The identity system's login page: personal ID number + password "
                "(`id_number`, `password`, button `login-submit`), or with `login_mode: qr` "
                "a QR code to scan with the VNeID app. Typed answers stay in the fields.",
    example="""
id: type-id
screen: portal.vneid_login
type:
  field: id_number
  card: id_number
hints:
  - Số định danh có 12 chữ số, in trên thẻ tập luyện.
""",
)

_browser(
    "otp", "Nhập mã xác thực (OTP)",
    targets=("otp-submit",),
    fields=("otp",),
    description="OTP entry after the password. The SMS that brought the code is shown beside "
                "the form, from the state key `otp_sms` (text).",
    example="""
id: type-otp
screen: portal.otp
set:
  otp_sms: "Ma xac thuc cua ban la 246135. Khong cung cap ma nay cho bat ky ai."
type:
  field: otp
  answer: "246135"
hints:
  - Mã có 6 chữ số, nằm trong tin nhắn ở dưới.
""",
)

register(
    "portal.qr_phone", "Ứng dụng VNeID: quét mã QR để đăng nhập Cổng",
    targets=("back", "home", "scan-qr", "qr-confirm", "qr-cancel"),
    frame="phone",
    description="The phone side of the QR login. `qr_stage: home` shows the VNeID home with "
                "the QR icon (`scan-qr`); `scan` the camera on the portal's QR; `confirm` the "
                "question to allow the login (`qr-confirm`, `qr-cancel`).",
    example="""
id: tap-scan
screen: portal.qr_phone
set:
  qr_stage: home
tap: scan-qr
hints:
  - Biểu tượng quét mã QR ở phía trên màn hình VNeID.
""",
)

_browser(
    "procedures", "Thủ tục hành chính: kết quả tìm kiếm",
    targets=("search-btn", "filters", "filters-clear", *PROC_TARGETS, *FIELD_TARGETS,
             *AGENCY_TARGETS),
    fields=("search",),
    description="Search results for the state key `search` (forgiving: no diacritics, one-"
                "letter slips, any case), filtered by `filter_field` / `filter_agency`. Each "
                "row's target is `proc-<id>`; `show_filters: true` shows the filter buttons "
                "`field-<name>` and `agency-<name>` (names without diacritics, e.g. "
                "`field-ho-tich`).",
    example="""
id: open-lltp
screen: portal.procedures
set:
  search: ly lich tu phap
tap: proc-ly-lich-tu-phap
hints:
  - Chạm vào tên thủ tục "Cấp Phiếu lý lịch tư pháp".
""",
)

_browser(
    "procedure", "Thủ tục hành chính: chi tiết",
    targets=("submit-online", "back-results"),
    description="One procedure (state `procedure`: its id): conditions, documents, fee, time, "
                "source, and the button Nộp trực tuyến (`submit-online`).",
    example="""
id: read-birth
screen: portal.procedure
set:
  procedure: khai-sinh
read: Tiếp tục
""",
)

_browser(
    "agency", "Nộp hồ sơ: chọn cơ quan thực hiện",
    targets=("agency-1", "agency-2", "agency-3"),
    description="Choose where the dossier goes: practice agencies (fake place names) for the "
                "state's `procedure`, targets `agency-1`, `agency-2`, `agency-3`. Set "
                "`agency` on the next step to carry the choice.",
    example="""
id: choose-agency
screen: portal.agency
set:
  procedure: khai-sinh
tap: agency-1
""",
)

_browser(
    "form", "Nộp hồ sơ: điền tờ khai",
    targets=("form-next",),
    fields=FORM_FIELDS,
    description="The online form of the state's `procedure` (birth registration: "
                "`child_name`, `child_birth_date` dd/mm/yyyy, `child_birth_place`, `phone`; "
                "criminal record: `purpose`, `copies`, `phone`). Required fields have *, "
                "each shows an example. `form_errors: {field: empty|format}` shows the error "
                "in words under the field; values already typed stay.",
    example="""
id: type-child-name
screen: portal.form
set:
  procedure: khai-sinh
type:
  field: child_name
  answer: Nguyễn Văn An
  loose: true
""",
)

_browser(
    "attach", "Nộp hồ sơ: thành phần hồ sơ",
    targets=("attach-1", "attach-2", "attach-3", "form-next", "picker-close", "camera",
             "send-supplement", *(f"photo-{k}" for k in PHOTOS)),
    description="Thành phần hồ sơ of the state's `procedure`, one row per document with "
                "Chọn tệp (`attach-1`…). `picker: 1` opens the simulated gallery (photos of "
                "practice documents: `photo-giay-chung-sinh`, `photo-can-cuoc`, "
                "`photo-video`, `photo-anh-to`; and `camera`). `attached: {1: can-cuoc}` "
                "shows the file; `attach_error: {1: size|type}` explains a refused file. "
                "With `supplement: true` the page answers a request for more documents "
                "(button `send-supplement`).",
    example="""
id: choose-file
screen: portal.attach
set:
  procedure: ly-lich-tu-phap
tap: attach-1
""",
)

_browser(
    "finish", "Nộp hồ sơ: nhận kết quả và cam đoan",
    targets=("deliver-online", "deliver-post", "deliver-office", "declare", "form-next"),
    description="How to receive the result (`deliver-online`, `deliver-post`, "
                "`deliver-office`; state `delivery`) and the declaration check box "
                "(`declare`; state `declared: true`).",
    example="""
id: tick-declaration
screen: portal.finish
set:
  delivery: online
tap: declare
""",
)

_browser(
    "review", "Nộp hồ sơ: kiểm tra lại",
    targets=("submit-dossier", "edit"),
    description="Everything the learner entered (from the state), to check before Nộp hồ sơ "
                "(`submit-dossier`).",
    example="""
id: submit
screen: portal.review
set:
  procedure: khai-sinh
tap: submit-dossier
""",
)

_browser(
    "success", "Nộp hồ sơ thành công",
    targets=("go-dossiers",),
    description="Success page with the dossier code: the first item of `dossiers` (or "
                "`DEMO-…` made from the procedure). The code always starts with DEMO-.",
    example="""
id: see-code
screen: portal.success
set:
  procedure: khai-sinh
read: Tiếp tục
""",
)

_browser(
    "track", "Tra cứu hồ sơ",
    targets=("track-submit", "captcha-listen", "captcha-new"),
    fields=("dossier_code", "captcha"),
    description="Look a dossier up by code (`dossier_code`) and security code (`captcha`, "
                "shown in large plain characters from state `captcha`; `captcha-listen` reads "
                "it aloud and `captcha_heard: true` spells it out). `tracked: <dossier id>` "
                "shows the result from `dossiers`.",
    example="""
id: type-code
screen: portal.track
type:
  field: dossier_code
  answer: DEMO-000.00.00.H99-261124-0001
  loose: true
""",
)

_browser(
    "dossiers", "Quản lý hồ sơ: hồ sơ của tôi",
    targets=("menu-track",),
    description="The learner's dossiers from `dossiers` (list of `{id, code, procedure, "
                "status, date}`); tapping a row (its `id`) opens it.",
    example="""
id: open-dossier
screen: portal.dossiers
set:
  portal_user: true
  dossiers:
    - {id: d1, code: DEMO-000.00.00.H99-261124-0001, procedure: khai-sinh,
       status: processing, date: 24/11/2026}
tap: d1
""",
)

_browser(
    "dossier", "Quản lý hồ sơ: chi tiết hồ sơ",
    targets=("supplement", "pay-request", "download-result", "go-dossiers"),
    description="One dossier (`open_dossier`): its steps submitted → received → processing → "
                "result, with the agency's `note` when status is `supplement` (button "
                "`supplement`), Yêu cầu thanh toán when it has a `fee` and is not `paid` "
                "(`pay-request`), and Tải kết quả when `done` (`download-result`).",
    example="""
id: read-request
screen: portal.dossier
set:
  open_dossier: d1
  dossiers:
    - {id: d1, code: DEMO-000.00.00.H99-261124-0001, procedure: khai-sinh,
       status: supplement, date: 24/11/2026, note: Ảnh giấy chứng sinh bị mờ.}
read: Tiếp tục
""",
)

_browser(
    "pay", "Cổng thanh toán: chọn ngân hàng",
    targets=("bank-1", "bank-2", "bank-3"),
    description="The national payment platform page for `payment: {purpose, amount}`: check "
                "the address, then choose a (practice) bank `bank-1`…`bank-3`.",
    example="""
id: choose-bank
screen: portal.pay
set:
  payment: {purpose: Lệ phí cấp Phiếu lý lịch tư pháp, amount: "200.000"}
tap: bank-1
""",
)

_browser(
    "pay_otp", "Cổng thanh toán: xác nhận bằng mã OTP",
    targets=("pay-confirm",),
    fields=("pay_otp",),
    description="Confirm the payment with the bank's OTP; the SMS (state `pay_sms`) names "
                "the purpose and the amount.",
    example="""
id: pay-otp
screen: portal.pay_otp
set:
  payment: {purpose: Lệ phí cấp Phiếu lý lịch tư pháp, amount: "200.000"}
  pay_sms: "NganHangMau: Ma OTP 482915 de THANH TOAN 200.000 VND LE PHI."
type:
  field: pay_otp
  answer: "482915"
""",
)

_browser(
    "receipt", "Thanh toán thành công: biên lai",
    targets=("download-receipt", "go-dossiers"),
    description="Kết quả giao dịch thành công and the receipt (Tải biên lai: "
                "`download-receipt`; `receipt_saved: true` says it was saved).",
    example="""
id: save-receipt
screen: portal.receipt
set:
  payment: {purpose: Lệ phí cấp Phiếu lý lịch tư pháp, amount: "200.000"}
tap: download-receipt
""",
)


# ---- helpers for the templates -------------------------------------------------------


@template_filter
def portal_results(s: dict) -> list[procedures.Procedure]:
    """The procedure list for the state's search words and filters."""
    field = _by_slug(s.get("filter_field"), procedures.fields())
    agency = _by_slug(s.get("filter_agency"), procedures.agencies())
    return procedures.search(str(s.get("search") or ""), field=field, agency=agency)


def _by_slug(value: Any, names: list[str]) -> str | None:
    if not value:
        return None
    wanted = slugify(str(value))
    return next((n for n in names if slugify(n) == wanted), str(value))


@template_filter
def portal_procedure(procedure_id: Any) -> procedures.Procedure | None:
    return procedures.get(str(procedure_id)) if procedure_id else None


@template_filter
def portal_form(procedure_id: Any) -> tuple[FormField, ...]:
    return FORMS.get(str(procedure_id), FORMS["khai-sinh"])


@template_filter
def portal_agencies(procedure_id: Any) -> tuple[str, ...]:
    return AGENCIES.get(str(procedure_id), DEFAULT_AGENCIES)


@template_filter
def portal_slug(text: str) -> str:
    return slugify(text)


@template_filter
def portal_dossier(s: dict, key: str = "open_dossier") -> dict | None:
    """The dossier named by ``s[key]`` (the first one when it is not set)."""
    dossiers = [d for d in (s.get("dossiers") or []) if isinstance(d, dict)]
    wanted = s.get(key)
    return next((d for d in dossiers if d.get("id") == wanted), dossiers[0] if dossiers
                else None)


@template_filter
def portal_code(s: dict) -> str:
    """The practice dossier code: always ``DEMO-`` first, never a real-looking code."""
    dossier = portal_dossier(s)
    code = str(dossier.get("code")) if dossier and dossier.get("code") else \
        "DEMO-000.00.00.H99-261124-0001"
    return code if code.startswith("DEMO-") else "DEMO-" + code


@template_filter
def portal_status(status: Any) -> str:
    return str(STATUSES.get(str(status), status or ""))


@template_filter
def portal_steps(status: Any) -> list[tuple[str, str]]:
    """The dossier's path so far as (status label, "done" | "now" | "todo")."""
    status = str(status)
    path = ["submitted", "received", "processing", status if status == "supplement" else "done"]
    now = path.index(status) if status in path else 0
    return [(str(STATUSES[k]), "done" if i < now else "now" if i == now else "todo")
            for i, k in enumerate(path)]


@template_filter
def portal_photo(key: Any) -> tuple[str, str, str] | None:
    return PHOTOS.get(str(key))


@template_filter
def portal_spell(code: Any) -> str:
    """A captcha spelled out for reading aloud: 'A 7 K' -> 'A, bảy, K'."""
    digits = "không một hai ba bốn năm sáu bảy tám chín".split()
    return ", ".join(digits[int(c)] if c.isdigit() else c for c in str(code) if c.strip())


@template_filter
def portal_qr(text: str) -> Markup:
    """The portal's login QR code as inline SVG (made locally: no internet)."""
    svg = segno.make(text, error="m").svg_inline(scale=5, dark="#111", light="#fff",
                                                 border=2, omitsize=True)
    return Markup(svg)


@template_filter
def portal_banks(_: Any = None) -> tuple[str, ...]:
    return BANKS


@template_filter
def portal_fields(_: Any = None) -> list[str]:
    return procedures.fields()


@template_filter
def portal_agency_names(_: Any = None) -> list[str]:
    return procedures.agencies()


@template_filter
def portal_photos(_: Any = None) -> list[tuple[str, tuple[str, str, str]]]:
    return list(PHOTOS.items())


@template_filter
def portal_documents(procedure_id: Any) -> list[tuple[str, int | None]]:
    """The procedure's documents as (text, upload number); forms filled online get None."""
    procedure = procedures.get(str(procedure_id)) if procedure_id else None
    out: list[tuple[str, int | None]] = []
    number = 0
    for document in procedure.documents if procedure else ():
        if "điền trực tuyến" in document:
            out.append((document, None))
        else:
            number += 1
            out.append((document, number))
    return out

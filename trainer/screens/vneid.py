"""The simulated VNeID app (labels as in the real app, in Vietnamese, never translated).

Variants of one screen (NFC reading / done / retry, the BHYT form / its success page,
setting / changing a passcode) are chosen by the lesson's state rather than by
near-copies of a screen, so a lesson reads like one app session. Every screen also
has the phone's ``back`` and ``home`` targets and the notification banner.
"""

from __future__ import annotations

import re

from trainer.screens import register, template_filter
from trainer.screens.phone import PHONE_NAV

TABS = ("tab-home", "tab-wallet", "tab-personal")  # the app's bottom bar

register(
    "vneid.intro",
    "VNeID: màn hình giới thiệu",
    targets=(*PHONE_NAV, "register", "login", "activate"),
    description="The first screen after opening the app: **Đăng ký**, **Đăng nhập** and "
                "**Kích hoạt tài khoản định danh điện tử**.",
    example="""
id: choose-activate
screen: vneid.intro
tap: activate
hints:
  - Tìm nút có chữ "Kích hoạt".
  - Nút này ở dưới cùng màn hình.
  - Chạm vào "Kích hoạt tài khoản định danh điện tử".
""",
)

register(
    "vneid.account_form",
    "VNeID: nhập số định danh và số điện thoại",
    targets=(*PHONE_NAV, "send-request", "continue", "use-nfc"),
    fields=("id_number", "phone", "full_name", "birth_date", "issue_date"),
    description="The form behind Đăng ký / Kích hoạt / Quên mật khẩu. State `form`: "
                "`activate` (default), `register`, `forgot` show **Số định danh cá nhân** + "
                "**Số điện thoại** and **Gửi yêu cầu**; `verify` shows **Họ, chữ đệm và tên**, "
                "**Ngày sinh**, **Ngày cấp** and **Tiếp tục** (forgotten password). `forgot` also "
                "offers `use-nfc` (Xác thực NFC bằng thẻ CCCD gắn chip). Bind fields to the "
                "practice card (`card: id_number`).",
    example="""
id: type-id
screen: vneid.account_form
set:
  form: activate
type:
  field: id_number
  card: id_number
hints:
  - Số định danh có 12 chữ số, in trên thẻ tập luyện.
  - Gõ lần lượt từng số, không cách.
  - Gõ đúng số trên thẻ tập luyện, rồi chạm "Gửi yêu cầu".
""",
)

register(
    "vneid.otp",
    "VNeID: nhập mã OTP",
    targets=(*PHONE_NAV, "confirm"),
    fields=("otp",),
    description="OTP entry. Put the SMS in the state (`sms`) and a `notification` "
                "`{id, app, from, text}` so the learner opens the banner, reads the code in "
                "phone.sms_thread and comes back. No countdown: OTP lifetimes are not sourced.",
    example="""
id: type-otp
screen: vneid.otp
type:
  field: otp
  answer: "482915"
hints:
  - Mã OTP là 6 chữ số trong tin nhắn vừa đến.
  - Gõ 6 số 4 8 2 9 1 5.
  - Gõ 482915 rồi chạm "Xác nhận".
""",
)

register(
    "vneid.password",
    "VNeID: thiết lập mật khẩu",
    targets=(*PHONE_NAV, "confirm"),
    fields=("old_password", "password", "password_again"),
    description="Set (state `password_mode: new`, default) or change (`change`: adds "
                "**Mật khẩu hiện tại**) the password, with the rules as a checklist: 8–20 "
                "characters, upper case, lower case, a digit, a special character. Ticks show "
                "which rules the password already entered (state `password`) meets.",
    example="""
id: type-password
screen: vneid.password
type:
  field: password
  card: password
hints:
  - Mật khẩu tập có trên thẻ tập luyện.
  - Chú ý chữ hoa, chữ thường và ký tự @.
  - Gõ đúng mật khẩu trên thẻ, rồi chạm "Xác nhận".
""",
)

register(
    "vneid.passcode",
    "VNeID: passcode 6 chữ số",
    targets=(*PHONE_NAV, "confirm", "forgot-passcode"),
    fields=("passcode", "passcode_again"),
    description="A 6-digit keypad. State `passcode_mode`: `setup` (default, Thiết lập "
                "passcode), `change` (Đổi passcode), `enter` (opening a service, with "
                "**Quên passcode**). The field `passcode_again` is the second entry.",
    example="""
id: type-passcode
screen: vneid.passcode
type:
  field: passcode
  card: passcode
hints:
  - Passcode có 6 chữ số, in trên thẻ tập luyện.
  - Chạm lần lượt 6 số trên bàn phím.
  - Gõ 6 số trên thẻ, rồi chạm "Xác nhận".
""",
)

register(
    "vneid.nfc",
    "VNeID: quét chip thẻ căn cước (NFC)",
    targets=(*PHONE_NAV, "start-scan", "hold-still", "lift-card", "retry", "continue"),
    description="Reading the card's chip. State `nfc`: `ready` (a picture of where to hold "
                "the card; **Bắt đầu quét**), `reading` (\"Đang đọc…\"; the learner's hand: "
                "`hold-still` / `lift-card`), `retry` (the card moved; **Thử lại**), `done` "
                "(the data read from the chip; **Tiếp tục**), `no-nfc` (the phone has no NFC: "
                "scan the card's QR code instead). State `card_kind`: `2024` (Căn cước: QR "
                "and chip on the back, default) or `2021` (CCCD: QR on the front).",
    example="""
id: hold-card
screen: vneid.nfc
set:
  nfc: reading
tap: hold-still
hints:
  - Thẻ đang được đọc. Đừng nhấc thẻ ra.
  - Giữ yên thẻ sát lưng điện thoại.
  - Chạm "Giữ yên thẻ".
""",
)

register(
    "vneid.portrait",
    "VNeID: chụp ảnh chân dung",
    targets=(*PHONE_NAV, "capture", "retake", "continue"),
    description="A portrait with an oval guide (no real camera). State `portrait`: `ready` "
                "(**Chụp ảnh**) or `taken` (**Chụp lại** / **Tiếp tục**).",
    example="""
id: take-photo
screen: vneid.portrait
set:
  portrait: ready
tap: capture
hints:
  - Đưa mặt vào giữa khung hình bầu dục.
  - Nút chụp ở dưới khung hình.
  - Chạm "Chụp ảnh".
""",
)

register(
    "vneid.confirm",
    "VNeID: xác nhận thông tin đăng ký",
    targets=(*PHONE_NAV, "confirm"),
    fields=("email",),
    description="The summary before sending a level-1 registration: the practice card's "
                "data, an optional email, **Xác nhận thông tin đăng ký**.",
    example="""
id: confirm-registration
screen: vneid.confirm
tap: confirm
hints:
  - Kiểm tra họ tên và số định danh có đúng không.
  - Nút xác nhận ở dưới cùng.
  - Chạm "Xác nhận thông tin đăng ký".
""",
)

register(
    "vneid.login",
    "VNeID: đăng nhập",
    targets=(*PHONE_NAV, "login", "forgot-password", "activate"),
    fields=("id_number", "password"),
    description="Đăng nhập: **Số định danh cá nhân** and **Mật khẩu**, **Đăng nhập**, "
                "**Quên mật khẩu?**, **Kích hoạt**.",
    example="""
id: log-in
screen: vneid.login
tap: login
hints:
  - Số định danh và mật khẩu đã được gõ sẵn.
  - Nút màu đỏ, to nhất.
  - Chạm "Đăng nhập".
""",
)

register(
    "vneid.dialog",
    "VNeID: hộp thông báo",
    targets=(*PHONE_NAV, "confirm", "cancel"),
    description="A message box over the app. State `dialog: {title, text, confirm, cancel}`: "
                "the texts of the box and its two buttons (leave `cancel` out for one button), "
                "e.g. a new-device login or \"Hệ thống sẽ gửi mã OTP…\" (forgotten passcode).",
    example="""
id: new-device
screen: vneid.dialog
set:
  dialog:
    title: Đăng nhập trên thiết bị mới
    text: Tài khoản của bạn đang đăng nhập trên thiết bị mới.
    confirm: Xác nhận
    cancel: Hủy
tap: confirm
""",
)

register(
    "vneid.error",
    "VNeID: lỗi hệ thống",
    targets=(*PHONE_NAV, "close"),
    description="An error learners meet safely. State `error`: `maintenance` (default: "
                "\"Hệ thống đang bảo trì. Vui lòng thử lại sau\") or `connection` (\"Kết nối "
                "tới hệ thống thất bại\"). Nothing is wrong with the learner's account.",
    example="""
id: meet-maintenance
screen: vneid.error
set:
  error: maintenance
tap: close
hints:
  - Đây không phải lỗi của bác.
  - Nút "Đóng" ở dưới thông báo.
  - Chạm "Đóng", lát nữa thử lại.
""",
)

register(
    "vneid.home",
    "VNeID: trang chủ",
    targets=(*PHONE_NAV, *TABS, "scan-qr", "wallet", "procedures", "notifications"),
    description="Trang chủ after logging in. `scan-qr` is the QR-scan icon in the top bar "
                "(used to log in to the public service portal by QR). State `level: 1|2` "
                "(default 2) shows the account level.",
    example="""
id: scan-portal-qr
screen: vneid.home
tap: scan-qr   # the QR-scan icon at the top, also for logging in to dichvucong.gov.vn
hints:
  - Biểu tượng quét mã QR ở góc trên bên phải.
  - Nó có hình ô vuông và chữ "Quét QR".
  - Chạm vào "Quét QR".
""",
)

register(
    "vneid.wallet",
    "VNeID: Ví giấy tờ",
    targets=(*PHONE_NAV, *TABS, "id-card", "health-card", "integrate"),
    description="Ví giấy tờ: the electronic ID card and Thẻ bảo hiểm y tế. State "
                "`wallet_open: id-card|health-card` shows that document; `bhyt_done: true` "
                "means the health card is integrated.",
    example="""
id: open-health-card
screen: vneid.wallet
tap: health-card
hints:
  - Tìm dòng có chữ "Thẻ bảo hiểm y tế".
  - Nó nằm dưới Căn cước điện tử.
  - Chạm "Thẻ bảo hiểm y tế".
""",
)

register(
    "vneid.bhyt",
    "VNeID: tích hợp thẻ bảo hiểm y tế",
    targets=(*PHONE_NAV, "issuer-vss", "issuer-police", "agree", "send-request",
             "integrate-more", "history"),
    fields=("bhyt_number",),
    description="The health-insurance integration form: **Đơn vị cấp thẻ BHYT** "
                "(`issuer-vss` BHXH Việt Nam / `issuer-police` BHXH Công an nhân dân; state "
                "`bhyt_issuer`), **Số thẻ BHYT**, the box **Tôi xác nhận các thông tin ở trên "
                "là đúng** (state `bhyt_agree: true`), **Gửi yêu cầu**. State `bhyt: sent` "
                "shows **Gửi yêu cầu thành công**.",
    example="""
id: type-bhyt
screen: vneid.bhyt
type:
  field: bhyt_number
  card: health_insurance
hints:
  - Số thẻ BHYT có trên thẻ tập luyện.
  - Số này bắt đầu bằng chữ HT.
  - Gõ đúng số thẻ BHYT trên thẻ tập luyện.
""",
)

register(
    "vneid.personal",
    "VNeID: Cá nhân",
    targets=(*PHONE_NAV, *TABS, "devices", "change-password", "change-passcode", "settings",
             "logout"),
    description="The Cá nhân menu: **Quản lý thiết bị**, **Đổi mật khẩu**, **Đổi passcode**, "
                "**Cài đặt**, **Đăng xuất**.",
    example="""
id: open-devices
screen: vneid.personal
tap: devices
hints:
  - Tìm dòng nói về thiết bị.
  - Dòng "Quản lý thiết bị" ở đầu danh sách.
  - Chạm "Quản lý thiết bị".
""",
)

register(
    "vneid.devices",
    "VNeID: Quản lý thiết bị",
    targets=PHONE_NAV,
    description="Devices linked to the account, from the state `devices`: a list of "
                "`{id, name, note, current}`. Each device that is not the current one has a "
                "**Hủy liên kết** button whose target is the device's `id`.",
    example="""
id: unlink-borrowed
screen: vneid.devices
set:
  devices:
    - id: this-phone
      name: Điện thoại của bác
      current: true
    - id: borrowed-phone
      name: Điện thoại của cháu Nam
      note: Đã mượn để đăng nhập
tap: borrowed-phone
""",
)

PASSWORD_RULES = (  # label, pattern: one source for the server and the live checklist (app.js)
    ("Từ 8 đến 20 ký tự", r"^.{8,20}$"),
    ("Có chữ hoa (A–Z)", r"[A-Z]"),
    ("Có chữ thường (a–z)", r"[a-z]"),
    ("Có chữ số (0–9)", r"[0-9]"),
    ("Có ký tự đặc biệt (ví dụ @ # !)", r"[^A-Za-z0-9\s]"),
)


@template_filter
def password_rules(password: str | None) -> list[tuple[str, str, bool]]:
    """The app's password rules, their patterns and whether ``password`` meets each."""
    text = password or ""
    return [(label, pattern, bool(text) and re.search(pattern, text) is not None)
            for label, pattern in PASSWORD_RULES]


@template_filter
def practice_card(card: object) -> object:
    """The lesson's practice card, or the default one where a screen is drawn without a
    lesson (the authors' catalogue), so identity screens always have something to show."""
    from trainer.content.practice_card import CARDS

    return card if hasattr(card, "id_number") else CARDS["default"]

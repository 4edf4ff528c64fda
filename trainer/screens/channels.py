"""Channels scammers use: phone and video calls, a Zalo-like chat, a web page,
an "unknown source" install prompt, a payment QR and a paper letter.

Each screen reads a few plain state keys so an author can build a scenario in
the front matter and change it step by step (``set:`` replaces a key, ``add:``
appends to a list). Any text may mark parts as ``[[name: words]]`` so a spot
step can ask for them. Every number and domain in a scenario must look fake
(``0123…``, ``.example``) unless it is a verified official contact.
"""

from trainer.screens import register, template_filter
from trainer.screens.phone import PHONE_NAV

CALL_TARGETS = ("answer", "decline", "hang-up")

register(
    "call.incoming",
    "Cuộc gọi đến",
    targets=CALL_TARGETS,
    description=(
        "A phone call. State keys: `call` — `{from, number, note, audio}`: the caller's name "
        "as shown (or leave it out for an unknown number), the number, an optional line under "
        "it (`note`, e.g. \"Không có trong danh bạ\"), an optional recording in `lessons/audio/` "
        "of the whole call; `call_state` — `ringing` (default: big caller ID with `answer` and "
        "`decline`; the words are not shown yet), `talking` (the caller's words and `hang-up`) "
        "or `ended`; `call_lines` — what the caller says, one item per line, each a text or "
        "`{text, audio}`; use `add:` to make the next line appear in the next step. Lines may "
        "mark `[[name: words]]`."
    ),
    example="""
id: listen-caller
screen: call.incoming
set:
  call:
    from: Công an phường (tự xưng)
    number: "0123 456 789"
    note: Không có trong danh bạ
  call_state: talking
add:
  call_lines:
    - "Tôi là cán bộ công an phường. [[urgent: Tài khoản định danh của bác bị khóa hôm nay]]."
    - "Bác [[otp: đọc cho tôi mã OTP vừa gửi đến máy]] để tôi kích hoạt lại."
spot:
  urgent: Dọa bị khóa "ngay hôm nay" để bác sợ và vội.
  otp: Không ai được hỏi mã OTP. Công an không làm việc qua điện thoại.
""",
)

register(
    "call.video",
    "Cuộc gọi video",
    targets=CALL_TARGETS,
    description=(
        "A video call whose picture is blurry, with a \"Mạng yếu\" (weak network) banner — the "
        "way deepfake calls hide a fake face. Reads the same keys as `call.incoming`: `call` "
        "(`from`, `number`, `note`, `audio`; `call.sharp: true` shows a sharp picture, e.g. a "
        "real call), `call_state` (`ringing`, `talking`, `ended`) and `call_lines`."
    ),
    example="""
id: judge-video-call
screen: call.video
set:
  call:
    from: Con trai (Zalo)
    note: Cuộc gọi video qua Zalo
  call_state: talking
  call_lines:
    - "Mẹ ơi… [[network: mạng yếu quá, con tắt hình nhé]]."
    - "Con đang cấp cứu, [[money: mẹ chuyển ngay 20 triệu vào tài khoản bạn con]]."
judge:
  answer: scam
  why: Hình mờ, giục chuyển tiền vào tài khoản lạ. Hãy gọi lại số của con mà bác đã có.
""",
)

register(
    "chat.zalo",
    "Zalo: một cuộc trò chuyện",
    targets=(*PHONE_NAV, "send", "call"),
    fields=("reply",),
    description=(
        "A Zalo-like chat (the app is shown as \"Zalo\", drawn simply). State keys: "
        "`chat_with` — `{name, status, note}`: the contact's name, a line under it (e.g. "
        "\"Vừa truy cập\") and an optional warning line such as \"Người lạ — chưa là bạn bè\"; "
        "`chat` — the messages, a list of `{id, time, text}` with `mine: true` for the "
        "learner's own messages, and optionally `link: {title, address}` for a link preview "
        "card or `transfer: {name, account, bank, amount}` for a money request. Use `add: chat` "
        "for a new message. Text and link addresses may mark `[[name: words]]`. Targets: "
        "`send`, `call` (the phone icon in the bar), `back`, `home`."
    ),
    example="""
id: spot-zalo-friend
screen: chat.zalo
set:
  chat_with:
    name: Chị Lan (hàng xóm)
    status: Vừa truy cập
  chat:
    - id: z1
      time: "19:02"
      text: "Em ơi, [[borrow: chị đang kẹt, cho chị mượn 5 triệu]], mai chị trả."
    - id: z2
      time: "19:03"
      text: "Em [[otp: gửi chị cái mã 6 số vừa nhắn về máy em]] nhé, chị nhờ tí."
spot:
  borrow: Hỏi vay tiền gấp qua tin nhắn. Hãy gọi điện cho người quen để hỏi lại.
  otp: Không bao giờ gửi mã OTP cho ai, kể cả người quen.
""",
)

register(
    "web.page",
    "Trang web",
    targets=("address", "submit"),
    fields=("username", "password", "otp"),
    frame="browser",
    description=(
        "A web page in the browser frame. State keys: `web` — `{address, real_address, site, "
        "heading, text, fields, button}`: `address` is what the address bar shows (it may be "
        "cut short to look official), `real_address` the full address revealed when the learner "
        "taps the bar (target `address`; it is also revealed when `address` is a found spot "
        "flag, or after a correct `tap: address`, or when the state has `web_address_open: "
        "true`), `site` the page's name in its banner, `heading` and `text` (text may mark "
        "`[[name: words]]`, separate paragraphs with a blank line), `fields` a list among "
        "`username`, `password`, `otp` to draw a login form, `button` the label of the page's "
        "main button (target `submit`)."
    ),
    example="""
id: inspect-address
screen: web.page
set:
  web:
    address: dichvucong.gov.vn.xacthuc-hoso.example
    real_address: https://dichvucong.gov.vn.xacthuc-hoso.example/dang-nhap
    site: Cổng Dịch vụ công (giả)
    heading: Xác thực hồ sơ
    text: "[[deadline: Hồ sơ của bạn sẽ bị hủy sau 24 giờ]] nếu không đăng nhập."
    fields: [username, password, otp]
    button: Đăng nhập
tap: address
hints:
  - Địa chỉ trang web nằm trên cùng.
  - Chạm vào thanh địa chỉ để xem đầy đủ.
""",
)

register(
    "app.install_prompt",
    "Cài ứng dụng không rõ nguồn gốc",
    targets=(*PHONE_NAV, "cancel", "settings", "install"),
    description=(
        "Android's warning when a downloaded file (.apk) tries to install an app. State keys: "
        "`install` — `{app, file, from, permissions}`: the app's name as it claims to be, the "
        "file name (e.g. `VNeID-capnhat.apk`), where it came from (e.g. \"Zalo\", \"Chrome\") "
        "and an optional list of permissions it asks for; `install_stage` — `blocked` "
        "(default: \"For your security, your phone is not allowed to install unknown apps from "
        "this source\" with `cancel` and `settings`) or `confirm` (\"Do you want to install "
        "this app?\" with `cancel` and `install`). Texts may mark `[[name: words]]`."
    ),
    example="""
id: refuse-install
screen: app.install_prompt
set:
  install:
    app: "[[name: Dịch vụ công - Cập nhật]]"
    file: "[[file: dichvucong-capnhat.apk]]"
    from: Zalo
  install_stage: blocked
tap: cancel
hints:
  - Ứng dụng thật chỉ tải từ CH Play hoặc App Store.
  - Bấm "Hủy" để không cài.
""",
)

register(
    "pay.qr",
    "Chuyển tiền bằng mã QR",
    targets=(*PHONE_NAV, "pay", "cancel"),
    description=(
        "A banking app after scanning a payment QR code (the code drawn is a picture, never a "
        "scannable code). State keys: `qr` — `{bank, name, account, amount, note, from}`: the "
        "recipient's bank, name and account, the amount and transfer note filled in by the "
        "code, and where the code came from (e.g. \"Tờ giấy dán ở quầy\"). Each text may mark "
        "`[[name: words]]`. Targets: `pay` (Xác nhận chuyển tiền), `cancel`, `back`, `home`."
    ),
    example="""
id: check-qr-recipient
screen: pay.qr
set:
  qr:
    bank: NganHangMau
    name: "[[name: NGUYEN VAN X]]"
    account: "0123 000 999"
    amount: "2.000.000 đ"
    note: "[[note: Phi giu cho hang]]"
    from: Ảnh người bán gửi qua Zalo
judge:
  answer: scam
  why: Người nhận là một cá nhân lạ, không phải cửa hàng. Đừng chuyển tiền đặt cọc cho người lạ.
""",
)

register(
    "paper.letter",
    "Giấy tờ: thư, giấy mời",
    targets=PHONE_NAV,
    description=(
        "A paper letter or invitation, seen as a photo on the phone (as it often arrives on "
        "Zalo). State key `letter` — `{issuer, motto, number, place_date, title, body, signer, "
        "stamp, signature, contact}`: the office in the top-left header, the national motto "
        "top-right (leave it out to show it missing), the document number (`Số: …`), place and "
        "date, the title (e.g. \"GIẤY MỜI\"), the body (blank line between paragraphs), the "
        "signer's title and name, `stamp: true` / `signature: true` to draw a red stamp / a "
        "signature, and a contact line. Every text may mark `[[name: words]]`."
    ),
    example="""
id: spot-letter
screen: paper.letter
set:
  letter:
    issuer: CÔNG AN QUẬN MẪU
    motto: true
    number: "Số: [[number: 123/GM-XX]]"
    place_date: Quận Mẫu, ngày 10 tháng 11 năm 2026
    title: GIẤY MỜI
    body: >-
      Mời ông/bà liên quan vụ án rửa tiền. [[secret: Không được kể với ai]].
      [[money: Chuyển tiền vào tài khoản tạm giữ]] để chứng minh trong sạch.
    signer: Thượng tá Trần Văn Mẫu
    stamp: false
    contact: "Liên hệ Zalo: 0123 456 000"
spot:
  number: Số giấy mời không có thật. Nghi ngờ thì mang giấy đến công an xã/phường hỏi.
  secret: Cơ quan thật không bắt giữ bí mật với gia đình.
  money: Công an không bao giờ yêu cầu chuyển tiền vào "tài khoản tạm giữ".
""",
)


@template_filter
def call_line(line: object) -> dict:
    """A caller's line as ``{text, audio}`` whether the author wrote a text or a mapping."""
    if isinstance(line, dict):
        return {"text": str(line.get("text", "")), "audio": line.get("audio")}
    return {"text": str(line), "audio": None}


@template_filter
def paragraphs(text: object) -> list[str]:
    """Split an author's text on blank lines (each paragraph goes through ``spans``)."""
    return [p.strip() for p in str(text or "").split("\n\n") if p.strip()]

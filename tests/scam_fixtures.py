"""Scam scenarios for the practice and channel tests: one per simulated channel,
spread over the five themed topics, so the tests do not depend on the real
lessons (which another engineer writes and edits)."""

from __future__ import annotations

import textwrap
from pathlib import Path

THEMES = ("scams-authorities", "scams-bank", "scams-family", "scams-shopping", "scams-web")

TOPICS = "- id: phone\n  order: 1\n  title: {vi: Làm quen điện thoại, en: The phone}\n" + "".join(
    f"- id: {theme}\n  order: {i + 2}\n  title: {{vi: 'Lừa đảo {i + 1}', en: 'Scams {i + 1}'}}\n"
    for i, theme in enumerate(THEMES))

FRONT = """\
---
id: {id}
title: "{title}"
summary: Một tình huống để luyện tập.
topic: {topic}
minutes: 3
order: {order}
sources:
  - title: Nguồn thử
    url: https://example.org/huong-dan
checked: 2026-11-20
state:
{state}
---

Tình huống luyện tập.

## Đọc kỹ

Đọc kỹ rồi bấm **Tiếp tục**.

```step
id: read
screen: {screen}
read: Tiếp tục
```

## Lừa đảo hay an toàn?

Theo bác, đây là gì?

```step
id: judge
screen: {screen}
judge:
  answer: {answer}
  why: "{why}"
wrong:
  default: Chưa đúng. Nhìn lại các dấu hiệu.
hints: [Nhìn kỹ người gửi.]
```
"""

SPOT = """
## Tìm dấu hiệu

Chạm vào từng chỗ đáng ngờ, rồi bấm **Tôi đã tìm xong**.

```step
id: spot
screen: {screen}
spot:
{flags}
```
"""

ACT = """
## Nên làm gì?

Việc nên làm là gì?

```step
id: act
screen: {screen}
choose:
  - text: "{good}"
    correct: true
    why: Đúng, đó là việc an toàn.
  - text: "{bad}"
    why: Không nên, làm vậy là mất tiền.
```
"""

# id: (topic, screen, answer, state yaml, {flag: explanation}, good action, bad action)
SCENARIOS: dict[str, tuple] = {
    "fx-call-police": (
        "scams-authorities", "call.incoming", "scam", """
  call: {from: "Công an phường (tự xưng)", number: "0123 456 789", note: "Không có trong danh bạ"}
  call_state: talking
  call_lines:
    - "Tôi là cán bộ công an. [[urgent: Tài khoản định danh của bác bị khóa hôm nay]]."
    - "Bác [[otp: đọc cho tôi mã OTP vừa gửi đến máy]] để tôi mở lại."
""", {"urgent": "Dọa khóa ngay hôm nay để bác vội.",
      "otp": "Không ai được hỏi mã OTP: công an không làm việc qua điện thoại."},
        "Cúp máy, ra công an xã hỏi", "Đọc mã OTP cho cán bộ"),
    "fx-video-son": (
        "scams-family", "call.video", "scam", """
  call: {from: "Con trai", note: "Cuộc gọi video qua Zalo"}
  call_state: talking
  call_lines:
    - "Mẹ ơi… [[network: mạng yếu quá, con tắt hình nhé]]."
    - "Con đang cấp cứu, [[money: mẹ chuyển ngay 20 triệu vào tài khoản bạn con]]."
""", {"network": "Hình mờ, kêu mạng yếu: dấu hiệu video giả.",
      "money": "Giục chuyển tiền vào tài khoản người lạ."},
        "Gọi lại số của con mà bác đã lưu", "Chuyển tiền ngay"),
    "fx-zalo-otp": (
        "scams-family", "chat.zalo", "scam", """
  chat_with: {name: "Chị Lan (hàng xóm)", status: "Vừa truy cập"}
  chat:
    - id: z1
      time: "19:02"
      text: "Em ơi, [[borrow: chị đang kẹt, cho chị mượn 5 triệu]], mai chị trả."
    - id: z2
      time: "19:03"
      text: "Em [[otp: gửi chị cái mã 6 số vừa nhắn về máy em]] nhé."
      transfer: {name: "NGUYEN VAN X", account: "0123 000 999", bank: NganHangMau,
                 amount: "5.000.000 đ"}
""", {"borrow": "Hỏi vay gấp qua tin nhắn: gọi điện hỏi lại người quen.",
      "otp": "Không bao giờ gửi mã OTP cho ai."},
        "Gọi điện cho chị Lan bằng số đã lưu", "Gửi mã cho chị Lan"),
    "fx-web-dvc": (
        "scams-web", "web.page", "scam", """
  web:
    address: dichvucong.gov.vn.xacthuc.example
    real_address: https://dichvucong.gov.vn.xacthuc.example/dang-nhap
    site: Cổng Dịch vụ công
    heading: Xác thực hồ sơ
    text: "[[deadline: Hồ sơ sẽ bị hủy sau 24 giờ]] nếu bạn không đăng nhập."
    fields: [username, password, otp]
    button: Đăng nhập
""", {"address": "Địa chỉ thật kết thúc bằng .example, không phải .gov.vn.",
      "deadline": "Dọa hủy hồ sơ để bác vội."},
        "Đóng trang, tự gõ dichvucong.gov.vn", "Đăng nhập cho nhanh"),
    "fx-install-apk": (
        "scams-web", "app.install_prompt", "scam", """
  install:
    app: "[[name: VNeID - Cập nhật mức 2]]"
    file: "[[file: vneid-capnhat.apk]]"
    from: Zalo
  install_stage: blocked
""", {"name": "Ứng dụng VNeID thật chỉ có trên CH Play / App Store.",
      "file": "Tệp .apk gửi qua Zalo là ứng dụng lạ."},
        "Bấm Hủy, không cài", "Vào Cài đặt cho phép cài"),
    "fx-qr-deposit": (
        "scams-shopping", "pay.qr", "scam", """
  qr:
    bank: NganHangMau
    name: "[[name: NGUYEN VAN X]]"
    account: "0123 000 999"
    amount: "2.000.000 đ"
    note: "[[note: Phi giu hang]]"
    from: "Ảnh người bán gửi qua Zalo"
""", {"name": "Người nhận là một cá nhân lạ, không phải cửa hàng.",
      "note": "Đòi phí giữ hàng trước: không chuyển."},
        "Hủy, chỉ trả tiền khi nhận hàng", "Xác nhận chuyển tiền"),
    "fx-letter-police": (
        "scams-authorities", "paper.letter", "scam", """
  letter:
    issuer: CÔNG AN QUẬN MẪU
    motto: true
    number: "Số: [[number: 123/GM-XX]]"
    place_date: Quận Mẫu, ngày 10 tháng 11 năm 2026
    title: GIẤY MỜI
    body: |-
      Mời ông/bà liên quan vụ án rửa tiền. [[secret: Không được kể với ai]].

      [[money: Chuyển tiền vào tài khoản tạm giữ]] để chứng minh trong sạch.
    signer: Thượng tá Trần Văn Mẫu
    contact: "Liên hệ Zalo: 0123 456 000"
""", {"number": "Số giấy mời không rõ ràng: mang giấy đến công an xã hỏi.",
      "secret": "Cơ quan thật không bắt giữ bí mật với gia đình.",
      "money": "Công an không đòi chuyển tiền vào tài khoản tạm giữ."},
        "Mang giấy đến công an xã hỏi", "Chuyển tiền theo giấy"),
    "fx-sms-real-otp": (
        "scams-bank", "phone.sms_thread", "safe", """
  open: otp1
  sms:
    - id: otp1
      from: NganHangMau
      time: "09:15"
      text: >-
        NganHangMau: Ma OTP 482915 de [[purpose: CHUYEN TIEN 2.000.000 VND den TRAN THI VI DU]].
        [[warning: KHONG cung cap OTP cho bat ky ai]].
""", {"purpose": "Tin thật ghi rõ mục đích và người nhận.",
      "warning": "Tin thật nhắc không đưa mã cho ai, và không có đường link."},
        "Chỉ nhập mã vào ứng dụng ngân hàng mình đang dùng", "Đọc mã cho người gọi điện"),
    "fx-sms-fake-points": (
        "scams-bank", "phone.sms_thread", "scam", """
  open: fake1
  sms:
    - id: real1
      from: NganHangMau
      time: "08:02"
      text: "NganHangMau: TK 0123xxx789 -250.000VND. ND: tien dien."
    - id: fake1
      from: NganHangMau
      time: "10:47"
      text: >-
        NganHangMau: Quy khach co 10.460 diem [[deadline: het han trong hom nay]].
        Doi qua tai [[link: https://nganhangmau-doidiem.example]]
""", {"link": "Ngân hàng không gửi đường link.", "deadline": "Giục làm ngay hôm nay."},
        "Không bấm link, gọi tổng đài in trên thẻ", "Bấm vào link"),
    "fx-shop-real": (
        "scams-shopping", "phone.sms_thread", "safe", """
  open: d1
  sms:
    - id: d1
      from: "BuuDienMau"
      time: "11:00"
      text: >-
        BuuDienMau: Don hang cua ban [[cod: se giao hom nay, thanh toan khi nhan hang]].
        [[nolink: Khong can lam gi them]].
""", {"cod": "Trả tiền khi nhận hàng: không phải chuyển trước.",
      "nolink": "Không có đường link, không xin thông tin."},
        "Chờ nhận hàng rồi trả tiền", "Chuyển khoản trước cho chắc"),
}


def scenario_text(base_id: str, lesson_id: str | None = None) -> str:
    """A scenario file; ``lesson_id`` gives a copy of ``base_id`` its own id."""
    topic, screen, answer, state, flags, good, bad = SCENARIOS[base_id]
    lesson_id = lesson_id or base_id
    order = list(SCENARIOS).index(base_id) + 1
    body = FRONT.format(id=lesson_id, title=f"Tình huống {lesson_id}", topic=topic,
                        order=order, state=textwrap.indent(textwrap.dedent(state).strip("\n"),
                                                           "  "),
                        screen=screen, answer=answer, why="Xem các dấu hiệu trong tin.")
    flag_lines = "\n".join(f'  {name}: "{why}"' for name, why in flags.items())
    return (body + SPOT.format(screen=screen, flags=flag_lines)
            + ACT.format(screen=screen, good=good, bad=bad))


def write_scam_lessons(root: Path, ids: tuple[str, ...] | None = None, copies: int = 1) -> Path:
    """Write the topics and scenarios (Vietnamese only) into ``root``; returns it.
    ``copies`` > 1 adds numbered copies (``fx-…-2``) for a library bigger than a round."""
    for sub in ("vi", "en", "audio"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    for base in ids or tuple(SCENARIOS):
        for n in range(1, copies + 1):
            lesson_id = base if n == 1 else f"{base}-{n}"
            (root / "vi" / f"{lesson_id}.md").write_text(scenario_text(base, lesson_id),
                                                         encoding="utf-8")
    return root


def base_of(lesson_id: str) -> str:
    """The fixture a (possibly copied) scenario was made from."""
    return next(b for b in sorted(SCENARIOS, key=len, reverse=True) if lesson_id.startswith(b))

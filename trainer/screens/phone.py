"""The phone itself: home screen and SMS. Every phone screen also has the
navigation buttons ``back`` and ``home`` and, when the lesson's state has a
``notification``, a banner the learner can tap (its target is the id)."""

from trainer.screens import register, template_filter

PHONE_NAV = ("back", "home")

register(
    "phone.home",
    "Màn hình chính của điện thoại",
    targets=(*PHONE_NAV, "app-phone", "app-messages", "app-zalo", "app-chplay", "app-camera",
             "app-photos", "app-settings", "app-vneid"),
    description="Android-style home screen. The VNeID icon shows only when the state has "
                "`vneid_installed: true`.",
    example="""
id: open-messages
screen: phone.home
tap: app-messages
hints:
  - Tìm biểu tượng có hình phong bì thư.
  - Nó có chữ "Tin nhắn" ở dưới.
  - Chạm vào ô "Tin nhắn".
""",
)

register(
    "phone.sms_inbox",
    "Tin nhắn: danh sách",
    targets=PHONE_NAV,
    description="The SMS list, one row per sender, newest first. Messages come from the state "
                "key `sms`: a list of `{id, from, text, time}`; a row's target is the id of "
                "that sender's newest message.",
    example="""
id: open-bank-sms
screen: phone.sms_inbox
add:
  sms:
    - id: bank1
      from: NganHangMau
      time: "09:15"
      text: "NganHangMau: TK 0123xxx789 -200.000VND. ND: tien dien."
tap: bank1
""",
)

register(
    "phone.sms_thread",
    "Tin nhắn: một cuộc trò chuyện",
    targets=(*PHONE_NAV, "send"),
    fields=("reply",),
    description="All messages from the sender of the message named by the state key `open`. "
                "Text may mark parts as `[[name: words]]` so a spot step can ask for them.",
    example="""
id: read-bank-sms
screen: phone.sms_thread
add:
  sms:
    - id: bank1
      from: NganHangMau
      time: "09:15"
      text: "NganHangMau: Quy khach co qua tang, nhan tai [[link: https://nganhangmau-qua.example]]"
set:
  open: bank1
read: Tiếp tục
""",
)


@template_filter
def conversations(messages: list[dict]) -> list[tuple[str, list[dict]]]:
    """SMS grouped by sender, the most recent conversation first (list order is time order)."""
    groups: dict[str, list[dict]] = {}
    for message in messages:
        groups.setdefault(str(message.get("from", "")), []).append(message)
    return sorted(groups.items(), key=lambda kv: -messages.index(kv[1][-1]))


@template_filter
def thread_of(messages: list[dict], message_id: str | None) -> dict:
    """The conversation that contains ``message_id`` (the newest one if not found)."""
    opened = next((m for m in messages if m.get("id") == message_id), None)
    if opened is None and messages:
        opened = messages[-1]
    sender = str(opened.get("from", "")) if opened else ""
    return {"sender": sender, "messages": [m for m in messages if str(m.get("from")) == sender]}

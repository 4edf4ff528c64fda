"""Template filters of the phone's own screens (declared in
``templates/screens/phone/screens.yaml``)."""

from trainer.screens import drawn_by, marked, template_filter


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


@drawn_by("phone.sms_inbox")
def _inbox(state: dict) -> tuple[set[str], set[str]]:
    """One row per sender, whose button is the sender's newest message."""
    messages = [m for m in state.get("sms") or [] if isinstance(m, dict)]
    return {str(ms[-1].get("id")) for _, ms in conversations(messages)}, set()


@drawn_by("phone.sms_thread")
def _thread(state: dict) -> tuple[set[str], set[str]]:
    """The opened message's conversation only: marks in other senders' texts are not drawn."""
    messages = [m for m in state.get("sms") or [] if isinstance(m, dict)]
    thread = thread_of(messages, state.get("open"))["messages"]
    return set(), marked([m.get("text") for m in thread])

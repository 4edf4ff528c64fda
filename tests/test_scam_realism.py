"""Scam screens that look like the real thing (issue 15): callers as a phone shows them,
red flags unmarked until found, ordinary text answers "Chỗ này bình thường", the QR a
chat mentions is drawn, the address bar keeps its ending whole."""

from __future__ import annotations

import re

from tests.conftest import feedback, htmx

SPOT = "/lessons/fake-bank-points-sms/3"  # spot-flags on an SMS thread


def _parts(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<button type="submit" class="([^"]*part[^"]*)" name="target" '
                      r'value="([^"]+)"', html)


def test_red_flags_look_like_ordinary_text_until_found(client):
    before = _parts(client.get(SPOT).get_data(as_text=True))
    flags = {value for _cls, value in before if value != "ordinary"}
    assert flags == {"link", "deadline", "prize"}
    assert any(value == "ordinary" for _cls, value in before)  # the rest is tappable too
    assert {cls for cls, _value in before} == {"part"}  # nothing tells a flag apart
    after = _parts(htmx(client, SPOT, target="prize").get_data(as_text=True))
    assert ("part found", "prize") in after
    assert {cls for cls, value in after if value != "prize"} == {"part"}


def test_tapping_ordinary_text_says_it_is_ordinary(client):
    html = htmx(client, SPOT, target="ordinary").get_data(as_text=True)
    assert feedback(html) == "Chỗ này bình thường. Bác thử tìm chỗ khác nhé."
    assert "Đã tìm được 0/3 dấu hiệu" in html


def test_callers_are_shown_as_a_phone_shows_them(client, app):
    for lesson in app.extensions["library"].lessons.values():
        caller = (lesson.state or {}).get("call") or {}
        assert not re.search(r"tự xưng|claimed|\(", str(caller.get("from", ""))), lesson.id
    html = client.get("/lessons/scam-cong-an-vneid-muc-2/1").get_data(as_text=True)
    assert '<p class="call-from">0123 456 701</p>' in html
    assert "call-avatar-unknown" in html and "tự xưng)" not in html.split("call-from")[1][:200]


def test_the_qr_the_chat_mentions_is_drawn_and_marked_as_practice(client):
    html = client.get("/lessons/scam-dien-luc-cat-dien/1").get_data(as_text=True)
    chat = html[html.index('class="sms-thread zalo-thread"'):]
    assert 'class="chat-qr"' in chat and "MẪU" in chat and 'aria-label="Mã QR (hình mẫu)"' in chat

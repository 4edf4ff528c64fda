"""The scam channel screens draw what their state says, and only that."""

from __future__ import annotations

import re

import pytest

from tests.conftest import front, htmx

STATE = """\
  call: {from: "Cán bộ <b>X</b>", number: "0123 456 789", audio: cuoc-goi.mp3}
  call_lines:
    - "Alô, [[otp: đọc mã OTP]] <script>alert(1)</script>"
    - {text: "Câu thứ hai", audio: cau-2.mp3}
  web: {address: dichvucong.gov.vn.example, real_address: "https://dichvucong.gov.vn.example/x",
        heading: Đăng nhập, fields: [username, otp], button: Tiếp tục}
  letter: {issuer: CÔNG AN MẪU, title: GIẤY MỜI, body: "Đoạn một.\\n\\nĐoạn hai."}
"""

STEP = """
## Bước {n}

Làm theo.

```step
id: s{n}
screen: {screen}
{extra}
```
"""


@pytest.fixture
def client(make_app, lessons_dir):
    steps = [
        ("call.incoming", "tap: answer"),
        ("call.incoming", "set: {call_state: talking}\nread: Tiếp tục"),
        ("call.video", "read: Tiếp tục"),
        ("call.video", "set: {call: {from: Con, sharp: true}, call_state: talking}\nread: Tiếp"),
        ("web.page", "tap: address"),
        ("paper.letter", "read: Tiếp tục"),
        ("paper.letter", "set: {letter: {issuer: X, stamp: true, signature: true}}\nread: Tiếp"),
    ]
    body = front(STATE, "ch") + "".join(STEP.format(n=n, screen=screen, extra=extra)
                           for n, (screen, extra) in enumerate(steps, 1))
    lessons_dir("vi/ch.md", body)
    return make_app(LESSONS_DIR=str(lessons_dir.root)).test_client()


def page(client, n: int) -> str:
    response = client.get(f"/lessons/ch/{n}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_ringing_call_shows_who_calls_and_hides_the_words_until_answered(client):
    ringing = page(client, 1)
    assert 'data-target="answer"' in ringing and 'data-target="decline"' in ringing
    assert "đọc mã OTP" not in ringing
    assert "Cán bộ &lt;b&gt;X&lt;/b&gt;" in ringing  # the author's text is escaped
    talking = page(client, 2)
    assert 'data-target="hang-up"' in talking and 'data-target="answer"' not in talking
    assert "đọc mã OTP" in talking
    assert "&lt;script&gt;" in talking and "<script>alert" not in talking
    assert 'src="/lessons/audio/cau-2.mp3"' in talking  # a line's recording
    assert 'src="/lessons/audio/cuoc-goi.mp3"' in talking  # the whole call's recording


def test_a_video_call_is_blurry_on_a_weak_network_unless_sharp(client):
    assert "video-frame blurry" in page(client, 3) and "Mạng yếu" in page(client, 3)
    sharp = page(client, 4)
    assert "video-frame blurry" not in sharp and "Mạng yếu" not in sharp


def test_tapping_the_address_bar_reveals_the_real_address(client):
    before = page(client, 5)
    assert "dichvucong.gov.vn.example" in before and "https://dichvucong.gov.vn.example/x" \
        not in before
    assert 'data-field="username"' in before and 'data-field="otp"' in before
    after = htmx(client, "/lessons/ch/5", target="address").get_data(as_text=True)
    shown = re.search(r'class="real-address">(.*?)</p>', after, re.S).group(1)
    assert "https://dichvucong.gov.vn.example/x" in re.sub(r"<[^>]+>", "", shown)
    # it may wrap between the parts of the name, never inside one: the ending stays whole
    assert '<span class="addr-part">vn.example</span>' in shown


def test_a_letter_has_a_stamp_and_signature_only_when_the_author_says_so(client):
    plain = page(client, 6)
    assert plain.count('class="letter-body"') == 2  # two paragraphs
    assert "letter-stamp" not in plain and "letter-signature" not in plain
    assert "CỘNG HÒA" not in plain  # no national motto unless given
    signed = page(client, 7)
    assert "letter-stamp" in signed and "letter-signature" in signed
    assert "qr-pic" not in plain + signed  # a QR code is printed only when the letter says so


def test_the_fake_fine_letter_prints_the_qr_code_it_tells_her_to_scan(make_app):
    """"quét mã QR ở cuối giấy": the code is there, as a drawing marked MẪU."""
    app = make_app()  # the bundled lessons
    lesson = app.extensions["library"].get("scam-giay-phat-nguoi-qr", "vi")
    number = next(n for n, s in enumerate(lesson.steps, 1) if s.screen == "paper.letter")
    html = app.test_client().get(f"/lessons/scam-giay-phat-nguoi-qr/{number}").get_data(
        as_text=True)
    qr = html[html.index('class="letter-qr"'):]
    qr = qr[:qr.index("</svg>")]
    assert "qr-pic" in qr and ">MẪU</text>" in qr

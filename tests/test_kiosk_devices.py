"""A kiosk per device (issue 17 item 6) and kiosk sign-in for people who cannot read
(item 7): only the browser a volunteer turned into a kiosk behaves as one; first-timers
choose their own pictures; a card's typed code signs in; no kiosk page holds an emoji."""

from __future__ import annotations

import re

import pytest

from tests.conftest import htmx
from tests.test_classroom import code_of, join, login, make_class, volunteer_client
from trainer.classroom import devices, kiosk
from trainer.models import KioskDevice, KioskLogin, Learner

# Characters a kiosk without an emoji font shows as empty boxes: the emoji planes, the
# request for emoji presentation (U+FE0F) and joiner, and the BMP characters whose
# default presentation is emoji (Unicode Emoji_Presentation=Yes, emoji-data.txt 15.1).
EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\uFE0F\u200D\u231A\u231B\u23E9-\u23EC\u23F0\u23F3"
    "\u25FD\u25FE\u2614\u2615\u2648-\u2653\u267F\u2693\u26A1\u26AA\u26AB\u26BD"
    "\u26BE\u26C4\u26C5\u26CE\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD\u2705"
    "\u270A\u270B\u2728\u274C\u274E\u2753-\u2755\u2757\u2795-\u2797\u27B0\u27BF"
    "\u2B1B\u2B1C\u2B50\u2B55]")


@pytest.fixture
def app(lesson_app):
    return lesson_app(steps=2, KIOSK_IDLE_SECONDS=5, KIOSK_ASK_SECONDS=60)


def make_kiosk(app, name="Máy nhà văn hóa"):
    """A volunteer's browser turned into a kiosk, and that volunteer's other device."""
    device = volunteer_client(app)
    r = device.post("/kiosk/devices", data={"name": name})
    assert r.status_code == 303 and r.headers["Location"].endswith("/kiosk")
    board = app.test_client()
    assert login(board).status_code == 303
    return device, board


def test_only_the_device_made_a_kiosk_is_one(app):
    kiosk_device, board = make_kiosk(app)
    phone = app.test_client()
    assert kiosk_device.get("/").headers["Location"].endswith("/kiosk")
    start = kiosk_device.get("/kiosk").get_data(as_text=True)
    assert "Bắt đầu học" in start and 'data-idle="5"' in start
    # Another device on the same server: a learner's phone and the volunteer's board.
    assert phone.get("/").status_code == 200
    assert phone.get("/kiosk").status_code == 404 and phone.get("/kiosk/who").status_code == 404
    assert "kiosk-idle" not in phone.get("/").get_data(as_text=True)
    cid = make_class(board)
    dashboard = board.get("/volunteer/").get_data(as_text=True)
    assert dashboard.count("Biến máy này thành máy học chung") == 1
    assert "<title>Lớp học của tôi · Tập Số</title>" in dashboard
    for url in ("/", "/volunteer/", f"/volunteer/classes/{cid}/board"):
        r = board.get(url)
        assert r.status_code == 200, url
        assert "kiosk-idle" not in r.get_data(as_text=True), url
    # Even on the kiosk device itself, the volunteer pages never bounce or time out.
    board_on_kiosk = kiosk_device.get(f"/volunteer/classes/{cid}/board")
    assert board_on_kiosk.status_code == 200
    assert "kiosk-idle" not in board_on_kiosk.get_data(as_text=True)
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        device = db.query(KioskDevice).one()
        cookie = kiosk_device.get_cookie(devices.COOKIE).value
        assert device.name == "Máy nhà văn hóa" and device.created_by.username == "an"
        token = devices.token_from_cookie(app.config["SECRET_KEY"], cookie)
        assert token and token not in device.token_hash and cookie not in device.token_hash


def test_a_revoked_or_forged_device_is_an_ordinary_browser(app):
    kiosk_device, board = make_kiosk(app)
    listing = board.get("/kiosk/devices").get_data(as_text=True)
    assert "Máy nhà văn hóa" in listing and "(máy này)" not in listing
    device_id = re.search(r"/kiosk/devices/(\d+)/revoke", listing).group(1)
    assert board.post(f"/kiosk/devices/{device_id}/revoke").status_code == 303
    assert kiosk_device.get("/").status_code == 200
    assert kiosk_device.get("/kiosk").status_code == 404
    assert "Đã thu hồi" in board.get("/kiosk/devices").get_data(as_text=True)

    forged = app.test_client()
    forged.set_cookie(devices.COOKIE, devices.cookie_value("not the key", "x" * 43))
    assert forged.get("/").status_code == 200 and forged.get("/kiosk").status_code == 404
    stranger = app.test_client()
    r = stranger.post("/kiosk/devices", data={"name": "mine"})
    assert r.status_code == 403 and stranger.get_cookie(devices.COOKIE) is None
    assert "/volunteer/login" in stranger.get("/kiosk/devices").headers["Location"]
    assert stranger.post(f"/kiosk/devices/{device_id}/revoke").status_code == 403


def test_revoking_this_device_from_itself_drops_its_cookie(app):
    kiosk_device, _board = make_kiosk(app)
    kiosk_device.post("/kiosk/start")  # a learner's turn signs the volunteer out
    assert login(kiosk_device).status_code == 303
    listing = kiosk_device.get("/kiosk/devices").get_data(as_text=True)
    assert "(máy này)" in listing
    device_id = re.search(r"/kiosk/devices/(\d+)/revoke", listing).group(1)
    kiosk_device.post(f"/kiosk/devices/{device_id}/revoke")
    assert kiosk_device.get_cookie(devices.COOKIE) is None


def test_a_first_timer_chooses_pictures_on_the_kiosk_then_signs_in_with_them(app):
    k, _board = make_kiosk(app)
    k.post("/kiosk/start")
    who = k.get("/kiosk/who").get_data(as_text=True)
    assert "/kiosk/first" in who
    page = k.get("/kiosk/first").get_data(as_text=True)
    assert page.count('src="/static/img/kiosk/') >= 36 and "Trăng" in page
    # The leave button is on the lesson page before the first answer creates the learner.
    step = k.get("/lessons/test-lesson/1").get_data(as_text=True)
    assert "để người khác học" in step
    r = k.post("/kiosk/first", data={"picture": "moon", "name": "Ông Tư",
                                      "p0": "fish", "p1": "sun", "p2": "moon"})
    assert r.status_code == 303
    assert "để người khác học" in k.get("/").get_data(as_text=True)
    with k.session_transaction() as s:
        first_id = s["learner"]
    k.post("/kiosk/end")
    k.post("/kiosk/start")
    who = k.get("/kiosk/who").get_data(as_text=True)
    login_id = re.search(r"/kiosk/sign-in/(\d+)", who).group(1)
    assert "Ông Tư" in who and "/static/img/kiosk/moon" in who
    bad = k.post(f"/kiosk/sign-in/{login_id}", data={"p0": "sun", "p1": "fish", "p2": "moon"})
    assert bad.status_code == 400
    ok = k.post(f"/kiosk/sign-in/{login_id}", data={"p0": "fish", "p1": "sun", "p2": "moon"})
    assert ok.status_code == 303
    with k.session_transaction() as s:
        assert s["learner"] == first_id


def test_first_time_choices_missing_are_answered_in_words(app):
    k, _board = make_kiosk(app)
    k.post("/kiosk/start")
    r = k.post("/kiosk/first", data={"p0": "fish"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Chọn một hình để bác tìm tên mình." in page and "Chọn đủ 3 hình" in page
    r = k.post("/kiosk/first", data={"picture": "sun", "pin": "12a4"})
    assert r.status_code == 400 and "4 chữ số" in r.get_data(as_text=True)
    with app.app_context():
        assert app.extensions["sessionmaker"]().query(KioskLogin).count() == 0


def test_the_typed_card_code_signs_in_on_a_kiosk(app):
    v = volunteer_client(app, "bo")
    cid = make_class(v)
    phone = join(app, code_of(app, cid), "Bà Năm")
    htmx(phone, "/lessons/test-lesson/1", target="app-messages")
    card = phone.get("/my-card").get_data(as_text=True)
    code = re.search(r'class="card-code">.*?<strong>([0-9A-Z]{4} [0-9A-Z]{4})</strong>',
                     card).group(1)
    assert code in v.get(f"/volunteer/classes/{cid}/cards").get_data(as_text=True)
    k, _board = make_kiosk(app)
    k.post("/kiosk/start")
    wrong = k.post("/kiosk/code", data={"code": "2222 2222"})
    assert wrong.status_code == 400 and "Chưa đúng mã" in wrong.get_data(as_text=True)
    r = k.post("/kiosk/code", data={"code": code.lower().replace(" ", "-")})
    assert r.status_code == 303
    with phone.session_transaction() as s:
        mine = s["learner"]
    with k.session_transaction() as s:
        assert s["learner"] == mine and s["kiosk_started"]
    # Not a kiosk: typed codes are refused (a phone has its own learner already).
    assert app.test_client().post("/kiosk/code", data={"code": code}).status_code == 404
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        learner = db.query(Learner).filter_by(public_id=mine).one()
        assert kiosk.learner_from_code(db, code).id == learner.id


def test_no_kiosk_page_holds_an_emoji(app):
    k, _board = make_kiosk(app)
    phone = join(app, code_of(app, make_class(_board)), "Bà Năm")
    htmx(phone, "/lessons/test-lesson/1", target="app-messages")
    pages = {"/kiosk": k.get("/kiosk")}
    k.post("/kiosk/start")
    for url in ("/kiosk/who", "/kiosk/first", "/", "/lessons/test-lesson/1"):
        pages[url] = k.get(url)
    k.post("/kiosk/first", data={"picture": "rooster", "pin": "2468"})
    pages["/ (signed in)"] = k.get("/")
    k.post("/kiosk/end")
    k.post("/kiosk/start")
    login_id = re.search(r"/kiosk/sign-in/(\d+)", k.get("/kiosk/who").get_data(as_text=True))
    pages["/kiosk/sign-in"] = k.get(f"/kiosk/sign-in/{login_id.group(1)}")
    pages["/my-card"] = phone.get("/my-card")
    for url, r in pages.items():
        html = r.get_data(as_text=True)
        assert r.status_code == 200, url
        found = sorted({c for c in html if EMOJI.match(c)})
        assert not found, f"{url}: {[hex(ord(c)) for c in found]}"

"""Volunteers and classes (issue 6): accounts, join codes, the live board, follow me,
raised hands, kiosk sign-in, learner cards, reports and certificates."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest

from tests.conftest import htmx, lesson_text
from trainer import progress
from trainer.classroom import auth, classes, kiosk
from trainer.models import ClassMember, ClassSession, Learner, Volunteer

PASSWORD = "correct horse"


@pytest.fixture
def app(make_app, lessons_dir):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=3))
    lessons_dir("vi/second.md", lesson_text("second", steps=1).replace("order: 1", "order: 2"))
    return make_app(LESSONS_DIR=str(lessons_dir.root))


def add_volunteer(app, username="an", role="volunteer") -> int:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        v = auth.create_volunteer(db, username, PASSWORD, role)
        db.commit()
        vid = v.id
        db.close()
    return vid


def login(client, username="an", password=PASSWORD):
    return client.post("/volunteer/login", data={"username": username, "password": password})


def volunteer_client(app, username="an", role="volunteer"):
    add_volunteer(app, username, role)
    c = app.test_client()
    assert login(c, username).status_code == 303
    return c


def make_class(c, title="Lớp VNeID", lessons=("test-lesson",), held_on=None,
               commune="Xã An Bình") -> int:
    r = c.post("/volunteer/classes/new", data={
        "title": title, "commune": commune, "village": "Thôn 1",
        "held_on": (held_on or dt.date.today()).isoformat(), "lesson": list(lessons)})
    assert r.status_code == 303, r.data
    return int(r.headers["Location"].rsplit("/", 1)[1])


def code_of(app, class_id: int) -> str:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        code = db.get(ClassSession, class_id).code
        db.close()
    return code


def open_class(app, **fields) -> tuple:
    """A volunteer signed in with a new class: (their client, the class id, its join code)."""
    v = volunteer_client(app)
    cid = make_class(v, **fields)
    return v, cid, code_of(app, cid)


def join(app, code: str, name="Bà Lan", birth_year=""):
    c = app.test_client()
    r = c.post(f"/join/{code}", data={"name": name, "birth_year": birth_year})
    assert r.status_code == 303, r.data
    return c


# --- accounts ---------------------------------------------------------------------------

def test_passwords_are_hashed_with_scrypt_and_verified(app):
    add_volunteer(app)
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        v = db.query(Volunteer).one()
        assert v.password_hash.startswith("scrypt:") and PASSWORD not in v.password_hash
        assert auth.verify(db, "AN", PASSWORD) is not None
        assert auth.verify(db, "an", "wrong password") is None
        assert auth.verify(db, "nobody", PASSWORD) is None
        with pytest.raises(auth.AccountError):
            auth.create_volunteer(db, "an", PASSWORD)
        with pytest.raises(auth.AccountError):
            auth.create_volunteer(db, "bo", "short")


def test_volunteer_pages_need_a_login_and_learners_never_see_them(app, client):
    r = client.get("/volunteer/")
    assert r.status_code == 302 and "/volunteer/login" in r.headers["Location"]
    assert client.get("/volunteer/classes/new").status_code == 302
    assert client.post("/volunteer/classes/new", data={"title": "x"}).status_code == 403
    assert client.get("/volunteer/reports/report.csv").status_code == 302
    assert htmx(client, "/volunteer/classes/1/present", action="next").status_code == 403


def test_login_logout_and_wrong_password(app, client):
    add_volunteer(app)
    r = login(client, password="nope nope")
    assert r.status_code == 401 and "chưa đúng" in r.get_data(as_text=True)
    assert login(client).status_code == 303
    assert client.get("/volunteer/").status_code == 200
    client.post("/volunteer/logout")
    assert client.get("/volunteer/").status_code == 302


def test_login_rate_limit_holds_across_app_processes(make_app, app):
    add_volunteer(app)
    other = make_app(LESSONS_DIR=app.config["LESSONS_DIR"])  # a second process, same database
    for i in range(auth.MAX_FAILURES):
        assert login((app if i % 2 else other).test_client(), password="bad password").status_code \
            == 401
    r = login(other.test_client())  # even the right password waits now
    assert r.status_code == 429 and "15 phút" in r.get_data(as_text=True)


def test_volunteer_session_expires_but_learner_progress_cookie_stays(app):
    c = volunteer_client(app)
    with c.session_transaction() as s:
        s["learner"] = "keep-me"
        s[auth.SESSION_SINCE] = (dt.datetime.now(dt.UTC).replace(tzinfo=None)
                                 - dt.timedelta(hours=13)).isoformat()
    assert c.get("/volunteer/").status_code == 302
    with c.session_transaction() as s:
        assert s["learner"] == "keep-me" and auth.SESSION_KEY not in s


def test_admin_adds_volunteers_and_a_volunteer_cannot(app):
    admin = volunteer_client(app, "boss", "admin")
    r = admin.post("/volunteer/volunteers", data={"username": "moi", "password": PASSWORD,
                                                  "role": "volunteer"})
    assert r.status_code == 200 and "moi" in r.get_data(as_text=True)
    plain = app.test_client()
    login(plain, "moi")
    assert plain.get("/volunteer/volunteers").status_code == 403


def test_create_admin_command(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "chief", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    c = app.test_client()
    assert login(c, "chief").status_code == 303
    assert c.get("/volunteer/volunteers").status_code == 200


# --- classes and joining ------------------------------------------------------------------

def test_join_codes_have_no_ambiguous_characters(app):
    with app.app_context(), app.extensions["sessionmaker"]() as db:
        codes = {classes.new_code(db) for _ in range(200)}
    assert all(len(c) == classes.CODE_LENGTH and set(c) <= set("23456789") for c in codes)


def test_class_page_shows_code_and_a_qr_svg(app):
    c = volunteer_client(app)
    cid = make_class(c)
    page = c.get(f"/volunteer/classes/{cid}").get_data(as_text=True)
    assert code_of(app, cid) in page.replace(" ", "")
    svg = c.get(f"/volunteer/classes/{cid}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"viewBox" in svg.data


def test_a_volunteer_sees_only_their_own_classes_unless_admin(app):
    an = volunteer_client(app, "an")
    cid = make_class(an, title="Lớp của An")
    binh = volunteer_client(app, "binh")
    for url in ("", "/present", "/board", "/qr.svg", "/cards", "/welcome", "/certificates"):
        r = binh.get(f"/volunteer/classes/{cid}{url}")
        assert r.status_code == 403, url  # a page that says why, not a 404
        assert "Đây không phải lớp của bạn" in r.get_data(as_text=True)
        assert "Lớp của An" not in r.get_data(as_text=True)
    assert binh.get("/volunteer/classes/999/board").status_code == 404
    assert "Lớp của An" not in binh.get("/volunteer/").get_data(as_text=True)
    admin = volunteer_client(app, "boss", "admin")
    assert admin.get(f"/volunteer/classes/{cid}/board").status_code == 200
    assert "Lớp của An" in admin.get("/volunteer/").get_data(as_text=True)


def test_wrong_and_expired_codes_get_a_clear_message(app, client):
    r = client.post("/join", data={"code": "999999"})
    assert r.status_code == 400 and "Không tìm thấy lớp" in r.get_data(as_text=True)
    v = volunteer_client(app)
    old = make_class(v, held_on=dt.date.today() - dt.timedelta(days=5))
    with app.app_context():  # written down five days ago too: over
        db = app.extensions["sessionmaker"]()
        db.get(ClassSession, old).created_at -= dt.timedelta(days=5)
        db.commit()
        db.close()
    r = client.post("/join", data={"code": code_of(app, old)})
    assert r.status_code == 410 and "đã kết thúc" in r.get_data(as_text=True)
    closed = make_class(v)
    v.post(f"/volunteer/classes/{closed}/end")
    # The name form looks the same for any code (issue 20); joining says what is wrong.
    assert client.post(f"/join/{code_of(app, closed)}", data={"name": "X"}).status_code == 410
    assert client.post("/join/abc", data={"name": "X"}).status_code == 404


def test_a_past_session_written_down_today_stays_open_for_recording(app, client):
    """Last week's door-to-door visits: the class is dated then, written down now, and
    people can still be added to it today; it counts on its own date in the reports."""
    v = volunteer_client(app)
    last_week = dt.date.today() - dt.timedelta(days=7)
    past = make_class(v, title="Thăm nhà thôn 3", held_on=last_week)
    join(app, code_of(app, past), "Bà Tư", "1947")
    query = {"start": last_week.isoformat(), "end": last_week.isoformat()}
    page = v.get("/volunteer/reports/", query_string=query).get_data(as_text=True)
    assert re.search(r'data-total="classes"><strong>1</strong>', page)
    v.post(f"/volunteer/classes/{past}/end")  # closing stays the volunteer's choice
    # (the name form looks the same for every code, #20: joining says the class ended)
    assert client.post(f"/join/{code_of(app, past)}", data={"name": "X"}).status_code == 410


def test_joining_keeps_the_progress_the_phone_already_has(app, client):
    htmx(client, "/lessons/test-lesson/1", target="app-messages")
    with client.session_transaction() as s:
        before = s["learner"]
    v = volunteer_client(app)
    code = code_of(app, make_class(v))
    r = client.post("/join", data={"code": f"{code[:3]} {code[3:]}"})
    assert r.headers["Location"].endswith(f"/join/{code}")
    page = client.get(f"/join/{code}").get_data(as_text=True)
    assert "năm sinh" in page.lower() and "báo cáo" in page  # says what is kept and why
    r = client.post(f"/join/{code}", data={"name": "  Bà   Lan ", "birth_year": "1955"})
    # straight on to the first step this phone has not finished, in one round trip
    assert r.status_code == 303 and r.headers["Location"].endswith("/lessons/test-lesson/2")
    with client.session_transaction() as s:
        assert s["learner"] == before
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        member = db.query(ClassMember).one()
        assert (member.display_name, member.birth_year) == ("Bà Lan", 1955)
        assert member.learner.public_id == before


def test_join_needs_a_name(app, client):
    code = code_of(app, make_class(volunteer_client(app)))
    r = client.post(f"/join/{code}", data={"name": "   "})
    assert r.status_code == 400 and "gõ tên" in r.get_data(as_text=True)


# --- the live board, hands and follow me ---------------------------------------------------

def test_board_shows_stuck_learners_first_and_escapes_names(app):
    v, cid, code = open_class(app)
    fine = join(app, code, "Ông Ba")
    stuck = join(app, code, '<script>alert("x")</script>')
    htmx(fine, "/lessons/test-lesson/1", target="app-messages")
    htmx(stuck, "/lessons/test-lesson/1", target="home")
    htmx(stuck, "/lessons/test-lesson/1", target="back")
    page = htmx(v, f"/volunteer/classes/{cid}/board").get_data(as_text=True) if False else \
        v.get(f"/volunteer/classes/{cid}/board", headers={"HX-Request": "true"}).get_data(
            as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    states = re.findall(r'data-state="(\w+)"', page)
    assert states == ["stuck", "ok"]
    assert "Sai 2 lần" in page and "Lần cuối: bấm" in page


def test_raise_hand_shows_on_board_until_a_volunteer_answers(app):
    v = volunteer_client(app)
    cid = make_class(v)
    learner = join(app, code_of(app, cid), "Bà Tư")
    step = learner.get("/lessons/test-lesson/1").get_data(as_text=True)
    assert "Tôi cần giúp" in step
    r = htmx(learner, "/class/hand", lesson="test-lesson", step="1")
    assert "Đã báo" in r.get_data(as_text=True)
    board = v.get(f"/volunteer/classes/{cid}/board").get_data(as_text=True)
    assert 'data-state="hand"' in board
    member_id = re.search(r'data-member="(\d+)"', board).group(1)
    v.post(f"/volunteer/classes/{cid}/members/{member_id}/helped")
    assert 'data-state="hand"' not in v.get(f"/volunteer/classes/{cid}/board").get_data(
        as_text=True)


def test_class_bar_polls_answer_nothing_new_until_something_changes(app):
    v = volunteer_client(app)
    cid = make_class(v)
    learner = join(app, code_of(app, cid), "Bà Tư")
    step = learner.get("/lessons/test-lesson/1").get_data(as_text=True)
    poll = html.unescape(re.search(r'id="class-bar"[^>]*hx-get="([^"]+)"', step).group(1))
    assert learner.get(poll).status_code == 204  # the bar on the phone is up to date
    htmx(learner, "/class/hand", lesson="test-lesson", step="1")
    r = learner.get(poll)  # the hand went up (here, from another tab): draw the bar again
    assert r.status_code == 200 and "Đã báo" in r.get_data(as_text=True)
    newer = html.unescape(re.search(r'hx-get="([^"]+)"', r.get_data(as_text=True)).group(1))
    assert newer != poll and learner.get(newer).status_code == 204
    htmx(v, f"/volunteer/classes/{cid}/present", action="follow")  # the volunteer's change
    r = learner.get(newer)
    assert r.status_code == 200 and "Tự học, không theo màn chiếu" in r.get_data(as_text=True)


def test_help_button_only_for_learners_in_a_class(app, client):
    assert "Tôi cần giúp" not in client.get("/lessons/test-lesson/1").get_data(as_text=True)
    assert client.get("/class/bar?lesson=test-lesson&step=1").status_code == 204
    assert client.post("/class/hand").status_code == 404


def test_follow_me_moves_following_learners_and_one_can_leave(app):
    v, cid, code = open_class(app)
    a, b = join(app, code, "A"), join(app, code, "B")
    htmx(v, f"/volunteer/classes/{cid}/present", action="next")
    bar = "/class/bar?lesson=test-lesson&step=1"
    assert "HX-Redirect" not in a.get(bar).headers  # follow me is off
    r = htmx(v, f"/volunteer/classes/{cid}/present", action="follow")
    assert 'data-follow="on"' in r.get_data(as_text=True)
    assert a.get(bar).headers["HX-Redirect"] == "/lessons/test-lesson/2"
    assert "HX-Redirect" not in a.get("/class/bar?lesson=test-lesson&step=2").headers
    htmx(b, "/class/follow", on="0")
    assert "HX-Redirect" not in b.get(bar).headers
    htmx(v, f"/volunteer/classes/{cid}/present", action="next")
    assert a.get(bar).headers["HX-Redirect"] == "/lessons/test-lesson/3"


def test_presenter_moves_and_highlights(app):
    v = volunteer_client(app)
    cid = make_class(v, lessons=("test-lesson", "second"))
    page = v.get(f"/volunteer/classes/{cid}/present").get_data(as_text=True)
    assert 'data-number="1"' in page and "presenter.js" in page and "<script>" not in page
    r = htmx(v, f"/volunteer/classes/{cid}/present", action="prev")
    assert 'data-number="1"' in r.get_data(as_text=True)  # never before the first step
    r = htmx(v, f"/volunteer/classes/{cid}/present", action="highlight")
    assert "show-me" in r.get_data(as_text=True)
    r = htmx(v, f"/volunteer/classes/{cid}/present", lesson="second")
    assert 'data-number="1"' in r.get_data(as_text=True)
    assert htmx(v, f"/volunteer/classes/{cid}/present", action="explode").status_code == 400


# --- kiosk, cards, certificates -----------------------------------------------------------

@pytest.fixture
def kiosk_app(lesson_app):
    return lesson_app(steps=1, KIOSK=True, KIOSK_IDLE_SECONDS=5, KIOSK_ASK_SECONDS=60)


def test_kiosk_start_screen_sign_in_with_pin_and_end(kiosk_app):
    app = kiosk_app
    v = volunteer_client(app)
    cid = make_class(v)
    learner = join(app, code_of(app, cid), "Bà Năm")
    htmx(learner, "/lessons/test-lesson/1", target="app-messages")
    board = v.get(f"/volunteer/classes/{cid}").get_data(as_text=True)
    mid = re.search(r"/members/(\d+)/kiosk", board).group(1)
    r = v.post(f"/volunteer/classes/{cid}/members/{mid}/kiosk",
               data={"picture": "fish", "kind": "pin", "pin": "4826"})
    assert r.status_code == 200 and "4826" not in r.get_data(as_text=True)
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        from trainer.models import KioskLogin
        login_row = db.query(KioskLogin).one()
        assert "4826" not in login_row.secret_hash
        login_id = login_row.id

    k = app.test_client()
    assert k.get("/").headers["Location"].endswith("/kiosk")
    start = k.get("/kiosk").get_data(as_text=True)
    assert "Bắt đầu học" in start and 'data-idle="5"' in start
    k.post("/kiosk/start")
    who = k.get("/kiosk/who").get_data(as_text=True)
    assert "Bà Năm" in who
    assert k.post(f"/kiosk/sign-in/{login_id}", data={"pin": "1111"}).status_code == 400
    assert k.post(f"/kiosk/sign-in/{login_id}", data={"pin": "4826"}).status_code == 303
    home = k.get("/").get_data(as_text=True)
    assert "Bác còn đang học không?" in home
    assert k.get("/lessons/test-lesson/done").status_code == 200
    assert "để người khác học" in home  # a learner can also end their turn
    k.post("/kiosk/end")
    with k.session_transaction() as s:
        assert "learner" not in s
    assert k.get("/").headers["Location"].endswith("/kiosk")


def test_picture_sequence_and_lockout(app):
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        learner = progress.get_or_create_learner(db, progress.new_public_id())
        login_row = kiosk.set_secret(db, "k", learner, "fish", "pictures",
                                     pictures=["fish", "moon", "tree"])
        db.commit()
        assert kiosk.check_secret(db, "k", login_row, pictures=["fish", "moon", "tree"])
        for _ in range(kiosk.MAX_FAILURES):
            assert not kiosk.check_secret(db, "k", login_row, pictures=["tree", "moon", "fish"])
        assert not kiosk.check_secret(db, "k", login_row, pictures=["fish", "moon", "tree"])
        db.close()


def test_learner_card_resumes_progress_on_another_device_after_asking(app, client):
    htmx(client, "/lessons/test-lesson/1", target="app-messages")
    with client.session_transaction() as s:
        public_id = s["learner"]
    page = client.get("/my-card").get_data(as_text=True)
    assert "<svg" in page and public_id not in page
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        learner = db.query(Learner).filter_by(public_id=public_id).one()
        token = kiosk.new_card(db, learner)
        db.commit()
        db.close()
    other = app.test_client()
    assert other.get(f"/c/{token}").status_code == 200
    with other.session_transaction() as s:
        assert "learner" not in s  # opening the link alone changes nothing
    assert other.post(f"/c/{token}").status_code == 303
    with other.session_transaction() as s:
        assert s["learner"] == public_id
    assert other.get(f"/c/{token[:-2]}xx").status_code == 404
    assert app.test_client().get("/my-card").status_code == 404


def test_certificate_only_after_every_lesson_of_the_topic(app):
    client = join(app, code_of(app, make_class(volunteer_client(app))), "Cụ Sáu")
    assert client.get("/certificate/phone").status_code == 404
    assert "/certificate/" not in client.get("/lessons/test-lesson/done").get_data(as_text=True)
    for lesson, steps in (("test-lesson", 3), ("second", 1)):
        for n in range(1, steps + 1):
            htmx(client, f"/lessons/{lesson}/{n}", target="app-messages")
    done = client.get("/lessons/second/done").get_data(as_text=True)
    assert "/certificate/phone" in done
    page = client.get("/certificate/phone").get_data(as_text=True)
    assert "Cụ Sáu" in page and "Giấy chứng nhận" in page
    client.post("/lang", data={"lang": "en", "next": "/"})
    assert client.get("/certificate/phone").status_code == 200
    assert client.get("/certificate/nope").status_code == 404


# --- reports ---------------------------------------------------------------------------------

def test_report_counts_and_csv_with_bom(app):
    v = volunteer_client(app)
    cid = make_class(v, title="=Lớp Đồng Tâm", commune="Xã Đồng Tâm")
    make_class(v, title="Lớp khác", commune="Xã Khác")
    code = code_of(app, cid)
    a, b = join(app, code, "Bà Hoa"), join(app, code, "Ông Hùng")
    htmx(a, "/lessons/test-lesson/1", target="home")
    for n in (1, 2, 3):
        htmx(a, f"/lessons/test-lesson/{n}", target="app-messages")
    htmx(b, "/lessons/test-lesson/1", target="app-messages")
    today = dt.date.today().isoformat()
    query = f"start={today}&end={today}&place=đồng tâm"
    page = v.get(f"/volunteer/reports/?{query}").get_data(as_text=True)
    totals = dict(re.findall(r'data-total="(\w+)"><strong>(\d+)</strong>', page))
    assert {k: totals[k] for k in ("classes", "learners", "lessons", "steps")} == {
        "classes": "1", "learners": "2", "lessons": "1", "steps": "4"}
    assert "<svg" in page and "step-1" not in page  # most-missed shows the step heading
    r = v.get(f"/volunteer/reports/report.csv?{query}")
    assert r.data.startswith("\ufeff".encode()) and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    numbers = dict(row[:2] for row in rows if len(row) >= 2)
    assert [numbers[k] for k in ("Số lớp đã tổ chức", "Người học trong lớp",
                                 "Số bài đã học xong", "Số bước đã luyện tập")] == \
        ["1", "2", "1", "4"]
    assert any(row[:2] == [today, "'=Lớp Đồng Tâm"] for row in rows)  # no formula injection
    assert ["Bài thử", "1. Mở tin nhắn", "1"] in rows  # titles, not ids


def test_every_class_form_needs_the_csrf_token(make_app, lessons_dir):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=1))
    app = make_app(LESSONS_DIR=str(lessons_dir.root), WTF_CSRF_ENABLED=True, KIOSK=True)
    c = app.test_client()
    for url in ("/volunteer/login", "/join", "/class/hand", "/class/follow", "/kiosk/start",
                "/kiosk/end", "/volunteer/classes/new"):
        r = c.post(url, data={"code": "234567", "username": "x", "password": "y"},
                   headers={"HX-Request": "true"})
        assert r.status_code == 400, url

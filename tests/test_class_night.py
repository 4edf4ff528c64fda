"""Class night at the commune centre (issue 16): phones reach the laptop, the projector
slide, helpers, the board that says what to do, shared phones, class certificates and the
bad input around them (Flask client; the browser scenario is tests/browser/test_class_night.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import htmx, lesson_text
from tests.test_classroom import code_of, join, make_class, open_class, volunteer_client
from trainer.classroom import addresses, classes
from trainer.models import ClassMember, ClassSession, Learner


@pytest.fixture
def app(make_app, lessons_dir):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=3))
    lessons_dir("vi/second.md", lesson_text("second", steps=1).replace("order: 1", "order: 2"))
    return make_app(LESSONS_DIR=str(lessons_dir.root))


def board_html(v, cid) -> str:
    return v.get(f"/volunteer/classes/{cid}/board", headers={"HX-Request": "true"}).get_data(
        as_text=True)


def member_ids(app, cid) -> dict[str, int]:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        found = {m.display_name: m.id for m in db.get(ClassSession, cid).members}
        db.close()
    return found


# --- phones reach the laptop ----------------------------------------------------------------

def test_phone_urls_replace_loopback_with_the_lan_addresses():
    assert addresses.phone_urls("http://127.0.0.1:5000/", ["192.168.137.1", "10.0.0.4"]) == [
        "http://192.168.137.1:5000", "http://10.0.0.4:5000"]
    assert addresses.phone_urls("http://localhost:5000/", ["192.168.1.2"]) == [
        "http://192.168.1.2:5000"]
    # a phone-usable address the browser already used is kept as it is
    assert addresses.phone_urls("http://192.168.1.9:5000/", ["10.0.0.4"]) == [
        "http://192.168.1.9:5000"]
    assert addresses.phone_urls("http://127.0.0.1:5000/", []) == []
    assert addresses.serving_urls("0.0.0.0", 5000, ["192.168.1.2"]) == ["http://192.168.1.2:5000/"]
    assert addresses.serving_urls("127.0.0.1", 5000, ["192.168.1.2"]) == []
    for ip in addresses.lan_addresses():
        assert not ip.startswith(("127.", "169.254."))


def test_serve_listens_on_every_network_and_prints_the_phone_address(monkeypatch):
    from click.testing import CliRunner

    from trainer import cli

    assert next(p for p in cli.serve_command.params if p.name == "host").default == "0.0.0.0"
    monkeypatch.setattr(addresses, "lan_addresses", lambda: ["192.168.137.1"])
    out = CliRunner().invoke(cli_print := click_wrapper(cli), ["0.0.0.0"]).output
    assert "http://192.168.137.1:5000/" in out and "--host 127.0.0.1" in out
    assert "█" in out or "▀" in out  # the QR, drawn in the terminal
    out = CliRunner().invoke(cli_print, ["127.0.0.1"]).output
    assert "Only this computer" in out and "192.168.137.1" not in out


def click_wrapper(cli):
    import click

    @click.command()
    @click.argument("host")
    def show(host):
        cli._print_phone_addresses(host, 5000)
    return show


def test_class_page_builds_the_join_url_from_a_lan_address_and_warns_on_loopback(
        app, monkeypatch):
    v = volunteer_client(app)
    cid = make_class(v)
    monkeypatch.setattr(addresses, "lan_addresses", lambda: ["192.168.137.1", "10.0.0.4"])
    page = v.get(f"/volunteer/classes/{cid}").get_data(as_text=True)  # browser at localhost
    assert "http://192.168.137.1/join" in page and "data-local-warning" not in page
    assert '<option value="http://10.0.0.4"' in page  # the volunteer can pick another
    page = v.get(f"/volunteer/classes/{cid}?address=http://10.0.0.4").get_data(as_text=True)
    assert "http://10.0.0.4/join" in page
    qr = v.get(f"/volunteer/classes/{cid}/qr.svg").data
    assert qr.startswith(b"<svg")
    # no network at all: the address stays at localhost, and the page says phones cannot use it
    monkeypatch.setattr(addresses, "lan_addresses", lambda: [])
    page = v.get(f"/volunteer/classes/{cid}").get_data(as_text=True)
    assert "data-local-warning" in page and "Điện thoại không mở được địa chỉ này" in page


# --- the projector ----------------------------------------------------------------------------

def test_welcome_slide_shows_code_qr_address_and_count_but_no_names(app):
    v, cid, code = open_class(app)
    join(app, code, "Bà Cúc", "1950")
    page = v.get(f"/volunteer/classes/{cid}/welcome").get_data(as_text=True)
    assert code[:3] in page and "qr.svg" in page and "/join" in page
    assert "Bà Cúc" not in page and "1950" not in page
    assert "Kết thúc" not in page and "Đăng xuất" not in page and "<button" not in page
    join(app, code, "Ông Hùng")
    count = v.get(f"/volunteer/classes/{cid}/count").get_data(as_text=True)
    assert re.search(r"data-count>2<", count)


def test_next_at_the_last_step_opens_the_next_planned_lesson(app):
    v = volunteer_client(app)
    cid = make_class(v, lessons=("test-lesson", "second"))
    url = f"/volunteer/classes/{cid}/present"
    for _ in range(2):
        v.post(url, data={"action": "next"})
    page = v.get(url).get_data(as_text=True)
    assert 'data-number="3"' in page and "Bài sau:" in page
    v.post(url, data={"action": "next"})
    page = v.get(url).get_data(as_text=True)
    assert 'data-lesson="second"' in page and 'data-number="1"' in page


def test_presenter_version_changes_when_another_window_moves(app):
    v = volunteer_client(app)
    cid = make_class(v)
    before = v.get(f"/volunteer/classes/{cid}/present/version").get_data(as_text=True)
    v.post(f"/volunteer/classes/{cid}/present", data={"action": "next"})
    after = v.get(f"/volunteer/classes/{cid}/present/version").get_data(as_text=True)
    assert before != after
    assert f'data-version="{after}"' in v.get(f"/volunteer/classes/{cid}/present").get_data(
        as_text=True)


# --- helpers, editing, ending -------------------------------------------------------------------

def test_a_helper_sees_board_and_hands_and_presents_without_admin_rights(app):
    an = volunteer_client(app, "an")
    cid = make_class(an, title="Lớp của An")
    binh = volunteer_client(app, "binh")
    assert binh.get(f"/volunteer/classes/{cid}/board").status_code == 403
    r = an.post(f"/volunteer/classes/{cid}/helpers", data={"username": "nobody"})
    assert "helper=unknown" in r.headers["Location"]
    assert "Không có tình nguyện viên nào" in an.get(r.headers["Location"]).get_data(as_text=True)
    an.post(f"/volunteer/classes/{cid}/helpers", data={"username": "binh"})
    assert "Lớp của An" in binh.get("/volunteer/").get_data(as_text=True)
    learner = join(app, code_of(app, cid), "Bà Tư")
    htmx(learner, "/class/hand", lesson="test-lesson", step="1")
    assert 'data-state="hand"' in board_html(binh, cid)
    r = binh.post(f"/volunteer/classes/{cid}/present", data={"action": "next"})
    assert r.status_code == 303
    assert binh.get("/volunteer/volunteers").status_code in (302, 303, 403)  # still no admin
    helper_id = re.search(r"/helpers/(\d+)/remove", an.get(f"/volunteer/classes/{cid}").get_data(
        as_text=True)).group(1)
    an.post(f"/volunteer/classes/{cid}/helpers/{helper_id}/remove")
    assert binh.get(f"/volunteer/classes/{cid}/board").status_code == 403


def test_edit_class_and_the_grouped_lesson_picker(app):
    v = volunteer_client(app)
    cid = make_class(v, lessons=())
    page = v.get(f"/volunteer/classes/{cid}/edit").get_data(as_text=True)
    assert "<details" in page and "Làm quen điện thoại" in page and "data-lesson-filter" in page
    r = v.post(f"/volunteer/classes/{cid}/edit", data={
        "title": "Lớp mới", "held_on": dt.date.today().isoformat(), "organiser": "Đoàn TN xã",
        "lesson": ["second", "test-lesson", "second"]})
    assert r.status_code == 303
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        k = db.get(ClassSession, cid)
        assert (k.title, k.organiser, k.lessons, k.current_lesson) == (
            "Lớp mới", "Đoàn TN xã", "second test-lesson", "second")
        db.close()
    r = v.post(f"/volunteer/classes/{cid}/edit", data={"title": " ", "held_on": "2026-01-01"})
    assert r.status_code == 400 and "Lớp cần có tên" in r.get_data(as_text=True)
    r = v.post(f"/volunteer/classes/{cid}/edit", data={"title": "X", "held_on": "hôm nay"})
    assert r.status_code == 400 and "Ngày học chưa đúng" in r.get_data(as_text=True)


def test_ending_asks_first_twice_says_so_and_a_class_can_be_reopened(app, client):
    v, cid, code = open_class(app)
    page = v.get(f"/volunteer/classes/{cid}/end").get_data(as_text=True)
    assert "Có, kết thúc lớp" in page and code in page
    assert v.post(f"/volunteer/classes/{cid}/end").status_code == 303
    r = v.post(f"/volunteer/classes/{cid}/end")
    assert r.status_code == 409 and "đã kết thúc rồi" in r.get_data(as_text=True)
    r = v.get(f"/volunteer/classes/{cid}/present")
    assert r.status_code == 410 and "không trình chiếu được" in r.get_data(as_text=True)
    r = v.post(f"/volunteer/classes/{cid}/present", data={"action": "next"})
    assert r.status_code == 410
    assert v.get(f"/volunteer/classes/{cid}/welcome").status_code == 410
    # the name form looks the same for any code (#20); joining says the class has ended
    assert client.get(f"/join/{code}").status_code == 200
    r = client.post(f"/join/{code}", data={"name": "Bà Lan"})
    assert r.status_code == 410 and "đã kết thúc" in r.get_data(as_text=True)
    v.post(f"/volunteer/classes/{cid}/reopen")
    assert client.get(f"/join/{code}").status_code == 200
    assert v.get(f"/volunteer/classes/{cid}/present").status_code == 200


def test_bad_codes_and_blank_names_keep_their_messages(app, client):
    r = client.post("/join", data={"code": ""})
    assert r.status_code == 400 and "Không tìm thấy lớp" in r.get_data(as_text=True)
    r = client.post("/join", data={"code": "12-34"})
    assert r.status_code == 400 and "Không tìm thấy lớp" in r.get_data(as_text=True)
    assert client.get("/join/999999").status_code == 200  # the same form for any code (#20)
    r = client.post("/join/999999", data={"name": "Bà Lan"})
    assert r.status_code == 404 and "Không tìm thấy lớp" in r.get_data(as_text=True)
    code = code_of(app, make_class(volunteer_client(app)))
    for blank in ("", "   ", "\n\t"):
        r = client.post(f"/join/{code}", data={"name": blank})
        assert r.status_code == 400 and "gõ tên" in r.get_data(as_text=True)
    r = client.post(f"/join/{code}", data={"name": "   ", "other": "1"})
    assert r.status_code == 400 and "gõ tên" in r.get_data(as_text=True)


def test_a_volunteer_not_in_the_class_gets_words_not_a_404(app):
    an = volunteer_client(app, "an")
    cid = make_class(an)
    binh = volunteer_client(app, "binh")
    for method, url in (("get", ""), ("get", "/edit"), ("post", "/end"), ("post", "/reopen"),
                        ("post", "/helpers"), ("get", "/members/1"),
                        ("post", "/members/1/send"), ("get", "/present/version")):
        r = getattr(binh, method)(f"/volunteer/classes/{cid}{url}", data={"username": "binh"})
        assert r.status_code == 403, url
        assert "Đây không phải lớp của bạn" in r.get_data(as_text=True)
    assert "binh" not in {h.username for h in _helpers(app, cid)}


def _helpers(app, cid):
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        found = list(db.get(ClassSession, cid).helpers)
        db.close()
    return found


# --- the board -----------------------------------------------------------------------------------

def test_board_says_what_went_wrong_in_words_and_sorts_by_need(app):
    v, cid, code = open_class(app, lessons=("test-lesson", "second"))
    quiet = join(app, code, "Ông Ba")
    wrong = join(app, code, "Bà Cúc")
    ahead = join(app, code, "Bà Dung")
    for target in ("app-zalo", "app-phone", "app-zalo"):
        htmx(wrong, "/lessons/test-lesson/1", target=target)
    htmx(wrong, "/lessons/test-lesson/1/hint")
    htmx(ahead, "/lessons/second/1", target="app-camera")  # another lesson than the presented
    page = board_html(v, cid)
    names = re.findall(r'class="name"[^>]*>([^<]+)<', page)
    assert names[0] == "Bà Cúc"
    row = page[page.index(f'data-member="{member_ids(app, cid)["Bà Cúc"]}"'):]
    row = row[:row.index("</tr>")]
    assert "Sai 3 lần" in row and "bấm Zalo" in row and "1 gợi ý" in row
    assert "Bước 1/3: Mở tin nhắn" in row
    dung = page[page.index(f'data-member="{member_ids(app, cid)["Bà Dung"]}"'):]
    assert "bấm Máy ảnh" in dung[:dung.index("</tr>")]
    assert dung.index("Bài thử") > 0  # their own lesson's title is shown
    # the learner page tells their path tonight
    detail = v.get(f"/volunteer/classes/{cid}/members/{member_ids(app, cid)['Bà Cúc']}"
                   ).get_data(as_text=True)
    assert detail.count("sai: bấm Zalo") == 2 and "sai: bấm Điện thoại" in detail
    assert "xin gợi ý" in detail
    # "Đã giúp" clears the row
    v.post(f"/volunteer/classes/{cid}/members/{member_ids(app, cid)['Bà Cúc']}/helped")
    page = board_html(v, cid)
    assert re.findall(r'data-state="(\w+)"', page) == ["ok", "ok", "ok"]
    assert quiet  # joined, did nothing: not flagged


def test_followers_are_not_idle_and_idle_needs_a_still_presenter():
    now = dt.datetime(2026, 1, 1, 19, 0)
    klass = ClassSession(id=1, code="234567", title="t", held_on=now.date(), lessons="",
                         current_lesson="", current_step=1, follow_on=True,
                         moved_at=now - dt.timedelta(minutes=10))
    klass.members = []
    follower = ClassMember(id=1, learner_id=1, display_name="A", following=True,
                           joined_at=now - dt.timedelta(minutes=30))
    alone = ClassMember(id=2, learner_id=2, display_name="B", following=False,
                        joined_at=now - dt.timedelta(minutes=30))
    klass.members = [follower, alone]

    class DB:  # no events at all
        def execute(self, *_a, **_k):
            return []

        def scalars(self, *_a, **_k):
            return []

    rows = {r.member.display_name: r for r in classes.board(DB(), klass, lambda _x: None, now)}
    assert not rows["A"].idle and rows["B"].idle and not rows["B"].stuck
    klass.moved_at = now - dt.timedelta(seconds=30)  # the presenter is demonstrating
    rows = {r.member.display_name: r for r in classes.board(DB(), klass, lambda _x: None, now)}
    assert not rows["B"].idle


def test_show_me_and_back_to_my_step_reach_that_phone_only(app):
    v, cid, code = open_class(app)
    cuc = join(app, code, "Bà Cúc")
    ba = join(app, code, "Ông Ba")
    ids = member_ids(app, cid)
    v.post(f"/volunteer/classes/{cid}/members/{ids['Bà Cúc']}/send", data={"what": "show"})
    bar = cuc.get("/class/bar?lesson=test-lesson&step=1&seen=x").get_data(as_text=True)
    assert 'hx-trigger="load"' in bar and "/lessons/test-lesson/1/show" in bar
    assert "/show" not in ba.get("/class/bar?lesson=test-lesson&step=1&seen=x").get_data(
        as_text=True)
    # delivered once
    assert "/show" not in cuc.get("/class/bar?lesson=test-lesson&step=1&seen=x").get_data(
        as_text=True)
    v.post(f"/volunteer/classes/{cid}/present", data={"action": "next"})
    v.post(f"/volunteer/classes/{cid}/members/{ids['Ông Ba']}/send", data={"what": "pull"})
    r = ba.get("/class/bar?lesson=second&step=1&seen=x")
    assert r.headers["HX-Redirect"].endswith("/lessons/test-lesson/2")
    r = v.post(f"/volunteer/classes/{cid}/members/{ids['Ông Ba']}/send", data={"what": "rm -rf"})
    assert r.status_code == 400


def test_follow_me_asks_before_pulling_back_a_learner_who_went_ahead(app):
    v = volunteer_client(app)
    cid = make_class(v)
    learner = join(app, code_of(app, cid), "Bà Lan")
    v.post(f"/volunteer/classes/{cid}/present", data={"action": "follow"})
    v.post(f"/volunteer/classes/{cid}/present", data={"action": "next"})  # presenter at 2
    r = learner.get("/class/bar?lesson=test-lesson&step=1")  # behind: moves on with the class
    assert r.headers["HX-Redirect"].endswith("/lessons/test-lesson/2")
    r = learner.get("/class/bar?lesson=test-lesson&step=3")  # ahead: asked first
    assert "HX-Redirect" not in r.headers
    page = r.get_data(as_text=True)
    assert "Về cùng lớp" in page and "Ở lại, tự học tiếp" in page
    r = learner.get("/class/bar?lesson=test-lesson")  # finished it (the done page): asked
    assert "HX-Redirect" not in r.headers and "Về cùng lớp" in r.get_data(as_text=True)
    htmx(learner, "/class/follow", on="0", lesson="test-lesson", step="3")
    assert learner.get("/class/bar?lesson=test-lesson&step=3").status_code in (200, 204)
    assert "HX-Redirect" not in learner.get("/class/bar?lesson=test-lesson&step=3").headers


def test_done_page_keeps_the_class_bar_and_next_lesson_follows_the_class_plan(
        app, lessons_dir):
    v = volunteer_client(app)
    cid = make_class(v, lessons=("second", "test-lesson"))
    learner = join(app, code_of(app, cid), "Bà Lan")
    htmx(learner, "/lessons/second/1", target="app-messages")
    page = learner.get("/lessons/second/done").get_data(as_text=True)
    assert 'id="class-bar"' in page and "Tôi cần giúp" in page
    assert "/lessons/test-lesson" in page  # the class plan's next, not the topic's


# --- one phone, several people ------------------------------------------------------------------

def test_someone_else_on_the_same_phone_never_replaces_the_first_person(app, client):
    v, cid, code = open_class(app)
    client.post(f"/join/{code}", data={"name": "Bà Cúc"})
    htmx(client, "/lessons/test-lesson/1", target="app-messages")
    page = client.get(f"/join/{code}").get_data(as_text=True)
    assert "Người khác dùng máy này" in page and "Tôi là Bà Cúc" in page
    assert 'value="Bà Cúc"' not in page  # her name is not pre-filled for the next person
    r = client.post(f"/join/{code}", data={"name": "Ông Hùng", "other": "1"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/lessons/test-lesson/1")
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        members = {m.display_name: m for m in db.get(ClassSession, cid).members}
        assert set(members) == {"Bà Cúc", "Ông Hùng"}
        assert members["Bà Cúc"].learner_id != members["Ông Hùng"].learner_id
        cuc_id = members["Bà Cúc"].id
        db.close()
    page = client.get(f"/join/{code}").get_data(as_text=True)
    assert "Tôi là Ông Hùng" in page and "Tôi là Bà Cúc" in page
    # she comes back by tapping her name: her progress (step 1 done) is still hers
    r = client.post(f"/join/{code}", data={"as": str(cuc_id)})
    assert r.headers["Location"].endswith("/lessons/test-lesson/2")
    # or by typing it as "someone else"
    client.post(f"/join/{code}", data={"name": "Ông Hùng", "other": "1"})
    r = client.post(f"/join/{code}", data={"name": "bà cúc", "other": "1"})
    assert r.headers["Location"].endswith("/lessons/test-lesson/2")
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        assert db.query(ClassMember).count() == 2 and db.query(Learner).count() == 2
        db.close()


def test_a_phone_cannot_switch_to_a_learner_it_never_had(app):
    v, cid, code = open_class(app)
    join(app, code, "Bà Cúc")
    other = join(app, code, "Ông Ba")
    cuc_id = member_ids(app, cid)["Bà Cúc"]
    r = other.post(f"/join/{code}", data={"as": str(cuc_id), "name": "Ông Ba"})
    with other.session_transaction() as s:
        ba = s["learner"]
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        assert db.get(ClassMember, cuc_id).learner.public_id != ba
        db.close()
    assert r.status_code == 303


# --- class certificates -----------------------------------------------------------------------

def test_class_certificates_for_those_who_finished_the_class_lessons(app):
    v = volunteer_client(app)
    cid = make_class(v, lessons=("second",))
    v.post(f"/volunteer/classes/{cid}/edit", data={
        "title": "Lớp VNeID", "held_on": "2026-11-30", "organiser": "Đoàn TN phường An Bình",
        "commune": "Phường An Bình", "lesson": ["second"]})
    code = code_of(app, cid)
    done = join(app, code, "Bà <b>Cúc</b>")
    join(app, code, "Ông Ba")
    htmx(done, "/lessons/second/1", target="app-messages")
    page = v.get(f"/volunteer/classes/{cid}/certificates").get_data(as_text=True)
    assert page.count("data-certificate") == 1
    assert "Bà &lt;b&gt;Cúc&lt;/b&gt;" in page and "Ông Ba" not in page
    assert "Đoàn TN phường An Bình" in page and "ngày 30 tháng 11 năm 2026" in page
    assert "đã hoàn thành các bài của lớp" in page and "Ký, ghi rõ họ tên" in page
    css = v.get(re.search(r'href="([^"]*class-certificate.css[^"]*)"', page).group(1)).get_data(
        as_text=True)
    assert "size: A5" in css

"""The home page that starts her, "Bài tiếp theo" in the suggested order, and the
"mã học tiếp" that brings her progress to another phone (issue 15)."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import htmx
from trainer import progress
from trainer.classroom import cards, limits
from trainer.models import LearnerCode


def _code(client) -> str:
    assert client.post("/resume/new").status_code == 303
    page = client.get("/resume/code").get_data(as_text=True)
    return re.search(r'class="resume-code">([^<]+)<', page).group(1)


def test_home_starts_a_newcomer_and_continues_a_returning_learner(client):
    new = client.get("/").get_data(as_text=True)
    assert "Bắt đầu ở đây" in new and "Học tiếp" not in new
    assert 'href="/lessons/sms-basics"' in new  # the first lesson of the suggested order
    htmx(client, "/lessons/vneid-activate/1", target="app-vneid")
    back = client.get("/").get_data(as_text=True)
    start = back[back.index('class="home-start"'):back.index('class="home-tiles"')]
    assert "Học tiếp" in start and "Kích hoạt tài khoản" in start and "Bước 2/12" in start
    assert 'href="/lessons/vneid-activate"' in start


def test_scams_are_one_tile_with_a_page_of_their_own(client, app):
    home = client.get("/").get_data(as_text=True)
    topics = {lesson.topic for lesson in app.extensions["library"].listing("vi")}
    library = app.extensions["library"]
    tiles = len({t for t in topics if not library.topics[t].group}) + 1  # + the scams
    assert home.count('class="tile ') + home.count('class="tile"') == tiles
    assert 'href="/scams"' in home and 'data-lesson=' not in home  # tiles, not 55 cards
    scams = client.get("/scams").get_data(as_text=True)
    assert "Lừa đảo: ngân hàng, mã OTP, SIM" in scams and "Luyện tập nhận biết lừa đảo" in scams
    assert 'data-lesson="fake-bank-points-sms"' in scams
    vneid = client.get("/topics/vneid").get_data(as_text=True)
    order = re.findall(r'data-lesson="([^"]+)"', vneid)
    # the path a learner walks: install (checking the developer), register level 1 (and
    # its chip scan), activate, log in, wallet; level 2 at the police comes after (#19)
    assert order[:7] == ["vneid-install", "vneid-register-level-1", "vneid-nfc-chip",
                         "vneid-activate", "vneid-login", "vneid-forgot", "vneid-wallet"]
    assert order.index("vneid-account-levels") > order.index("vneid-wallet")
    assert client.get("/topics/scams-bank").status_code == 404  # only through /scams


def test_next_lesson_follows_the_suggested_order(client, app):
    lessons = app.extensions["library"].listing("vi")
    states = {x.id: progress.lesson_progress(x, set(), False) for x in lessons}
    assert progress.suggested_next(lessons, states, after="vneid-activate").id == "vneid-login"
    done = client.get("/lessons/vneid-activate/done").get_data(as_text=True)
    assert "Bài tiếp theo: Đăng nhập và đăng nhập trên điện thoại mới" in done
    assert "Tài khoản định danh điện tử là gì?" not in done
    last = [x.id for x in lessons if x.topic == "vneid"][-1]
    # after the account lessons, the procedures done in VNeID (#19), then the portal
    assert progress.suggested_next(lessons, states, after=last).topic == "vneid-procedures"
    last = [x.id for x in lessons if x.topic == "vneid-procedures"][-1]
    assert progress.suggested_next(lessons, states, after=last).topic == "portal"


def test_a_resume_code_brings_progress_to_a_fresh_phone(app):
    old, new = app.test_client(), app.test_client()
    htmx(old, "/lessons/vneid-activate/1", target="app-vneid")
    htmx(old, "/lessons/vneid-activate/2", target="activate")
    code = _code(old)
    assert re.fullmatch(r"[A-Z0-9]{3} [A-Z0-9]{3}", code)
    with app.extensions["sessionmaker"]() as db:
        stored = db.scalar(select(LearnerCode.code_hash))
    assert stored and code.replace(" ", "") not in stored  # only a hash is kept
    restored = new.post("/resume", data={"code": code.lower().replace(" ", "-")})
    assert restored.status_code == 303
    home = new.get("/").get_data(as_text=True)
    assert "Học tiếp" in home and "Bước 3/12" in home
    assert code in new.get("/resume/code").get_data(as_text=True)  # shown again on this phone
    assert new.get("/lessons/vneid-activate").location.endswith("/lessons/vneid-activate/3")


def test_wrong_codes_get_a_kind_word_and_guessing_is_bounded(app):
    owner, guesser = app.test_client(), app.test_client()
    htmx(owner, "/lessons/sms-basics/1", target="app-messages")
    code = _code(owner)
    for _ in range(limits.LEARNER_CODE.tries):
        page = guesser.post("/resume", data={"code": "AAAAAA"})
        assert page.status_code == 200 and "Mã này chưa đúng" in page.get_data(as_text=True)
    locked = guesser.post("/resume", data={"code": code})  # even the right one, for now
    assert locked.status_code == 429 and "nghỉ 15 phút" in locked.get_data(as_text=True)
    assert "Học tiếp" not in guesser.get("/").get_data(as_text=True)


def test_her_code_stays_the_same_until_a_new_card(app):
    client = app.test_client()
    htmx(client, "/lessons/sms-basics/1", target="app-messages")
    first = _code(client)
    assert _code(client) == first  # asking again shows the same code
    with app.extensions["sessionmaker"]() as db:
        assert cards.learner_from_code(db, app.config["SECRET_KEY"], first) is not None

"""Every route through Flask's test client, including the bad input a kiosk sees."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import feedback, htmx
from trainer.models import Attempt, StepEvent


def events(app) -> int:
    with app.extensions["sessionmaker"]() as db:
        return db.scalar(select(func.count()).select_from(StepEvent))


def test_home_lists_lessons_in_vietnamese_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<html lang="vi"', html)
    assert "Bắt đầu ở đây" in html and "Mở và trả lời tin nhắn" in html  # the first lesson
    assert "Làm quen điện thoại" in html and "Nhận biết lừa đảo" in html  # topic tiles
    topic = client.get("/topics/phone").get_data(as_text=True)
    assert "Mở và trả lời tin nhắn" in topic and "Chưa học" in topic


def test_language_choice_persists_and_is_offered_on_every_page(client):
    assert ">English</button>" in client.get("/").get_data(as_text=True)
    response = client.post("/lang", data={"lang": "en", "next": "/lessons/sms-basics/1"})
    assert response.status_code == 303 and response.location.endswith("/lessons/sms-basics/1")
    html = client.get("/lessons/sms-basics/1").get_data(as_text=True)
    assert re.search(r'<html lang="en"', html) and "Open the Messages app" in html
    assert "Practice screen" in html and ">Tiếng Việt</button>" in html
    # an unknown language or a foreign redirect is ignored
    response = client.post("/lang", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.location == "/"
    assert re.search(r'<html lang="en"', client.get("/").get_data(as_text=True))


def test_health_check(client, make_app, tmp_path):
    assert client.get("/healthz").json["status"] == "ok"
    from trainer import create_app  # an app whose database was never migrated is not healthy

    empty = create_app({"TESTING": True, "SECRET_KEY": "x",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    response = empty.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] != "ok"


def test_a_step_page_is_whole_for_browsers_and_a_fragment_for_htmx(client):
    whole = client.get("/lessons/sms-basics/1").get_data(as_text=True)
    assert whole.startswith("<!doctype html>") and 'id="step"' in whole
    assert "Màn hình tập luyện" in whole  # the practice marker
    assert "Mô phỏng để luyện tập, giao diện thật có thể khác." in whole
    fragment = client.get("/lessons/sms-basics/1", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith("<section id=\"step\"") and "<html" not in text


def test_answers_give_feedback_hints_and_show_me(client, app):
    url = "/lessons/sms-basics/1"
    first = htmx(client, url, target="app-phone").get_data(as_text=True)
    assert feedback(first).startswith("Chưa đúng")
    assert "Đó là ứng dụng Điện thoại" in first and first.count('class="hint"') == 1
    htmx(client, url, target="app-zalo")
    third = htmx(client, url, target="app-camera").get_data(as_text=True)
    assert third.count('class="hint"') == 3 and "Cho tôi xem" in third
    shown = htmx(client, url + "/show").get_data(as_text=True)
    assert 'data-target="app-messages"' in shown
    assert re.search(r'class="t app show-me"[^>]*data-target="app-messages"', shown)
    right = htmx(client, url, target="app-messages").get_data(as_text=True)
    assert feedback(right).startswith("Đúng rồi") and 'href="/lessons/sms-basics/2"' in right


def test_a_hint_can_be_asked_for_and_the_nudge_offers_one(client):
    html = htmx(client, "/lessons/sms-basics/1/hint").get_data(as_text=True)
    assert html.count('class="hint"') == 1
    nudge = client.get("/lessons/sms-basics/1/nudge").get_data(as_text=True)
    assert "Bác cần giúp không?" in nudge
    assert re.search(r'class="btn btn-quiet listen" data-say="Bác cần giúp không\?', nudge)


def test_plain_form_posts_work_without_javascript(client):
    response = client.post("/lessons/sms-basics/1", data={"target": "app-messages", "sid": "x1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.startswith("<!doctype html>")
    assert "Đúng rồi" in html


def test_resume_and_home_progress(client):
    assert client.get("/lessons/sms-basics").location.endswith("/lessons/sms-basics/1")
    htmx(client, "/lessons/sms-basics/1", target="app-messages")
    htmx(client, "/lessons/sms-basics/2", target="son1")
    assert client.get("/lessons/sms-basics").location.endswith("/lessons/sms-basics/3")
    assert "Đã học 2/6 bước" in client.get("/topics/phone").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "Học tiếp" in home and "Bước 3/6" in home


def test_a_newcomers_lesson_list_is_the_same_for_all_and_never_shows_anyones_progress(app):
    newcomer, learner, english = app.test_client(), app.test_client(), app.test_client()
    first = newcomer.get("/topics/phone").get_data(as_text=True)  # drawn, then kept
    htmx(learner, "/lessons/sms-basics/1", target="app-messages")
    assert "Đã học 1/6 bước" in learner.get("/topics/phone").get_data(as_text=True)
    again = app.test_client().get("/topics/phone").get_data(as_text=True)
    assert "Đã học" not in again and "Học tiếp" not in again
    assert "Học tiếp" not in app.test_client().get("/").get_data(as_text=True)
    lessons = re.compile(r'<section class="topic".*</ol>\s*</section>', re.S)
    assert lessons.search(again).group(0) == lessons.search(first).group(0)
    english.set_cookie("lang", "en")
    assert "Not started" in english.get("/topics/phone").get_data(as_text=True)
    assert "Chưa học" in app.test_client().get("/topics/phone").get_data(as_text=True)


def test_finishing_a_lesson_and_starting_again(client, app):
    answers = [("1", {"target": "app-messages"}), ("2", {"target": "son1"}),
               ("3", {"done": "1"}), ("4", {"option": "1"}),
               ("5", {"answer": "Mẹ biết rồi", "target": "send"}), ("6", {"done": "1"})]
    for number, data in answers:
        assert "Đúng rồi" in htmx(client, f"/lessons/sms-basics/{number}", **data).get_data(
            as_text=True), number
    assert client.get("/lessons/sms-basics").location.endswith("/lessons/sms-basics/done")
    done = client.get("/lessons/sms-basics/done").get_data(as_text=True)
    assert "Bác đã học xong bài này!" in done
    assert 'data-say="Bác đã học xong bài này! Mở và trả lời tin nhắn' in done  # "Nghe"
    assert "Đã xong" in client.get("/topics/phone").get_data(as_text=True)
    with app.extensions["sessionmaker"]() as db:
        assert db.scalar(select(Attempt.finished_at)) is not None
    restart = client.post("/lessons/sms-basics/restart")
    assert restart.status_code == 303
    card = re.search(r'data-lesson="sms-basics">(.*?)</li>', client.get("/topics/phone").get_data(
        as_text=True), re.S).group(1)
    assert "Chưa học" in card  # a fresh attempt; the finished one stays in the database
    assert client.get("/lessons/sms-basics").location.endswith("/lessons/sms-basics/1")


def test_unknown_lessons_and_steps_get_a_friendly_page_in_the_learners_language(client):
    for url in ("/lessons/nope", "/lessons/nope/1", "/lessons/sms-basics/0",
                "/lessons/sms-basics/99", "/no/such/page"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy trang này" in response.get_data(as_text=True)
        assert "Về trang chủ" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Page not found" in client.get("/lessons/nope").get_data(as_text=True)
    assert htmx(client, "/lessons/nope/1", target="x").status_code == 404


def test_bad_form_data_is_refused_politely_and_changes_nothing(client, app):
    htmx(client, "/lessons/sms-basics/1", target="app-messages")
    before = events(app)
    missing = htmx(client, "/lessons/sms-basics/2")
    assert missing.status_code == 400 and "Có gì đó chưa đúng" in missing.get_data(as_text=True)
    huge = htmx(client, "/lessons/sms-basics/5", answer="x" * 500)
    assert huge.status_code == 413
    assert htmx(client, "/lessons/sms-basics/2", target="t" * 500).status_code == 400
    too_big = client.post("/lessons/sms-basics/5", data={"answer": "x" * 20000})
    assert too_big.status_code == 413
    assert client.get("/lessons/sms-basics/1/show").status_code == 405
    assert events(app) == before
    assert "Đã học 1/6 bước" in client.get("/").get_data(as_text=True)


def test_a_double_submitted_answer_is_recorded_once(client, app):
    for _ in range(2):
        response = htmx(client, "/lessons/sms-basics/1", target="app-phone", sid="same-form")
        assert response.status_code == 200
    with app.extensions["sessionmaker"]() as db:
        assert db.scalar(select(func.count()).select_from(StepEvent)) == 1


def test_a_tampered_cookie_starts_afresh_without_touching_stored_progress(client, app):
    htmx(client, "/lessons/sms-basics/1", target="app-messages")
    before = events(app)
    client.set_cookie("tapso", "eyJsZWFybmVyIjoiZmFrZSJ9.garbage.signature")
    page = client.get("/")
    assert page.status_code == 200 and "Bắt đầu ở đây" in page.get_data(as_text=True)
    assert htmx(client, "/lessons/sms-basics/1", target="app-phone").status_code == 200
    assert events(app) == before + 1  # a new learner's event; the old ones are untouched


def test_typed_text_is_never_stored(client, app):
    htmx(client, "/lessons/sms-basics/5", answer="079158012345", target="send")
    htmx(client, "/lessons/sms-basics/5", answer="bí mật riêng", target="send")
    with app.extensions["sessionmaker"]() as db:
        details = db.scalars(select(StepEvent.detail)).all()
    assert details == ["practice-card", "typed"]


def test_the_practice_card_message_does_not_echo_the_real_number(client):
    html = htmx(client, "/lessons/sms-basics/5", answer="0912345678", target="send").get_data(
        as_text=True)
    assert "thẻ tập luyện" in feedback(html) and "0912345678" not in html


def test_csrf_is_required_on_every_post(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/lessons/sms-basics/1", data={"target": "app-messages"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Trang đã mở lâu" in response.get_data(as_text=True)
    html = client.get("/lessons/sms-basics/1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    ok = client.post("/lessons/sms-basics/1", data={"target": "app-messages", "sid": "a"},
                     headers={"HX-Request": "true", "X-CSRFToken": token})
    assert ok.status_code == 200


def test_security_headers_and_cacheable_assets(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    css = re.search(r'href="(/static/css/app.css\?v=[0-9a-f]+)"', response.get_data(as_text=True))
    assert css and client.get(css.group(1)).status_code == 200
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_missing_author_audio_is_a_404_not_a_500(client):
    assert client.get("/lessons/audio/nothing.mp3").status_code == 404
    assert client.get("/lessons/audio/../../pyproject.toml").status_code == 404


def test_drawn_screens_are_shared_but_what_a_learner_typed_is_not(app):
    """Screens are drawn once and kept for everyone (trainer.web.render_kept): a wrong
    answer typed by one learner comes back to that learner only, never to the next."""
    typing_step = "/lessons/sms-basics/5"  # "Gõ câu trả lời": a free-text field
    first, second = app.test_client(), app.test_client()
    before = second.get(typing_step).get_data(as_text=True)
    r = htmx(first, typing_step, answer="Chữ riêng của bác Ba")
    assert "Chữ riêng của bác Ba" in r.get_data(as_text=True)  # kept in the field to fix
    assert "Chữ riêng của bác Ba" not in second.get(typing_step).get_data(as_text=True)
    assert "Chữ riêng của bác Ba" not in first.get(typing_step).get_data(as_text=True)
    assert second.get(typing_step).get_data(as_text=True).count('name="answer"') == \
        before.count('name="answer"') == 1


def test_every_ui_string_has_its_english_translation():
    """English is complete: a string added to a template or view without a translation
    would show Vietnamese to an English learner."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    with open(root / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None}
    used = {msg[2] if isinstance(msg[2], str) else msg[2][0]
            for msg in extract_from_dir(str(root), method_map, options_map,
                                        keywords=keywords)}
    assert len(used) > 300  # the templates and views were read
    with open(root / "translations/en/LC_MESSAGES/messages.po", "rb") as f:
        english = read_po(f)
    missing = sorted(m for m in used if not (english.get(m) and english.get(m).string))
    assert not missing, missing

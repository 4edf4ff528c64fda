"""Security a learner or a volunteer relies on without seeing it: CSRF on every
state-changing request, cookie flags, security headers, escaping of hostile
names and lesson text, and "delete my data" / the admin export."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import htmx, lesson_text
from trainer import config
from trainer.models import Attempt, Learner, StepEvent
from trainer.privacy import learner_tables

HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>']


def token_of(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


@pytest.fixture
def csrf_client(make_app):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def post_rules(app):
    """Every POST URL of the app, with dummy values in its path."""
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = rule.rule
        for part in re.findall(r"<[^>]+>", url):
            conv = re.match(r"<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>", part)
            value = {"int": "1", "any": (conv.group(2) or "x").split(",")[0].strip()}.get(
                conv.group(1) or "", "x")
            url = url.replace(part, value, 1)
        yield rule.endpoint, url


def test_every_post_route_refuses_a_request_without_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.get("/")  # a session exists, but the token is not sent
    rules = list(post_rules(app))
    assert any(e == "lessons.answer" for e, _ in rules)
    for endpoint, url in rules:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, data={"target": "x", "sid": "s"}, headers=headers)
            assert response.status_code == 400, (endpoint, url, response.status_code)
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        assert db.scalar(select(func.count()).select_from(StepEvent)) == 0
        db.close()


def test_htmx_answer_with_token_from_the_page_is_accepted(csrf_client):
    page = csrf_client.get("/lessons/lua-dao-tin-nhan-trung-thuong/1", follow_redirects=True)
    if page.status_code == 404:
        page = csrf_client.get("/")
    token = token_of(page.get_data(as_text=True))
    home = csrf_client.get("/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in home
    bad = csrf_client.post("/lang", data={"lang": "en", "next": "/"},
                           headers={"X-CSRFToken": "forged"})
    assert bad.status_code == 400
    good = csrf_client.post("/lang", data={"lang": "en", "next": "/"},
                            headers={"X-CSRFToken": token})
    assert good.status_code == 303


def test_security_headers_on_pages_fragments_and_errors(make_app):
    app = make_app(USE_CDN=True)
    client = app.test_client()
    for response in (client.get("/"), client.get("/nowhere"),
                     client.get("/nowhere", headers={"HX-Request": "true"})):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        script_src = re.search(r"script-src ([^;]+)", csp).group(1).split()
        assert script_src == ["'self'", app.config["HTMX_CDN_URL"]]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    home = client.get("/").get_data(as_text=True)
    assert f'integrity="{app.config["HTMX_SRI"]}"' in home
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", home), "inline script"


def _set_cookie(response, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_session_cookie_flags_over_http_and_https(make_app, lessons_dir):
    lessons_dir("vi/t.md", lesson_text("t"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    plain = _set_cookie(htmx(app.test_client(), "/lessons/t/1", target="app-messages"), "tapso")
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    https = app.test_client()
    secure = _set_cookie(https.post("/lessons/t/1", data={"target": "app-messages"},
                                    base_url="https://localhost"), "tapso")
    assert "Secure" in secure and "HttpOnly" in secure


def test_an_unchanged_session_is_signed_again_once_a_day_not_on_every_request(
        make_app, lessons_dir, monkeypatch):
    from trainer import web

    lessons_dir("vi/t.md", lesson_text("t"))
    client = make_app(LESSONS_DIR=str(lessons_dir.root)).test_client()
    first = htmx(client, "/lessons/t/1", target="app-messages")  # the learner is made
    assert "Expires=" in _set_cookie(first, "tapso")  # a permanent, 400-day cookie
    again = client.get("/lessons/t/1")
    assert again.status_code == 200
    assert not any(h.startswith("tapso=") for h in again.headers.getlist("Set-Cookie"))
    monkeypatch.setattr(web, "SESSION_RESIGN_AFTER", dt.timedelta(0))  # a day later
    later = client.get("/lessons/t/1")
    assert "Expires=" in _set_cookie(later, "tapso")
    with client.session_transaction() as s:
        assert s["learner"] and s.permanent


def test_behind_a_proxy_forwarded_https_makes_cookies_secure_only_when_opted_in(
        make_app, lessons_dir):
    lessons_dir("vi/t.md", lesson_text("t"))
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.9"}
    for opt_in, expect_secure in ((None, False), (1, True)):
        app = make_app(LESSONS_DIR=str(lessons_dir.root), PROXY_FIX=opt_in)
        response = app.test_client().post("/lessons/t/1", data={"target": "app-messages"},
                                          headers=forwarded)
        assert ("Secure" in _set_cookie(response, "tapso")) is expect_secure


def test_static_files_are_compressed_and_cached_for_a_year(client):
    response = client.get("/static/css/app.css?v=1", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    assert len(first) >= 32 and config.secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert config.secret_key(str(tmp_path)) == "from-env"


def test_hostile_lesson_text_is_escaped(make_app, lessons_dir):
    evil = lesson_text("evil").replace("title: Bài thử", f"title: '{HOSTILE[1]}'")
    evil = evil.replace("Chạm vào Tin nhắn.", f"Chạm {HOSTILE[0]} vào {HOSTILE[1]}")
    evil = evil.replace("[Gợi ý một,", f"['{HOSTILE[1]}',")
    lessons_dir("vi/evil.md", evil)
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    client = app.test_client()
    assert app.extensions["library"].get("evil", "vi") is not None
    pages = [client.get("/").get_data(as_text=True),
             client.get("/lessons/evil/1").get_data(as_text=True),
             htmx(client, "/lessons/evil/1", target="wrong").get_data(as_text=True),
             htmx(client, "/lessons/evil/1/hint").get_data(as_text=True)]
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x onerror" not in html and "<img src=\"x\" onerror" not in html


def test_hostile_display_name_and_join_code_are_escaped(app, client, lessons_dir):
    htmx(client, "/lessons/nowhere/1", target="x")  # no learner made by a 404
    with client.session_transaction() as sess:
        sess["learner"] = "attacker-id"
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        db.add(Learner(public_id="attacker-id", display_name=HOSTILE[1][:60]))
        db.commit()
        db.close()
    html = client.get("/my-data/").get_data(as_text=True)
    assert "&#34;&gt;&lt;img" in html or "&quot;&gt;&lt;img" in html
    assert "<img src=x" not in html
    if "classroom.join" in app.view_functions:
        for code in HOSTILE:
            for response in (client.post("/join", data={"code": code}),
                             client.get("/join/" + code.replace("/", ""))):
                body = response.get_data(as_text=True)
                assert response.status_code < 500
                assert "<script>alert" not in body and "<img src=x" not in body


def _count(app, model) -> int:
    db = app.extensions["sessionmaker"]()
    try:
        return db.scalar(select(func.count()).select_from(model))
    finally:
        db.close()


def test_delete_my_data_removes_only_this_learner(lessons_dir, make_app):
    lessons_dir("vi/t.md", lesson_text("t"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    me, other = app.test_client(), app.test_client()
    for who in (me, other):
        htmx(who, "/lessons/t/1", target="app-messages")
        htmx(who, "/lessons/t/2/hint")
    page = me.get("/my-data/").get_data(as_text=True)
    assert 'action="/my-data/delete"' in page
    assert me.post("/my-data/delete").status_code == 200
    assert _count(app, Learner) == 1 and _count(app, Attempt) == 1
    assert _count(app, StepEvent) == 2
    assert me.get("/lessons/t").headers["Location"].endswith("/lessons/t/1")
    assert other.get("/lessons/t").headers["Location"].endswith("/lessons/t/2")
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        for table, column in learner_tables():
            orphans = db.execute(select(table).where(table.c[column].not_in(
                select(Learner.id)))).all()
            assert not orphans, table.name
        db.close()


def test_admin_export_prints_every_learners_progress_as_json(make_app, lessons_dir):
    lessons_dir("vi/t.md", lesson_text("t"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    client = app.test_client()
    htmx(client, "/lessons/t/1", target="app-messages")
    result = app.test_cli_runner().invoke(args=["export-data"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (learner,) = data["learners"]
    assert learner["attempt"][0]["lesson_id"] == "t"
    assert learner["step_event"][0]["step_key"] == "step-1"
    assert learner["step_event"][0]["correct"] is True

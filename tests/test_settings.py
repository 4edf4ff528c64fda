"""Learner settings: remembered in the browser before the learner exists, on
their own row after, so on a shared kiosk each learner keeps their own."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import htmx
from trainer.a11y import Prefs
from trainer.models import Learner


def html_class(html: str) -> str:
    match = re.search(r'<html lang="[^"]*" class="([^"]*)"', html)
    return match.group(1) if match else ""


def test_defaults_show_normal_text(client):
    page = client.get("/").get_data(as_text=True)
    assert html_class(page) == "text-normal"
    assert 'href="/settings?next=' in page  # one tap from every page


@pytest.mark.parametrize("url", ["/", "/settings", "/handbook", "/lessons/sms-basics/1", "/nope"])
def test_settings_link_on_every_page(client, url):
    assert "Cỡ chữ / Cài đặt" in client.get(url).get_data(as_text=True)


def test_choice_is_remembered_in_the_browser_before_the_learner_exists(client):
    response = client.post("/settings", data={"text": "xlarge", "contrast": "1", "slow": "1",
                                               "next": "/lessons/sms-basics/1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/lessons/sms-basics/1"
    page = client.get("/lessons/sms-basics/1").get_data(as_text=True)
    assert html_class(page) == "text-xlarge contrast slow"
    settings_page = client.get("/settings").get_data(as_text=True)
    assert re.search(r'value="xlarge" checked', settings_page)


def test_learner_takes_their_choice_along_and_kiosk_learners_keep_their_own(app, client):
    client.post("/settings", data={"text": "large", "autoread": "1"})
    htmx(client, "/lessons/sms-basics/1", target="app-messages")  # first answer: learner exists
    with app.app_context():
        from trainer.web import get_db

        learners = get_db().scalars(select(Learner)).all()
        assert [x.settings for x in learners] == ["large.autoread"]
    assert html_class(client.get("/").get_data(as_text=True)) == "text-large autoread"

    other = app.test_client()  # the next learner at the same kiosk
    htmx(other, "/lessons/sms-basics/1", target="app-messages")
    assert html_class(other.get("/").get_data(as_text=True)) == "text-normal"
    other.post("/settings", data={"text": "xlarge", "calm": "1"})
    assert html_class(other.get("/").get_data(as_text=True)) == "text-xlarge calm"
    assert html_class(client.get("/").get_data(as_text=True)) == "text-large autoread"


@pytest.mark.parametrize("form", [{"text": "huge"}, {"text": "large", "contrast": "yes"},
                                  {"text": "large", "calm": "x" * 5000}])
def test_tampered_form_is_a_friendly_400(client, form):
    response = client.post("/settings", data=form)
    assert response.status_code in (400, 413)
    assert "Tập Số" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil"])
def test_next_never_leaves_the_site(client, target):
    response = client.post("/settings", data={"text": "large", "next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("raw", [None, "", "bogus", "large.contrast.nope", "x" * 100])
def test_prefs_decode_is_tolerant(raw):
    prefs = Prefs.decode(raw)
    assert prefs.text in ("normal", "large")
    assert Prefs.decode(prefs.encode()) == prefs


def test_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert "javascript" in response.content_type
    assert "no-cache" in response.headers["Cache-Control"]
    manifest = client.get("/static/manifest.webmanifest")
    assert manifest.get_json()["start_url"] == "/"


def test_handbook_unknown_topic_is_a_friendly_404(client):
    response = client.get("/handbook/no-such-topic")
    assert response.status_code == 404
    assert "Không tìm thấy trang này" in response.get_data(as_text=True)

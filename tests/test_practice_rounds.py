"""Practice rounds through the web app: playing scenarios, the score, missed
scenarios returning, the history and the golden rules; bad input stays friendly."""

from __future__ import annotations

import re

import pytest

from tests.conftest import feedback, htmx
from tests.scam_fixtures import SCENARIOS, base_of, write_scam_lessons
from trainer.content.scam_rules import RULES


@pytest.fixture
def client(make_app, tmp_path):
    root = write_scam_lessons(tmp_path / "scam-lessons", copies=2)  # 20 scenarios
    return make_app(LESSONS_DIR=str(root)).test_client()


def start(client) -> str:
    """Start a round; returns its address (``/practice/<id>``)."""
    response = client.post("/practice/start", data={"sid": f"s{id(client)}{start.calls}"})
    start.calls += 1
    assert response.status_code == 303
    return response.location


start.calls = 0


def current(client, round_url: str) -> tuple[str, str]:
    """The address of the scenario being played and its lesson id."""
    response = client.get(round_url)
    assert response.status_code == 302
    url = response.location
    html = client.get(url).get_data(as_text=True)
    return url, re.search(r"Tình huống (fx-[a-z0-9-]+)", html).group(1)


def play(client, url: str, lesson_id: str, *, right: bool = True) -> None:
    """Answer a scenario's judge, spot and act steps; ``right=False`` judges wrongly
    first and leaves a red flag unfound."""
    _topic, _screen, answer, _state, flags, _good, _bad = SCENARIOS[base_of(lesson_id)]
    base = url.rsplit("/", 1)[0]
    if not right:
        wrong = "safe" if answer == "scam" else "scam"
        assert feedback(htmx(client, f"{base}/1", judge=wrong).get_data(as_text=True))
    assert htmx(client, f"{base}/1", judge=answer).status_code == 200
    names = list(flags)
    for name in names[:-1] if not right else names:
        htmx(client, f"{base}/2", target=name)
    if not right:
        html = htmx(client, f"{base}/2", done="1").get_data(as_text=True)
        assert flags[names[-1]].split(":")[0] in html  # the missed flag is explained
    assert htmx(client, f"{base}/3", option="1").status_code == 200
    assert client.get(f"{base}/next").status_code == 302


def play_round(client, wrong: int | None = None) -> tuple[str, list[str]]:
    """Play a whole round, getting scenario number ``wrong`` (0-based) wrong."""
    round_url = start(client)
    played = []
    for n in range(10):
        url, lesson_id = current(client, round_url)
        play(client, url, lesson_id, right=n != wrong)
        played.append(lesson_id)
    return round_url, played


def test_a_round_plays_ten_scenarios_and_missed_ones_come_back(client):
    round_url, first = play_round(client, wrong=3)
    end = client.get(client.get(round_url).location).get_data(as_text=True)
    assert "Bác làm đúng 9 trên 10 tình huống." in end
    assert "Sẽ gặp lại ở lượt sau" in end
    assert all(str(rule.title) in end for rule in RULES)

    _, second = play_round(client)
    assert first[3] in second  # the missed scenario is back
    assert not set(first) - {first[3]} & set(second)  # right ones rest; new ones come

    page = client.get("/practice/").get_data(as_text=True)
    assert "Lượt 1, ngày" in page and "đúng 9 trên 10 tình huống" in page
    assert "đúng 10 trên 10 tình huống" in page
    assert "Lượt vừa rồi bác đúng nhiều hơn lượt trước" in page
    assert page.count("<rect") == 2  # one bar per round


def test_starting_twice_with_the_same_form_opens_one_round(client):
    first = client.post("/practice/start", data={"sid": "same"}).location
    again = client.post("/practice/start", data={"sid": "same"}).location
    assert first == again
    assert "Làm tiếp lượt 1" in client.get("/practice/").get_data(as_text=True)


def test_practice_does_not_touch_the_lessons_own_progress(client):
    url, lesson_id = current(client, start(client))
    play(client, url, lesson_id)
    # the lesson itself still starts at its first step
    assert client.get(f"/lessons/{lesson_id}").location.endswith(f"/lessons/{lesson_id}/1")


def test_an_unfinished_scenario_is_not_counted(client):
    round_url = start(client)
    url, _ = current(client, round_url)
    base = url.rsplit("/", 1)[0]
    htmx(client, f"{base}/1", judge="unsure")  # "not sure, ask" is a safe answer
    assert client.get(f"{base}/next").location == round_url  # not counted yet…
    assert client.get(round_url).location == f"{base}/2"  # …back to the next step to do


def test_bad_addresses_and_forms_are_friendly(client, make_app, tmp_path):
    round_url = start(client)
    url, _ = current(client, round_url)
    base = url.rsplit("/", 1)[0]
    assert client.get(f"{base}/9").status_code == 404
    assert client.get(f"{round_url}/99/1").status_code == 404
    assert client.get("/practice/9999").status_code == 404
    assert client.post(f"{base}/1", data={}).status_code == 400
    assert client.post(f"{base}/1", data={"judge": "x" * 500}).status_code == 400
    stranger = make_app(LESSONS_DIR=str(tmp_path / "scam-lessons")).test_client()
    assert stranger.get(url).status_code == 404  # someone else's round


def test_the_golden_rules_handout_names_its_sources(client):
    html = client.get("/practice/rules").get_data(as_text=True)
    for rule in RULES:
        assert str(rule.title) in html and rule.source in html
    assert "data-print" in html and "practice.css" in html


def test_no_scenarios_no_round(make_app, lessons_dir):
    empty = make_app(LESSONS_DIR=str(lessons_dir.root)).test_client()
    assert "Chưa có tình huống nào" in empty.get("/practice/").get_data(as_text=True)
    assert empty.post("/practice/start", data={"sid": "x"}).status_code == 404

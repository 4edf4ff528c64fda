"""Scam channels and practice, the way a learner meets them on a 360×640 phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import KIOSK, PART_SIZE, PHONE, PROJECTOR, shot, wait_for_step
from tests.scam_fixtures import SCENARIOS, write_scam_lessons
from trainer.content.scam_rules import RULES


@pytest.fixture
def scam_ids() -> tuple[str, ...]:
    return tuple(SCENARIOS)


@pytest.fixture
def round_size() -> int:
    return 10


@pytest.fixture
def server_env(tmp_path: Path, server_env: dict[str, str], scam_ids, round_size):
    """The live server reads the fixture scenarios, not the real lessons."""
    root = write_scam_lessons(tmp_path / "scam-lessons", scam_ids)
    return {**server_env, "TRAINER_LESSONS_DIR": str(root),
            "TRAINER_PRACTICE_ROUND_SIZE": str(round_size)}


def test_every_channel_is_marked_as_practice(server, new_page):
    """Each channel draws with the practice marker; its spot step makes the marked
    parts buttons a finger can hit (screenshots to look at)."""
    page = new_page(PHONE)
    for lesson_id, (_, screen, _answer, _state, flags, *_rest) in SCENARIOS.items():
        page.goto(f"{server.url}/lessons/{lesson_id}/3")
        device = page.locator(f'#step [data-screen="{screen}"]')
        expect(device.locator(".practice-marker")).to_be_visible()
        for flag in flags:
            part = device.locator(f':is(.spot-part[data-part="{flag}"], [data-target="{flag}"])'
                                  ).first  # the phrase (a button per word), or the address bar
            box = part.evaluate(PART_SIZE)
            assert box["height"] >= 48
        shot(page, f"channel-{screen}-{lesson_id}")
    wide = new_page(KIOSK)
    wide.goto(f"{server.url}/lessons/fx-web-dvc/3")
    shot(wide, "channel-web-kiosk")


def scenario_on(page) -> str:
    """The fixture scenario being played (its title is "Tình huống <id>")."""
    title = page.locator("#step .step-count .crumb").inner_text()
    return re.search(r"fx-[a-z0-9-]+", title).group(0)


def next_step(page) -> None:
    page.locator("#step .btn-next").click()


def play(page, *, wrong: bool = False, name: str = "") -> str:
    """Play the scenario on screen: judge → spot → act. ``wrong`` judges wrongly first
    and leaves the last red flag for "Tôi đã tìm xong" to reveal."""
    lesson_id = scenario_on(page)
    _topic, _screen, answer, _state, flags, good, _bad = SCENARIOS[lesson_id]
    wait_for_step(page, 1)
    if wrong:
        page.locator(f"#step button.judge-{'safe' if answer == 'scam' else 'scam'}").click()
        expect(page.locator("#step .feedback.try")).to_contain_text("Chưa đúng")
        shot(page, f"practice-{name}-wrong-judgement")
    page.locator(f"#step button.judge-{answer}").click()
    expect(page.locator("#step .feedback.good")).to_be_visible()
    next_step(page)

    wait_for_step(page, 2)
    names = list(flags)
    for flag in names[:-1] if wrong else names:
        page.locator(f'#step button[name="target"][value="{flag}"]').first.click()
        expect(page.locator("#step .feedback.good")).to_contain_text(flags[flag])
    if wrong:
        page.get_by_role("button", name=re.compile("Tôi đã tìm xong")).click()
        missed = page.locator("#step .feedback.info")
        expect(missed).to_contain_text(flags[names[-1]])  # the missed one, explained
        expect(page.locator("#step .part.show-me")).to_have_count(1)  # and marked
        shot(page, f"practice-{name}-missed-flag")
    next_step(page)

    wait_for_step(page, 3)
    page.locator("#step .answer-panel button.option", has_text=good).click()
    expect(page.locator("#step .feedback.good")).to_be_visible()
    expect(page.locator("#step .btn-next")).to_contain_text(
        re.compile("Tình huống tiếp theo|Xem kết quả"))
    next_step(page)
    return lesson_id


@pytest.mark.parametrize("scam_ids", [("fx-sms-fake-points", "fx-sms-real-otp")])
def test_a_scam_and_a_real_message_through_judge_spot_act(server, new_page):
    """A fake brandname SMS (judged wrongly first, one red flag missed) and a real OTP
    SMS (judged safe by its signs), in a practice round on a phone."""
    page = new_page(PHONE)
    page.goto(server.url + "/practice/")
    page.get_by_role("button", name=re.compile("Bắt đầu lượt mới")).click()
    expect(page.locator(".practice-progress")).to_contain_text("Tình huống 1/2")
    for _ in range(2):
        scam = SCENARIOS[scenario_on(page)][2] == "scam"
        play(page, wrong=scam, name="scam" if scam else "real")
    expect(page.locator(".score")).to_have_text("Bác làm đúng 1 trên 2 tình huống.")
    expect(page.locator('.played.wrong[data-lesson="fx-sms-fake-points"]')).to_be_visible()
    expect(page.locator('.played.right[data-lesson="fx-sms-real-otp"]')).to_be_visible()
    expect(page.locator(".rule-card")).to_have_count(len(RULES))
    shot(page, "practice-end-phone")


@pytest.mark.parametrize(("scam_ids", "round_size"),
                         [(("fx-call-police", "fx-zalo-otp", "fx-web-dvc"), 2)])
def test_a_missed_scenario_returns_in_the_next_round(server, new_page):
    page = new_page(PHONE)
    page.goto(server.url + "/practice/")
    page.get_by_role("button", name=re.compile("Bắt đầu lượt mới")).click()
    missed = play(page, wrong=True, name="round1")
    right = play(page)
    expect(page.locator(f'.played.wrong[data-lesson="{missed}"]')).to_be_visible()

    page.get_by_role("button", name=re.compile("Bắt đầu lượt mới")).click()
    second = {play(page), play(page)}
    assert missed in second  # came back
    assert right not in second  # rests for two rounds
    expect(page.locator(".history-words li")).to_have_count(2)
    expect(page.locator(".history-chart rect")).to_have_count(2)
    shot(page, "practice-history-phone")
    for size, name in ((KIOSK, "kiosk"), (PROJECTOR, "projector")):
        page.set_viewport_size(size)
        page.goto(server.url + "/practice/")
        shot(page, f"practice-index-{name}")
    page.goto(server.url + "/practice/rules")
    page.emulate_media(media="print")
    expect(page.locator("[data-print]")).to_be_hidden()  # the handout prints cards only
    expect(page.locator(".rule-card")).to_have_count(len(RULES))
    shot(page, "practice-rules-print")

"""Two of the real scam scenarios played on a 360×640 phone, the way a learner does:
a fake "your child is in hospital" call (judged wrongly first, one red flag left
for "Tôi đã tìm xong" to reveal) and a real bank OTP text judged safe by its signs."""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LIBRARY, PART_SIZE, PHONE, shot, wait_for_step
from trainer.content.lesson import Choose, Judge, Spot


def plain(fragment: str) -> str:
    """The words a learner reads in an author's HTML explanation."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def steps_of(lesson_id: str) -> tuple[Judge, Spot, Choose]:
    lesson = LIBRARY.get(lesson_id, "vi")
    kinds = {type(s.interaction): s.interaction for s in lesson.steps}
    return kinds[Judge], kinds[Spot], kinds[Choose]


def next_step(page) -> None:
    page.locator("#step .btn-next").click()


@pytest.mark.parametrize(("lesson_id", "screen", "answer"), [
    ("scam-con-cap-cuu", "call.incoming", "scam"),
    ("scam-otp-chuyen-tien", "phone.sms_thread", "safe"),
])
def test_judge_spot_act_on_a_phone(server, new_page, lesson_id, screen, answer):
    judge, spot, choose = steps_of(lesson_id)
    assert judge.answer == answer
    scam = answer == "scam"
    page = new_page(PHONE)
    page.goto(f"{server.url}/lessons/{lesson_id}/1")

    # Judge: a scam is first judged "safe" by mistake; gentle feedback, a hint.
    wait_for_step(page, 1)
    device = page.locator(f'#step [data-screen="{screen}"]')
    expect(device.locator(".practice-marker")).to_be_visible()
    if scam:
        page.locator("#step button.judge-safe").click()
        expect(page.locator("#step .feedback.try")).to_be_visible()
        expect(page.locator("#step .hint")).to_have_count(1)
        shot(page, f"{lesson_id}-wrong-judgement")
    page.locator(f"#step button.judge-{answer}").click()
    expect(page.locator("#step .feedback.good")).to_contain_text(plain(judge.why)[:40])
    next_step(page)

    # Spot: each flag is explained when tapped; for the scam one is left unfound.
    wait_for_step(page, 2)
    flags = list(spot.flags)
    for flag in flags[:-1] if scam else flags:
        part = page.locator(f'#step .spot-part[data-part="{flag}"]').first  # the phrase
        box = part.evaluate(PART_SIZE)  # each word a button ≥ 48 px high, the phrase wide
        assert box["height"] >= 48 and box["width"] >= 48
        part.locator('button[name="target"]').first.click()  # any of its words answers
        expect(page.locator("#step .feedback.good")).to_contain_text(plain(spot.flags[flag]))
    if scam:
        page.get_by_role("button", name=re.compile("Tôi đã tìm xong")).click()
        expect(page.locator("#step .feedback.info")).to_contain_text(
            plain(spot.flags[flags[-1]]))
        expect(page.locator("#step .part.show-me")).to_have_count(1)
        shot(page, f"{lesson_id}-missed-flag")
    else:
        expect(page.locator("#step .feedback.good")).to_be_visible()
        shot(page, f"{lesson_id}-trust-signs")
    next_step(page)

    # Act: choose the safe action.
    wait_for_step(page, 3)
    right = next(o for o in choose.options if o.correct)
    page.locator("#step .answer-panel button.option", has_text=plain(right.text)).click()
    expect(page.locator("#step .feedback.good")).to_contain_text(plain(right.why))
    shot(page, f"{lesson_id}-act")

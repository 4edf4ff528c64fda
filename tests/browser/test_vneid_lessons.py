"""A learner walks every VNeID lesson (and the phone lesson) on a 360×640 phone: one wrong
answer with its hint and "show me" in each lesson, then every step answered as a learner
would: tapping, typing, using the passcode keypad, choosing, judging, reading.

How to answer each step is derived from the parsed lesson, so a lesson edit that keeps the
steps answerable keeps this test green, and a step the screen cannot answer turns it red.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    KIOSK,
    LIBRARY,
    PHONE,
    PROJECTOR,
    answer_right,
    phone_shot,
    shot,
    tap,
    type_answer,
    wait_for_step,
)
from trainer.content.lesson import Lesson, Step, Tap, Type
from trainer.screens import SCREENS

# portal-birth kept its id (learners' progress) when it became the VNeID procedure (#19)
# (lessons on screen-kit apps, like vneid-install's CH Play, are walked by test_kit_lessons)
OURS = sorted(i for i in LIBRARY.ids()
              if (i.startswith("vneid-") or i in ("phone-getting-started", "portal-birth"))
              and all(SCREENS[s.screen].kit is None for s in LIBRARY.get(i, "vi").steps))
PROCEDURES = ["vneid-stay-notice", "portal-birth", "vneid-criminal-record"]
NEXT = re.compile("Bước tiếp theo|Xong bài")


def _lesson(lesson_id: str) -> Lesson:
    lesson = LIBRARY.get(lesson_id, "vi")
    assert lesson is not None and lesson.locale == "vi"
    return lesson


def answer_wrong(page, lesson: Lesson, step: Step) -> None:
    """One wrong answer: another target on the screen, or something not on the card."""
    i = step.interaction
    if isinstance(i, Tap):
        others = [k for k in step.wrong if k != "default"] or ["back", "home"]
        tap(page, next(k for k in others if k != i.target))
    else:
        type_answer(page, lesson, step, "sai")


def _first_practice_step(lesson: Lesson) -> int:
    """Index of the first tap or type step with hints: the one we get wrong on purpose."""
    return next(n for n, s in enumerate(lesson.steps)
                if isinstance(s.interaction, Tap | Type) and len(s.hints) >= 2)


@pytest.mark.parametrize("lesson_id", OURS)
def test_learner_completes_lesson_on_a_phone(module_server, new_page, lesson_id):
    server = module_server
    lesson = _lesson(lesson_id)
    assert 6 <= len(lesson.steps) <= 15
    page = new_page(PHONE)
    page.goto(f"{server.url}/lessons/{lesson.id}")
    practice = _first_practice_step(lesson)
    for n, step in enumerate(lesson.steps):
        wait_for_step(page, n + 1)
        assert page.locator("#step .practice-marker").is_visible()
        phone_shot(page, f"vneid-{lesson.id}-{n + 1:02d}")
        if n == practice:
            answer_wrong(page, lesson, step)
            expect(page.locator("#step .feedback.try, #step .feedback.warn")).to_be_visible()
            expect(page.locator("#step .hint")).to_have_count(1)
            hints = page.locator("#step .hint")
            while page.locator("#step .btn-hint").count():
                before = hints.count()
                page.locator("#step .btn-hint").click()
                expect(hints).to_have_count(before + 1)
            page.get_by_role("button", name=re.compile("Cho tôi xem")).click()
            expect(page.locator("#step .show-me").first).to_be_visible()
            shot(page, f"vneid-{lesson.id}-{n + 1:02d}-show-me")
        answer_right(page, lesson, step)
        page.locator("#step .btn-next").click()
    page.wait_for_selector(".done-page")
    page.goto(f"{server.url}/topics/{lesson.topic}")
    assert "Đã xong" in page.locator(f'[data-lesson="{lesson.id}"]').inner_text()


def test_home_page_groups_vneid_lessons_in_suggested_order(module_server, new_page):
    server = module_server
    page = new_page(PHONE)
    page.goto(server.url + "/topics/vneid")
    shown = page.locator('[data-lesson^="vneid-"]').evaluate_all(
        "els => els.map(e => e.getAttribute('data-lesson'))")
    expected = [x.id for x in LIBRARY.listing("vi") if x.topic == "vneid"]
    assert shown == expected
    assert [LIBRARY.get(i, "vi").order for i in expected] == list(range(1, len(expected) + 1))


def test_vneid_procedures_come_right_after_the_vneid_path(module_server, new_page):
    """The hub's procedures are a topic of their own, after the account lessons, and the
    birth lesson is now the VNeID procedure (no portal screen left in it)."""
    topics = sorted(LIBRARY.topics.values(), key=lambda x: x.order)
    assert [x.id for x in topics][1:3] == ["vneid", "vneid-procedures"]
    assert len(topics) >= 10
    shown = [x.id for x in LIBRARY.listing("vi") if x.topic == "vneid-procedures"]
    assert shown[:3] == PROCEDURES
    for lesson_id in PROCEDURES:
        for locale in ("vi", "en"):
            lesson = LIBRARY.get(lesson_id, locale)
            assert lesson.locale == locale and lesson.topic == "vneid-procedures"
            assert all(s.screen.startswith("vneid.") for s in lesson.steps), lesson_id
    page = new_page(PHONE)
    page.goto(module_server.url + "/topics/vneid-procedures")
    for lesson_id in PROCEDURES:
        expect(page.locator(f'[data-lesson="{lesson_id}"]')).to_be_visible()
    shot(page, "vneid-procedures-topic")


def test_procedure_forms_reach_the_largest_text_and_a_finger(module_server, browser):
    """At "Rất lớn", every piece of text on the hub's forms is at least 20 px and every
    button at least 48 px high, on a 360-px phone."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(module_server.url + "/settings")
    page.locator('.settings-form input[name="text"][value="xlarge"]').check()
    with page.expect_navigation():
        page.locator(".settings-form button:not([type=button])").last.click()
    small: list[str] = []
    for lesson_id in PROCEDURES:
        for number in range(1, len(_lesson(lesson_id).steps) + 1):
            page.goto(f"{module_server.url}/lessons/{lesson_id}/{number}")
            for text, size in page.evaluate(PHONE_TEXT):
                if size < 20:
                    small.append(f"{lesson_id}/{number}: {text!r} {size}px")
            for target, height in page.evaluate(PHONE_BUTTONS):
                if height < 48:
                    small.append(f"{lesson_id}/{number}: button {target} {height}px")
        phone_shot(page, f"vneid-{lesson_id}-xlarge-last")
    context.close()
    assert not small, "\n".join(small)


PHONE_TEXT = """() => [...document.querySelectorAll('#step .phone .phone-body *')]
  .filter(e => e.getClientRects().length && [...e.childNodes].some(
    n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => [e.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(e).fontSize)])"""
PHONE_BUTTONS = """() => [...document.querySelectorAll('#step .phone .phone-body button.t')]
  .filter(e => e.getClientRects().length)
  .map(e => [e.dataset.target, e.getBoundingClientRect().height])"""


@pytest.mark.parametrize("size", ["a4", "a6"])
def test_printable_practice_card_reads_well_on_screen_and_paper(module_server, new_page, size):
    for name, viewport in (("phone", PHONE), ("kiosk", KIOSK), ("projector", PROJECTOR)):
        page = new_page(viewport)
        page.goto(f"{module_server.url}/practice-card/?size={size}")
        expect(page.locator(".print-card").first).to_contain_text("000158012345")
        shot(page, f"vneid-card-{size}-{name}")
    page.emulate_media(media="print")
    expect(page.locator(".card-screen-only")).to_be_hidden()
    expect(page.locator(".print-card")).to_have_count(4 if size == "a4" else 1)
    shot(page, f"vneid-card-{size}-print")


def test_a_vneid_step_at_kiosk_and_projector_size(module_server, new_page):
    for name, viewport in (("kiosk", KIOSK), ("projector", PROJECTOR)):
        page = new_page(viewport)
        page.goto(f"{module_server.url}/lessons/vneid-activate/10")
        expect(page.locator('#step [data-key="1"]')).to_be_visible()
        shot(page, f"vneid-passcode-{name}")


def test_password_checklist_ticks_rules_while_the_learner_types(module_server, new_page):
    page = new_page(PHONE)
    page.goto(f"{module_server.url}/lessons/vneid-activate/8")
    field = page.locator('#step input[name="answer"]')
    field.press_sequentially("tapluyen")
    expect(page.locator("#step .vn-rules li.met")).to_have_count(2)  # length, small letters
    field.press_sequentially("@2025")
    expect(page.locator("#step .vn-rules li.met")).to_have_count(4)  # no capital letter yet
    field.fill("TapLuyen@2025")
    field.dispatch_event("input")
    expect(page.locator("#step .vn-rules li.met")).to_have_count(5)
    phone_shot(page, "vneid-password-live-checklist")

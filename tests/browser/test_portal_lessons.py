"""A learner completes every portal lesson on a phone (360×640) and on a kiosk
(1280×800): tapping, typing and choosing as the lesson asks, including the QR
login and a form first submitted with a field left empty. A screenshot of every
portal screen is kept in test-artifacts/ to look at by eye."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import KIOSK, LIBRARY, PHONE, PROJECTOR, shot, tap, wait_for_step
from trainer.answers import accepted_answers
from trainer.content.lesson import Choose, Judge, Read, Spot, Tap, Type

PORTAL = [x.id for x in LIBRARY.listing("vi") if x.topic == "portal"]


@pytest.fixture(scope="module")
def server(module_server):
    """Every walk of the module on one server (conftest.module_server)."""
    return module_server


SHOT: set[tuple[str, int]] = set()  # one screenshot per screen and viewport width
# ...and of these steps, which show a state worth seeing (errors, gallery, QR, results)
SHOT_STEPS = {"fix-date", "choose-photo", "retake", "qr-with-what", "which-status",
              "result-ready", "check-address", "receipt-saved", "success"}


def test_the_portal_topic_has_the_five_lessons_in_order():
    # portal-birth moved to VNeID's procedures (#19): tests/browser/test_vneid_lessons.py
    assert PORTAL == ["portal-login", "portal-find", "portal-criminal-record", "portal-track",
                      "portal-fee"]
    for lesson_id in PORTAL:
        assert 6 <= len(LIBRARY.get(lesson_id, "vi").steps) <= 15, lesson_id
        assert LIBRARY.get(lesson_id, "en").locale == "en", lesson_id


def _answer(page, lesson, step) -> None:
    """Do what the step asks, the way a learner would."""
    i = step.interaction
    if isinstance(i, Tap):
        tap(page, i.target)
    elif isinstance(i, Type):
        field = page.locator('#step input[name="answer"]')
        field.fill(accepted_answers(i, lesson.card)[0])
        field.press("Enter")
    elif isinstance(i, Choose):
        right = [n for n, o in enumerate(i.options) if o.correct]
        if i.several:
            boxes = page.locator("#step .options input[type=checkbox]")
            for n in right:
                boxes.nth(n).check()
            page.get_by_role("button", name="Xong", exact=True).click()
        else:
            page.locator("#step .options button.option").nth(right[0]).click()
    elif isinstance(i, Judge):
        page.locator(f"#step .judge-{i.answer}").click()
    elif isinstance(i, Read):
        page.locator("#step .answer-panel button[name=done]").click()
    else:  # pragma: no cover - portal lessons have no spot steps
        assert not isinstance(i, Spot)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def _checks(page, key: str) -> None:
    """What a learner must see at some steps (the errors-first forms, the QR)."""
    if key == "fix-date":  # the empty date was refused in words; the name typed is kept
        expect(page.locator("#step .field-error")).to_contain_text("Vui lòng nhập")
        expect(page.locator('#step input[data-field="child_name"]')).to_have_value(
            "Nguyễn Văn An")
    elif key == "fix-copies":
        expect(page.locator("#step .field-error")).to_contain_text("Vui lòng nhập")
        expect(page.locator('#step input[data-field="purpose"]')).to_have_value(
            "Bổ sung hồ sơ cá nhân")
    elif key == "qr-with-what":
        expect(page.locator("#step .dvc-qr-code svg")).to_be_visible()
    elif key == "retake":
        expect(page.locator("#step .field-error")).to_contain_text("Tệp quá lớn")
    elif key == "success":
        expect(page.locator("#step .dvc-code")).to_contain_text("DEMO-")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, KIOSK], ids=["phone", "kiosk"])
@pytest.mark.parametrize("lesson_id", PORTAL)
def test_learner_completes_portal_lesson(server, new_page, lesson_id, viewport):
    lesson = LIBRARY.get(lesson_id, "vi")
    page = new_page(viewport)
    page.goto(f"{server.url}/lessons/{lesson_id}")
    for number, step in enumerate(lesson.steps, start=1):
        wait_for_step(page, number)
        expect(page.locator("#step .practice-marker").first).to_be_visible()
        _checks(page, step.key)
        if viewport is PHONE:
            _no_sideways_scroll(page)
        if (step.screen, viewport["width"]) not in SHOT:
            SHOT.add((step.screen, viewport["width"]))
            shot(page, f"portal-{step.screen}-{viewport['width']}")
        elif step.key in SHOT_STEPS:
            shot(page, f"portal-{step.screen}-{step.key}-{viewport['width']}")
        _answer(page, lesson, step)
        expect(page.locator("#step .feedback.good")).to_be_visible()
        page.locator("#step .btn-next").click()
    page.wait_for_selector(".done-page")


@pytest.mark.browser
def test_portal_form_on_a_projector(server, new_page):
    """Class mode: the form is readable on a 1920×1080 projector, nothing cut off."""
    page = new_page(PROJECTOR)
    page.goto(f"{server.url}/lessons/portal-criminal-record/3")
    wait_for_step(page, 3)
    expect(page.locator("#step .browser .practice-marker")).to_be_visible()
    _no_sideways_scroll(page)
    shot(page, "portal-portal.form-1920")

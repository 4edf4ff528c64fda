"""A learner plays every lesson of the apps built with the screen kit (lessons/apps/*.yaml)
on a 360×640 touch phone, to the end: one wrong answer with "show me" in each lesson, then
every step answered as a learner would. How to answer comes from the parsed lesson, so a
step the kit screen cannot answer (a target not drawn, a field missing) turns this red."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE, answer_in_panel, plain, tap, wait_for_step
from trainer.answers import accepted_answers
from trainer.content.lesson import Lesson, Spot, Step, Tap, Type
from trainer.content.library import load_library
from trainer.screens import SCREENS

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
LIBRARY = load_library(LESSONS_DIR)
KIT_LESSONS = sorted(i for i in LIBRARY.ids()
                     if any(SCREENS[s.screen].kit is not None for s in LIBRARY.get(i, "vi").steps))


def phone_shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for image in page.locator("#step .phone img").all():  # icons loaded before the picture
        expect(image).to_have_js_property("complete", True)
    page.locator("#step .phone").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def answer_right(page, lesson: Lesson, step: Step) -> None:
    i = step.interaction
    if isinstance(i, Tap):
        target = page.locator(f'#step [data-target="{i.target}"]').first
        box = target.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, (lesson.id, step.key)
        tap(page, i.target)
    elif isinstance(i, Type):
        page.locator('#step input[name="answer"]').fill(accepted_answers(i, lesson.card)[0])
        page.locator('#step input[name="answer"]').press("Enter")
    elif isinstance(i, Spot):
        for flag in i.flags:
            page.locator(f'#step button.part[name="target"][value="{flag}"]').first.click()
            expect(page.locator("#step .feedback.good")).to_contain_text(plain(i.flags[flag]))
    else:
        answer_in_panel(page, i)
    page.wait_for_selector("#step.is-finished")


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("lesson_id", KIT_LESSONS)
def test_learner_plays_a_kit_lesson_to_the_end_on_a_touch_phone(module_server, new_page,
                                                                 lesson_id, locale):
    lesson = LIBRARY.lessons[(lesson_id, locale)]
    page = new_page(PHONE, is_mobile=True, has_touch=True)
    page.context.add_cookies([{"name": "lang", "value": locale, "url": module_server.url}])
    page.goto(f"{module_server.url}/lessons/{lesson.id}")
    practice = next(n for n, s in enumerate(lesson.steps) if isinstance(s.interaction, Tap)
                    and SCREENS[s.screen].kit is not None)
    for n, step in enumerate(lesson.steps):
        wait_for_step(page, n + 1)
        expect(page.locator("#step .practice-marker")).to_be_visible()
        phone_shot(page, f"kit-{lesson.id}-{locale}-{n + 1:02d}")
        if n == practice and locale == "vi":  # a wrong tap; "show me" points at the target
            drawn = SCREENS[step.screen].targets_for(lesson.state_at(n), spans=False)
            wrong = sorted(drawn - {step.interaction.target, "home"})[0]
            tap(page, wrong)
            expect(page.locator("#step .feedback.try, #step .feedback.warn")).to_be_visible()
            while page.locator("#step .btn-hint").count():
                page.locator("#step .btn-hint").click()
            page.get_by_role("button", name=re.compile("Cho tôi xem")).click()  # "show me"
            shown = page.locator(f'#step [data-target="{step.interaction.target}"].show-me')
            expect(shown).to_be_visible()
            phone_shot(page, f"kit-{lesson.id}-{locale}-{n + 1:02d}-show-me")
        answer_right(page, lesson, step)
        page.locator("#step .btn-next").click()
    page.wait_for_selector(".done-page")

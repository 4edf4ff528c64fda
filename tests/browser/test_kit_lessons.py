"""A learner plays every lesson of the apps built with the screen kit (lessons/apps/*.yaml)
on a 360×640 touch phone, to the end: one wrong answer with "show me" in each lesson, then
every step answered as a learner would. How to answer comes from the parsed lesson, so a
step the kit screen cannot answer (a target not drawn, a field missing) turns this red."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LIBRARY, PHONE, answer_right, phone_shot, tap, wait_for_step
from trainer.content.lesson import Tap
from trainer.screens import SCREENS

KIT_LESSONS = sorted(i for i in LIBRARY.ids()
                     if any(SCREENS[s.screen].kit is not None for s in LIBRARY.get(i, "vi").steps))


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
            hints = page.locator("#step .hint")
            while page.locator("#step .btn-hint").count():  # wait for each hint: the
                before = hints.count()                       # button goes with the last
                page.locator("#step .btn-hint").click()
                expect(hints).to_have_count(before + 1)
            page.get_by_role("button", name=re.compile("Cho tôi xem")).click()  # "show me"
            shown = page.locator(f'#step [data-target="{step.interaction.target}"].show-me')
            expect(shown).to_be_visible()
            phone_shot(page, f"kit-{lesson.id}-{locale}-{n + 1:02d}-show-me")
        answer_right(page, lesson, step)
        page.locator("#step .btn-next").click()
    page.wait_for_selector(".done-page")

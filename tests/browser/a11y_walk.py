"""Walking a bundled lesson the way a learner does, by finger or by keyboard
only: shared by the accessibility and offline tests (issue 7)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LIBRARY
from trainer.answers import accepted_answers
from trainer.content.lesson import Choose, Judge, Lesson, Read, Spot, Tap, Type


def bundled(lesson_id: str, locale: str = "vi") -> Lesson:
    lesson = LIBRARY.get(lesson_id, locale)
    assert lesson is not None, f"bundled lesson {lesson_id} is missing"
    return lesson


# What has the focus: is its focus ring drawn, and which part of the step is it in
# (0 header, 1 instruction, 2 simulated screen, 3 answer buttons, 4 elsewhere).
FOCUSED = """() => {
  const el = document.activeElement, s = getComputedStyle(el), box = el.getBoundingClientRect();
  return {tag: el.tagName, text: (el.innerText || el.value || '').slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
          visible: box.width > 0 && box.height > 0,
          region: el.closest('.step-head') ? 1 : el.closest('.step-device') ? 2
            : el.closest('.step-actions') ? 3 : el.closest('.top') ? 0 : 4};
}"""


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page: Page, locator: Locator, limit: int = 80) -> list[dict]:
    """Press Tab until ``locator`` has the focus; what got the focus on the way."""
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if is_focused(locator.first):
            return seen
    raise AssertionError(f"Tab never reached {locator}: {seen}")


def act(page: Page, locator: Locator, keyboard: bool, log: list | None = None,
        key: str = "Enter") -> None:
    if keyboard:
        seen = tab_to(page, locator)
        if log is not None:
            log.append(seen)
        page.keyboard.press(key)
    else:
        locator.first.click()


# How many red flags are marked found: the words of one (span.spot-part, maybe shown in
# two places) or a target that is one (the address bar), counted once per flag.
FOUND_FLAGS = """(n) => new Set([...document.querySelectorAll(
  '#step .device-form [data-part].found')].map(e => e.dataset.part)).size === n"""


def finish_step(page: Page, lesson: Lesson, index: int, keyboard: bool = False,
                log: list | None = None) -> None:
    """Answer step ``index`` right and move on to the next step (or the end page)."""
    number = index + 1
    page.wait_for_selector(f'#step[data-number="{number}"]')
    step = lesson.steps[index]
    i = step.interaction
    s = page.locator("#step")
    if isinstance(i, Tap):
        act(page, s.locator(f'[data-target="{i.target}"]'), keyboard, log)
    elif isinstance(i, Type):
        field = s.locator('input[name="answer"]')
        if keyboard:
            tab_to(page, field)
            page.keyboard.type(accepted_answers(i, lesson.card)[0])
            page.keyboard.press("Enter")
        else:
            field.fill(accepted_answers(i, lesson.card)[0])
            field.press("Enter")
    elif isinstance(i, Choose) and i.several:
        for o in i.options:
            if o.correct:
                act(page, s.locator(f'input[name="option"][value="{o.key}"]'), keyboard, log,
                    key="Space")
        act(page, s.locator('button[name="done"]'), keyboard, log)
    elif isinstance(i, Choose):
        right = next(o for o in i.options if o.correct)
        act(page, s.locator(f'button[name="option"][value="{right.key}"]'), keyboard, log)
    elif isinstance(i, Judge):
        act(page, s.locator(f'button[name="judge"][value="{i.answer}"]'), keyboard, log)
    elif isinstance(i, Spot):
        for count, name in enumerate(i.flags, start=1):
            act(page, s.locator(f'button[name="target"][value="{name}"]'), keyboard, log)
            page.wait_for_function(FOUND_FLAGS, arg=count)
    elif isinstance(i, Read):
        act(page, s.locator('button[name="done"]'), keyboard, log)
    expect(page.locator(f'#step[data-number="{number}"].is-finished')).to_have_count(1)
    act(page, page.locator("#step .btn-next"), keyboard, log)
    if number < len(lesson.steps):
        page.wait_for_selector(f'#step[data-number="{number + 1}"]')
    else:
        page.wait_for_selector(".done-page")


def walk(page: Page, base_url: str, lesson: Lesson, keyboard: bool = False,
         log: list | None = None) -> None:
    page.goto(f"{base_url}/lessons/{lesson.id}/1")
    for index in range(len(lesson.steps)):
        finish_step(page, lesson, index, keyboard, log)

"""A learner taps and types through a lesson on a phone-sized screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, shot, tap, wait_for_step


def test_learner_completes_lesson_with_wrong_answer_hint_and_show_me(server, new_page):
    page = new_page(PHONE)
    page.goto(server.url + "/")
    start = page.locator(".start-tile")
    assert "Bắt đầu ở đây" in start.inner_text() and "Mở và trả lời tin nhắn" in start.inner_text()
    start.click()
    wait_for_step(page, 1)
    assert page.locator(".practice-marker").first.is_visible()

    # Three wrong taps: feedback, a hint after each, then "Cho tôi xem" is offered.
    tap(page, "app-phone")
    page.wait_for_selector(".feedback.try")
    assert "Điện thoại" in page.locator(".feedback").inner_text()
    assert page.locator(".hint").count() == 1
    tap(page, "app-zalo")
    expect(page.locator(".hint")).to_have_count(2)
    tap(page, "app-camera")
    expect(page.locator(".hint")).to_have_count(3)
    page.get_by_role("button", name=re.compile("Cho tôi xem")).click()
    highlighted = page.locator('[data-target="app-messages"].show-me')
    highlighted.wait_for()
    shot(page, "learner-show-me-phone")
    highlighted.click()
    page.wait_for_selector(".feedback.good")
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()

    wait_for_step(page, 2)
    assert page.url.endswith("/lessons/sms-basics/2")  # htmx pushed the step's address
    tap(page, "son1")
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()
    wait_for_step(page, 3)
    page.get_by_role("button", name=re.compile("Tiếp tục")).click()
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()
    wait_for_step(page, 4)
    page.get_by_role("button", name="Con gái").click()
    page.wait_for_selector(".feedback.good")

    # Leave half-way: close the browser and restart the server.
    page.context.close()
    server.restart()
    page = new_page(PHONE)
    page.goto(server.url + "/topics/phone")
    assert "Chưa học" in page.locator('[data-lesson="sms-basics"]').inner_text()  # new browser


def test_progress_survives_closing_the_browser_and_restarting_the_server(server, browser, tmp_path):
    state = tmp_path / "state.json"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + "/lessons/sms-basics")
    wait_for_step(page, 1)
    tap(page, "app-messages")
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()
    wait_for_step(page, 2)
    tap(page, "son1")
    page.wait_for_selector(".feedback.good")
    context.storage_state(path=str(state))  # the phone keeps its cookies
    context.close()

    server.restart()
    context = browser.new_context(viewport=PHONE, storage_state=str(state))
    page = context.new_page()
    page.goto(server.url + "/")
    card = page.locator(".start-tile")
    assert "Đã học 2/6 bước" in card.inner_text() and "Học tiếp" in card.inner_text()
    card.click()
    wait_for_step(page, 3)  # resumes at the first unfinished step

    page.get_by_role("button", name=re.compile("Tiếp tục")).click()
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()
    wait_for_step(page, 4)
    page.get_by_role("button", name="Con gái").click()
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()
    wait_for_step(page, 5)
    field = page.locator('#step input[name="answer"]')
    field.fill("me biet")  # not quite
    tap(page, "send")
    page.wait_for_selector(".feedback.try")
    assert page.locator('#step input[name="answer"]').input_value() == "me biet"  # kept
    page.locator('#step input[name="answer"]').fill("Mẹ biết rồi")
    tap(page, "send")
    page.wait_for_selector(".feedback.good")
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()
    wait_for_step(page, 6)
    assert page.locator(".bubble.mine").inner_text().startswith("Mẹ biết rồi")
    page.get_by_role("button", name=re.compile("Tiếp tục")).click()
    page.get_by_role("link", name=re.compile("Xong bài")).click()
    page.wait_for_selector(".done-page")
    page.goto(server.url + "/topics/phone")
    assert "Đã xong" in page.locator('[data-lesson="sms-basics"]').inner_text()
    context.close()

"""Fully offline (issue 7): a lesson completes with every other host blocked,
and the service worker keeps opened lessons readable when the network goes,
while answers say kindly that they need the connection and are sent once."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.a11y_walk import bundled, walk
from tests.browser.conftest import PHONE, tap, wait_for_step

LOCAL = re.compile(r"^https?://127\.0\.0\.1[:/]")


def local_phone(browser):
    """A phone's browser (with its service worker) that reaches only this machine."""
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    context.route(lambda url: not LOCAL.match(url), lambda route: route.abort())
    return context, context.new_page()


def test_lesson_completes_with_every_other_host_blocked(server, browser):
    context = browser.new_context(viewport=PHONE, service_workers="block")
    context.set_default_timeout(10_000)
    outside: list[str] = []
    local: list[str] = []

    def block(route):
        outside.append(route.request.url)
        route.abort("internetdisconnected")

    context.route(lambda url: not LOCAL.match(url), block)
    page = context.new_page()
    htmx: list[str] = []
    page.on("request", lambda r: local.append(r.url) if LOCAL.match(r.url) else None)
    page.on("request", lambda r: htmx.append(r.url) if r.headers.get("hx-request") else None)
    cdn = page.goto(server.url + "/").text()
    walk(page, server.url, bundled("sms-basics"))
    assert any(url.endswith("/lessons/sms-basics/1") for url in htmx)  # answered through htmx
    page.goto(server.url + "/topics/phone")
    expect(page.locator('[data-lesson="sms-basics"]')).to_contain_text("Đã xong")
    allowed = set(re.findall(r'src="(https://[^"]+)"[^>]*data-htmx-cdn', cdn))
    assert set(outside) <= allowed, f"asked other hosts: {set(outside) - allowed}"
    assert any("/static/fonts/" in url and url.endswith(".woff2") for url in local)
    assert any("/static/vendor/htmx" in url for url in local)
    context.close()


def test_service_worker_keeps_opened_pages_and_answers_need_the_connection(server, browser):
    context, page = local_phone(browser)
    page.goto(server.url + "/")
    assert page.evaluate("async () => (await navigator.serviceWorker.ready).active.state") \
        in ("activating", "activated")
    page.reload()  # now the worker looks after this page
    assert page.evaluate("() => !!navigator.serviceWorker.controller")
    page.goto(server.url + "/lessons/sms-basics/1")
    wait_for_step(page, 1)

    context.set_offline(True)
    page.goto(server.url + "/")
    expect(page.locator(".start-tile")).to_be_visible()  # the home page, kept
    page.goto(server.url + "/lessons/sms-basics/1")  # a lesson already opened
    wait_for_step(page, 1)
    tap(page, "app-messages")
    note = page.locator("#feedback .offline-note")
    expect(note).to_contain_text("Cần có mạng")
    expect(page.locator('#step[data-number="1"]')).not_to_have_class(re.compile("is-finished"))
    page.goto(server.url + "/lessons/sms-basics/3")  # never opened
    expect(page.locator(".offline-page")).to_be_visible()

    context.set_offline(False)
    page.goto(server.url + "/lessons/sms-basics/1")
    tap(page, "app-messages")
    page.wait_for_selector(".feedback.good")
    page.goto(server.url + "/")
    expect(page.locator(".start-tile")).to_contain_text("Đã học 1/6")
    context.close()


def test_service_worker_never_shows_a_fragment_as_a_page(server, browser):
    """htmx fetched step 2 as a fragment; offline, the whole page must not be that fragment."""
    context, page = local_phone(browser)
    page.goto(server.url + "/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    page.goto(server.url + "/lessons/sms-basics/1")
    tap(page, "app-messages")
    page.get_by_role("link", name=re.compile("Bước tiếp theo")).click()
    wait_for_step(page, 2)  # step 2 came as an htmx fragment
    context.set_offline(True)
    page.goto(server.url + "/lessons/sms-basics/2")
    expect(page.locator("header.top")).to_be_visible()  # a whole page (or the offline page)
    context.close()

"""An author's view: the screen catalogue and a preview that follows the file as it is saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, KIOSK, PHONE, PROJECTOR, add_volunteer
from tests.browser.conftest import sign_in as volunteer_signs_in
from tests.conftest import ROOT
from trainer.screens import SCREENS

PASSWORD = "correct horse battery"


def sign_in(server, page) -> None:
    """Create a volunteer account, then sign in through the login form."""
    add_volunteer(server.env["DATABASE_URL"], "author", PASSWORD)
    volunteer_signs_in(page, server.url, "author", PASSWORD)


@pytest.fixture
def lessons(tmp_path: Path, server_env: dict[str, str]) -> Path:
    """A copy of the bundled lessons the server reads, in development mode."""
    root = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", root)
    server_env.update(TRAINER_LESSONS_DIR=str(root), TRAINER_DEV="1")
    return root


def test_catalogue_shows_every_registered_screen(server, new_page):
    page = new_page(KIOSK)
    sign_in(server, page)
    page.goto(server.url + "/authors/screens")
    for name in SCREENS:
        entry = page.locator(f'[data-screen-entry="{name}"]')
        expect(entry.locator(f'[data-screen="{name}"]')).to_be_visible()
        expect(entry.locator(".example-step")).to_contain_text(f"screen: {name}")
    expect(page.locator('[data-screen-entry="phone.home"] .name-tag.name-target',
                        has_text="app-messages").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)  # whole pages are too tall to look at: one part each
    for viewport, label in ((KIOSK, "kiosk"), (PHONE, "phone"), (PROJECTOR, "projector")):
        page.set_viewport_size(viewport)
        page.goto(server.url + "/authors/screens")
        for name in ("phone.sms_thread", "vneid.login", "web.page"):
            if name in SCREENS:
                page.locator(f'[data-screen-entry="{name}"]').screenshot(
                    path=str(ARTIFACTS / f"authors-catalogue-{name}-{label}.png"))
        page.goto(server.url + "/authors/translations")
        expect(page.locator('[data-language="en"] h2')).to_contain_text("English")
        page.screenshot(path=str(ARTIFACTS / f"authors-translations-{label}.png"))


def test_preview_follows_the_file_as_it_is_saved(lessons, server, new_page):
    page = new_page(KIOSK)
    sign_in(server, page)
    page.goto(server.url + "/authors/preview")
    page.get_by_text("lessons/vi/tin-nhan-co-ban.md").click()
    first = page.locator("[data-preview-step]").first
    expect(first).to_contain_text("Mở ứng dụng Tin nhắn")
    first.locator("summary", has_text="Gợi ý").click()
    expect(first.locator(".pv-details[open] li").first).to_be_visible()
    first.screenshot(path=str(ARTIFACTS / "authors-preview-step-kiosk.png"))

    path = lessons / "vi" / "tin-nhan-co-ban.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Mở ứng dụng Tin nhắn", "## Mở Tin nhắn nào",
                                 1).replace("tap: app-messages", "tap: app-mesages", 1),
                    encoding="utf-8")
    broken = page.locator("[data-preview-step].is-broken")
    expect(broken).to_contain_text("Mở Tin nhắn nào", timeout=15_000)  # polled every 2 s
    # in the page's language (Vietnamese here), with what to do
    expect(broken.locator(".problem")).to_contain_text("Có phải ý bạn là 'app-messages'?")
    for viewport, label in ((PHONE, "phone"), (PROJECTOR, "projector")):
        page.set_viewport_size(viewport)
        broken.screenshot(path=str(ARTIFACTS / f"authors-preview-problem-{label}.png"))

    path.write_text(text.replace("## Mở ứng dụng Tin nhắn", "## Mở Tin nhắn nào", 1),
                    encoding="utf-8")
    expect(page.locator("[data-preview-step]").first.locator("#step-heading")).to_have_text(
        "Mở Tin nhắn nào", timeout=15_000)
    learner = new_page(PHONE)  # the lesson itself changed too, without a restart
    learner.goto(server.url + "/lessons/sms-basics/1")
    expect(learner.locator("#step-heading")).to_have_text("Mở Tin nhắn nào")

"""An author edits a lesson in the browser: a mistake shows up beside the text while
typing, its problem leads to its line, saving is refused until it is fixed, then the
file on disk is the edited one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, KIOSK, PHONE, add_volunteer, sign_in
from tests.conftest import ROOT

PASSWORD = "correct horse battery"
FILE = "vi/phone-lam-quen.md"


@pytest.fixture
def lessons(tmp_path: Path, server_env: dict[str, str]) -> Path:
    root = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", root)
    server_env.update(TRAINER_LESSONS_DIR=str(root))
    return root


def sign_in_author(server, page) -> None:
    add_volunteer(server.env["DATABASE_URL"], "tacgia", PASSWORD, author=True)
    sign_in(page, server.url, "tacgia", PASSWORD)


def test_edit_see_the_problem_fix_it_and_save(lessons, server, new_page):
    page = new_page(KIOSK)
    sign_in_author(server, page)
    page.goto(server.url + "/authors/preview")
    page.locator("#file-filter").fill("lam-quen")
    expect(page.locator(".file-list li[data-file]:visible")).to_have_count(2)
    page.locator(f'li[data-file="lessons/{FILE}"] a', has_text="Sửa").click()
    page.wait_for_url("**/authors/edit/**")  # loaded: htmx listens to the typing from here

    editor = page.locator("#editor-text")
    original = editor.input_value()
    expect(page.locator("#editor-result .preview-status.good")).to_have_text("Không có lỗi.")
    gutter = page.locator(".editor-gutter")
    assert gutter.inner_text().split() == [str(n) for n in range(1, original.count("\n") + 2)]

    broken = original.replace("tap: app-messages", "tap: app-mesages", 1)
    editor.fill(broken)
    badge = page.locator("#editor-result .preview-status.bad a")
    # the live check, after a pause in typing: check and a preview of all nine steps,
    # which on a loaded 2-core machine can take longer than expect's 5 s
    expect(badge).to_have_text("1 lỗi cần sửa", timeout=20_000)
    problem = page.locator("#problem-1")
    expect(problem).to_contain_text("Màn hình phone.home không hiện 'app-mesages'")
    expect(problem).to_contain_text("Cách sửa:")
    line = broken.split("\n").index("tap: app-mesages") + 1
    problem.locator("a[data-line]").click()  # takes the author to the line that is wrong
    selected = editor.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)")
    assert selected == "tap: app-mesages"
    expect(problem.locator("a[data-line]")).to_have_text(f"Dòng {line}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "editor-problem-kiosk.png"))

    page.get_by_role("button", name="Lưu bài").click()
    expect(page.locator("#editor-result .feedback.warn")).to_contain_text("Chưa lưu")
    assert (lessons / FILE).read_text(encoding="utf-8") == original

    page.locator("#editor-text").fill(original.replace("title: Làm quen điện thoại",
                                                       "title: Làm quen với điện thoại"))
    expect(page.locator("#editor-result .preview-status.good")).to_be_visible()
    page.get_by_role("button", name="Lưu bài").click()
    expect(page.locator("#editor-result .feedback.good")).to_contain_text("Đã lưu bài")
    assert "title: Làm quen với điện thoại" in (lessons / FILE).read_text(encoding="utf-8")


def test_the_editor_fits_a_phone(lessons, server, new_page):
    page = new_page(PHONE, is_mobile=True, has_touch=True)
    sign_in_author(server, page)
    page.goto(server.url + f"/authors/edit/{FILE}")
    expect(page.locator("#editor-text")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width  # no sideways scrolling of the page: the text box scrolls
    for name in ("Lưu bài", "Kiểm tra", "Lưu bản nháp", "Tải tệp về"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["height"] >= 48, name
    page.locator("#editor-text").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "editor-phone.png"))

"""Issue 6, in one run: a volunteer runs a class from the projector while two learners
join from their phones; one gets stuck, the other raises a hand; "follow me" moves
both; a kiosk forgets its learner after the idle time; the report counts it all."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    KIOSK,
    PHONE,
    PROJECTOR,
    LiveServer,
    add_volunteer,
    one_lesson,
    shot,
    sign_in,
    tap,
    wait_for_step,
)
from trainer import db as database
from trainer.models import StepEvent

PASSWORD = "volunteer pass"
LESSON = "class-lesson"


@pytest.fixture
def server_env(server_env, tmp_path):
    return {**server_env, **one_lesson(tmp_path, LESSON), "TRAINER_CLASS_POLL_SECONDS": "1"}


def join(page, base: str, code: str, name: str) -> None:
    page.goto(base + "/join")
    page.get_by_label("Gõ mã số trên màn chiếu").fill(code)
    page.get_by_role("button", name=re.compile("Vào lớp")).click()
    page.get_by_label("Tên để tình nguyện viên gọi bác").fill(name)
    shot(page, "classroom-join-name-phone")
    page.get_by_role("button", name=re.compile("Vào lớp")).click()
    wait_for_step(page, 1)


def test_volunteer_runs_a_class_with_two_phones_a_board_a_kiosk_and_a_report(
        server, server_env, new_page, tmp_path):
    add_volunteer(server_env["DATABASE_URL"], "tnv", PASSWORD,
                  display_name="Tình nguyện viên Minh")
    base = server.url

    # The volunteer logs in and creates a class.
    vol = new_page(PROJECTOR)
    sign_in(vol, base, "tnv", PASSWORD)
    vol.get_by_role("link", name=re.compile("Tạo lớp mới")).first.click()
    vol.get_by_label("Tên lớp").fill("Lớp tin nhắn")
    vol.get_by_label("Xã / phường").fill("Xã Tân Lập")
    vol.get_by_label("Bài thử").check()
    vol.get_by_role("button", name="Tạo lớp").click()
    code = vol.locator("[data-code]").get_attribute("data-code")
    assert re.fullmatch(r"[2-9]{6}", code)
    expect(vol.locator("img.qr")).to_be_visible()
    shot(vol, "classroom-class-projector")
    class_url = vol.url

    # Presenter mode at 1920×1080.
    vol.get_by_role("link", name=re.compile("Trình chiếu")).click()
    expect(vol.locator("#stage")).to_have_attribute("data-number", "1")
    heading_px = vol.locator(".stage-heading").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    text_px = vol.locator(".stage-instruction p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert heading_px >= 72 and text_px >= 48

    # Two learners join from their phones.
    lan, ba = new_page(PHONE), new_page(PHONE)
    lan.goto(base + "/join")
    shot(lan, "classroom-join-phone")
    join(lan, base, code, "Bà Lan")
    join(ba, base, code, "Ông <b>Ba</b>")

    # The board, in another tab of the volunteer's browser.
    board = vol.context.new_page()
    board.goto(class_url + "/board")
    expect(board.locator(".board-row")).to_have_count(2)
    expect(board.get_by_text("Ông <b>Ba</b>")).to_be_visible()  # escaped, shown as typed

    # Bà Lan answers wrongly twice: stuck on the board within 5 s, first in the list.
    tap(lan, "home")
    lan.wait_for_selector(".feedback.try")
    tap(lan, "back")
    expect(lan.locator(".hint")).to_have_count(2)
    first = board.locator(".board-row").first
    expect(first).to_have_attribute("data-state", "stuck", timeout=5_000)
    expect(first).to_contain_text("Bà Lan")

    # Ông Ba raises a hand: shows on the board too, before the stuck.
    ba.get_by_role("button", name=re.compile("Tôi cần giúp")).click()
    expect(ba.locator(".hand-note")).to_be_visible()
    shot(ba, "classroom-hand-phone")
    expect(first).to_have_attribute("data-state", "hand", timeout=5_000)
    expect(first).to_contain_text("Ông <b>Ba</b>")
    expect(board.locator('[data-state="stuck"]')).to_contain_text("Bà Lan")
    shot(board, "classroom-board-projector")

    # Clicker keys move the presenter; with "follow me" off, the phones stay where they are.
    vol.keyboard.press("ArrowRight")
    expect(vol.locator("#stage")).to_have_attribute("data-number", "2")
    vol.keyboard.press("PageUp")
    expect(vol.locator("#stage")).to_have_attribute("data-number", "1")

    # "Follow me": the presenter moves on, both phones follow.
    vol.get_by_role("button", name=re.compile("Cả lớp theo tôi")).click()
    expect(vol.locator("#stage")).to_have_attribute("data-follow", "on")
    vol.keyboard.press("PageDown")
    expect(vol.locator("#stage")).to_have_attribute("data-number", "2")
    vol.get_by_role("button", name=re.compile("Chỉ chỗ bấm")).click()
    expect(vol.locator('.stage-device [data-target="app-messages"].show-me')).to_be_visible()
    shot(vol, "classroom-presenter-projector")
    wait_for_step(lan, 2)
    wait_for_step(ba, 2)

    # Both practise step 2; Bà Lan leaves follow mode and finishes step 1 alone.
    tap(ba, "app-messages")
    ba.wait_for_selector(".feedback.good")
    tap(lan, "app-messages")
    lan.wait_for_selector(".feedback.good")
    lan.get_by_role("button", name=re.compile("Tự học")).click()
    expect(lan.get_by_role("button", name=re.compile("Theo màn chiếu"))).to_be_visible()
    lan.goto(f"{base}/lessons/{LESSON}/1")
    tap(lan, "app-messages")
    lan.wait_for_selector(".feedback.good")
    expect(lan.locator("#step")).to_have_attribute("data-number", "1")  # not pulled back

    # The report counts what happened; the CSV has the same numbers.
    vol.goto(base + "/volunteer/reports/?place=Tân Lập")
    totals = {k: vol.locator(f'[data-total="{k}"] strong').inner_text()
              for k in ("classes", "learners", "lessons", "steps", "people")}
    assert totals == {"classes": "1", "learners": "2", "lessons": "1", "steps": "3",
                      "people": "2"}
    expect(vol.locator("svg.chart")).to_be_visible()
    href = vol.locator("[data-csv]").get_attribute("href")
    body = vol.request.get(base + href).body()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))  # Excel, vi
    numbers = dict(r[:2] for r in rows if len(r) >= 2)
    assert [numbers[k] for k in ("Số lớp đã tổ chức", "Người học trong lớp",
                                 "Số bài đã học xong", "Số bước đã luyện tập")] == \
        ["1", "2", "1", "3"]
    assert ["Bài thử", "1. Mở tin nhắn", "2"] in rows  # titles, not ids

    # Kiosk mode (another server process on the same database, short idle times).
    kiosk_dir = tmp_path / "kiosk"
    kiosk_dir.mkdir()
    kiosk = LiveServer(kiosk_dir, {**server_env, "TRAINER_KIOSK": "1",
                                   "TRAINER_KIOSK_IDLE_SECONDS": "2",
                                   "TRAINER_KIOSK_ASK_SECONDS": "2"}).start()
    try:
        page = new_page(KIOSK)
        page.goto(kiosk.url + "/")
        shot(page, "classroom-kiosk-start")
        page.get_by_role("button", name=re.compile("Bắt đầu học")).click()
        page.get_by_role("link", name=re.compile("Tôi mới học lần đầu")).click()
        page.get_by_role("link", name=re.compile("Bỏ qua, học luôn")).click()  # no pictures
        page.get_by_role("link", name=re.compile("Bắt đầu")).first.click()
        wait_for_step(page, 1)
        tap(page, "app-messages")
        page.wait_for_selector(".feedback.good")
        before = _events(server_env["DATABASE_URL"])
        # No touch: the kiosk asks, then returns to the start screen.
        expect(page.get_by_text("Bác còn đang học không?")).to_be_visible(timeout=10_000)
        shot(page, "classroom-kiosk-ask")
        expect(page.locator("[data-kiosk-start]")).to_be_visible(timeout=10_000)
        assert _events(server_env["DATABASE_URL"]) == before >= 1  # progress kept
        # The next visitor sees nothing of the previous one.
        page.get_by_role("button", name=re.compile("Bắt đầu học")).click()
        page.get_by_role("link", name=re.compile("Tôi mới học lần đầu")).click()
        page.get_by_role("link", name=re.compile("Bỏ qua, học luôn")).click()
        expect(page.locator(".start-tile")).to_contain_text("Bắt đầu ở đây")
    finally:
        kiosk.stop()


def _events(url: str) -> int:
    engine = database.make_engine(url)
    db = database.make_sessionmaker(engine)()
    count = db.query(StepEvent).count()
    db.close()
    engine.dispose()
    return count


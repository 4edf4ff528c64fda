"""Issue 17 items 6-7 in a real browser: a volunteer turns one browser into a kiosk; a
first-timer chooses their own pictures there and signs in with them after "Tôi học xong
rồi"; another learner signs in by typing the code on their card, and by holding the
card's QR to the camera (Chromium's fake camera plays a video of the printed QR)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, KIOSK, PHONE, one_lesson, shot, sign_in
from trainer import create_app, progress, web
from trainer import db as database
from trainer.classroom import auth, kiosk

PASSWORD = "volunteer pass"


@pytest.fixture
def server_env(server_env, tmp_path):
    return {**server_env, **one_lesson(tmp_path, "kiosk-lesson")}


def card_holder(server_env, base: str) -> tuple[str, str]:
    """A learner from an earlier class, with a printed card: (card address, typed code)."""
    engine = database.make_engine(server_env["DATABASE_URL"])
    database.upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": server_env["DATABASE_URL"], "USE_CDN": False,
                      "SECRET_KEY": server_env["SECRET_KEY"],
                      "LESSONS_DIR": server_env["TRAINER_LESSONS_DIR"]})
    with app.test_request_context("/", base_url=base):
        db = web.get_db()
        auth.create_volunteer(db, "tnv", PASSWORD, display_name="Tình nguyện viên Minh")
        learner = progress.get_or_create_learner(db, progress.new_public_id())
        learner.display_name = "Bà Năm"
        code = kiosk.show_code(kiosk.card_code(db, learner))
        db.commit()
        url = web.card_url(learner)
    app.extensions["engine"].dispose()
    return url, code


def become_kiosk(page, base: str) -> None:
    """The volunteer signs in on this device and turns it into a shared kiosk."""
    sign_in(page, base, "tnv", PASSWORD)
    page.get_by_role("button", name="Biến máy này thành máy học chung").click()
    expect(page.get_by_role("button", name=re.compile("Bắt đầu học"))).to_be_visible()


def signed_in_as(page, base: str, name: str) -> None:
    page.goto(base + "/my-card")
    expect(page.locator(".card-name")).to_have_text(name)


def leave(page) -> None:
    page.get_by_role("button", name="Tôi học xong rồi, để người khác học").click()
    page.get_by_role("button", name=re.compile("Bắt đầu học")).click()


def qr_video(url: str, path: Path, width: int = 640, height: int = 480) -> Path:
    """The printed card held to the camera: a Y4M clip of the card's QR, black on white,
    the format Chromium's fake camera plays (--use-file-for-fake-video-capture). Grey
    only, so the picture is the Y plane and the colour planes are a flat 128."""
    qr = segno.make(url, error="m")
    rows = [[False] * 4 + [bool(v) for v in row] + [False] * 4 for row in qr.matrix]
    rows = [[False] * len(rows[0])] * 4 + rows + [[False] * len(rows[0])] * 4
    scale = min(width, height) * 9 // 10 // len(rows)
    left, top = (width - scale * len(rows)) // 2, (height - scale * len(rows)) // 2
    luma = bytearray(b"\xff" * (width * height))
    for r, row in enumerate(rows):
        line = b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)
        for dy in range(scale):
            start = (top + r * scale + dy) * width + left
            luma[start:start + len(line)] = line
    frame = b"FRAME\n" + bytes(luma) + b"\x80" * (width * height // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(frame)
    return path


def test_kiosk_device_pictures_typed_code_and_camera_qr(server, server_env, new_page, tmp_path):
    base = server.url
    card_address, code = card_holder(server_env, base)
    assert card_address.startswith(base + "/c/")

    # Another device on the same server is not a kiosk: a learner's phone.
    phone = new_page(PHONE)
    phone.goto(base + "/")
    assert "/kiosk" not in phone.url

    k = new_page(KIOSK)
    become_kiosk(k, base)
    shot(k, "kiosk-device-start-1280")
    k.get_by_role("button", name=re.compile("Bắt đầu học")).click()
    expect(k.get_by_role("heading", name="Bác học tiếp hay mới học lần đầu?")).to_be_visible()

    # A first-timer chooses a picture and three pictures, with nobody's help.
    k.get_by_role("link", name=re.compile("Tôi mới học lần đầu")).click()
    k.locator("fieldset").filter(has_text="1. Chọn một hình").get_by_text("Trăng").click()
    k.get_by_label("Tên của bác (không bắt buộc)").fill("Ông Tư")
    for n, word in ((1, "Cá"), (2, "Mặt trời"), (3, "Trăng")):
        k.locator("fieldset.pic-row").filter(has_text=f"Hình thứ {n}").get_by_text(word).click()
    shot(k, "kiosk-first-time-1280")
    k.get_by_role("button", name=re.compile("Lưu và học")).click()
    k.wait_for_url(base + "/")
    k.goto(base + "/lessons/kiosk-lesson/1")  # a first-timer's first lesson
    expect(k.get_by_role("button", name="Tôi học xong rồi, để người khác học")).to_be_visible()
    leave(k)

    # Next time: the name beside the moon, then the same three pictures.
    k.get_by_role("link", name=re.compile("Ông Tư")).click()
    for n, word in ((1, "Cá"), (2, "Mặt trời"), (3, "Trăng")):
        k.locator("fieldset.pic-row").filter(has_text=f"Hình thứ {n}").get_by_text(word).click()
    k.get_by_role("button", name=re.compile("Học tiếp")).click()
    signed_in_as(k, base, "Ông Tư")
    k.goto(base + "/")
    leave(k)

    # The "who are you" page, looked at on the kiosk and at phone size.
    shot(k, "kiosk-who-1280")
    for img in k.locator(".who-list img").all():
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    small = new_page(PHONE)
    become_kiosk(small, base)
    small.get_by_role("button", name=re.compile("Bắt đầu học")).click()
    shot(small, "kiosk-who-360")

    # A card's typed code (this kiosk has no camera).
    k.get_by_label(re.compile("Gõ mã in dưới mã QR")).fill("0000 0000")
    k.locator(".code-form").get_by_role("button", name=re.compile("Học tiếp")).click()
    expect(k.get_by_role("alert")).to_contain_text("Chưa đúng mã")
    k.get_by_label(re.compile("Gõ mã in dưới mã QR")).fill(code.lower())
    k.locator(".code-form").get_by_role("button", name=re.compile("Học tiếp")).click()
    signed_in_as(k, base, "Bà Năm")

    # The phone is still no kiosk, and the volunteer's board never bounced.
    phone.goto(base + "/kiosk")
    assert "Bắt đầu học" not in phone.content()


def with_camera(browser, video: Path):
    """A second Chromium whose camera films `video` (the session's has no camera)."""
    return browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])


def test_the_camera_reads_a_learner_card(server, server_env, browser, tmp_path):
    base = server.url
    card_address, _code = card_holder(server_env, base)
    camera = with_camera(browser, qr_video(card_address, tmp_path / "card.y4m"))
    try:
        page = camera.new_context(viewport=KIOSK).new_page()
        page.set_default_timeout(15_000)
        become_kiosk(page, base)
        page.get_by_role("button", name=re.compile("Bắt đầu học")).click()
        # the camera found the card and opened it; the kiosk asks before switching (#20)
        page.get_by_role("button", name="Đúng, học tiếp").click()
        page.wait_for_url(base + "/")
        signed_in_as(page, base, "Bà Năm")
    finally:
        camera.close()


def test_the_camera_refuses_a_card_of_another_server(server, server_env, browser, tmp_path):
    base = server.url
    card_address, _code = card_holder(server_env, base)
    elsewhere = "http://192.0.2.7:8000/c/" + card_address.rsplit("/", 1)[1]
    camera = with_camera(browser, qr_video(elsewhere, tmp_path / "foreign.y4m"))
    try:
        page = camera.new_context(viewport=KIOSK).new_page()
        become_kiosk(page, base)
        page.get_by_role("button", name=re.compile("Bắt đầu học")).click()
        expect(page.locator(".qr-video")).to_be_visible()
        expect(page.get_by_text("Thẻ này là của máy khác.")).to_be_visible()
        shot(page, "kiosk-who-camera-1280")
        assert page.url == base + "/kiosk/who"
        page.goto(base + "/my-card")
        assert page.locator(".card-name").count() == 0  # nobody was signed in
    finally:
        camera.close()

"""Class night at the commune centre (issue 16), in the browser: the presenter fits the
projectors the communes have, and one scenario runs a whole class — a 1366×768 presenter,
a helper volunteer's board on a 360×640 phone and four learners' phones joining through
the address the class page offers (never 127.0.0.1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, LIBRARY, PHONE, shot, sign_in, tap, wait_for_step
from trainer import db as database
from trainer.classroom import addresses, auth, classes

PASSWORD = "volunteer pass"
PROJECTORS = {"1024x768": {"width": 1024, "height": 768},
              "1366x768": {"width": 1366, "height": 768},
              "1920x1080": {"width": 1920, "height": 1080}}


def vneid_lessons() -> list[str]:
    library = LIBRARY
    return [x.id for x in library.listing("vi") if x.topic == "vneid"]


def setup_class(url: str, lessons: list[str], helper: bool = False) -> int:
    """A volunteer "tnv" (and a helper "ban") and a class; returns the class id."""
    engine = database.make_engine(url)
    db = database.make_sessionmaker(engine)()
    lead = auth.create_volunteer(db, "tnv", PASSWORD, display_name="Minh")
    if helper:
        auth.create_volunteer(db, "ban", PASSWORD, display_name="Lan")
    import datetime as dt

    klass = classes.create_class(db, lead, "Lớp VNeID tối thứ Ba", dt.date.today(),
                                 "Phường An Bình", "Tổ 5", lessons,
                                 organiser="Đoàn TN phường An Bình")
    if helper:
        classes.add_helper(db, klass, "ban")
    db.commit()
    class_id = klass.id
    db.close()
    engine.dispose()
    return class_id


def log_in(page, base: str, username: str = "tnv") -> None:
    sign_in(page, base, username, PASSWORD)


def back_of_the_room(new_page, png: Path) -> Path:
    """The screenshot at 25 %: roughly what the back row of a commune hall sees."""
    import base64

    data = base64.b64encode(png.read_bytes()).decode()
    viewer = new_page({"width": 600, "height": 400})
    viewer.set_content(f'<body style="margin:0"><img id="i" src="data:image/png;base64,{data}" '
                       'onload="this.style.width=(this.naturalWidth/4)+\'px\'"></body>')
    viewer.wait_for_function("() => document.getElementById('i').style.width")
    out = ARTIFACTS / f"{png.stem}-25pc.png"
    viewer.locator("#i").screenshot(path=str(out))
    viewer.context.close()
    return out


FIT = """() => {
  const out = [];
  const vw = innerWidth, vh = innerHeight;
  const d = document.documentElement;
  if (d.scrollHeight > vh + 1) out.push('page scrolls ' + (d.scrollHeight - vh) + 'px');
  if (d.scrollWidth > vw + 1) out.push('page scrolls sideways');
  const controls = document.querySelector('.stage-controls').getBoundingClientRect();
  if (controls.bottom > vh + 1) out.push('controls off-screen by ' + (controls.bottom - vh));
  const text = document.querySelector('.stage-text');
  if (text.scrollHeight > text.clientHeight + 2)
    out.push('words clipped by ' + (text.scrollHeight - text.clientHeight) + 'px');
  const zoom = document.querySelector('[data-fit]');
  if (zoom) {
    const box = zoom.parentElement.getBoundingClientRect();
    const r = zoom.getBoundingClientRect();
    if (r.bottom > box.bottom + 2 || r.right > box.right + 2 || r.left < box.left - 2)
      out.push('screen cut off');
    if (r.height < 0.45 * (box.height)) out.push('screen tiny: ' + Math.round(r.height));
  }
  const words = parseFloat(getComputedStyle(document.querySelector('.stage-instruction')).fontSize);
  if (words < 22) out.push('instruction ' + words + 'px');
  return out;
}"""


@pytest.mark.parametrize("size", list(PROJECTORS))
def test_presenter_fits_every_vneid_step_on_the_projectors_communes_have(
        server, server_env, new_page, size):
    lessons = vneid_lessons()
    class_id = setup_class(server_env["DATABASE_URL"], lessons)
    page = new_page(PROJECTORS[size])
    log_in(page, server.url)
    # The "Vào lớp" slide first: code ≥ 200 px, QR, address, nothing to scroll.
    page.goto(f"{server.url}/volunteer/classes/{class_id}/welcome")
    assert page.locator(".welcome-code").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)") >= 200
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    back_of_the_room(new_page, shot(page, f"welcome-{size}"))
    page.goto(f"{server.url}/volunteer/classes/{class_id}/present")
    problems = []
    for lesson in lessons:
        expect(page.locator("#stage")).to_have_attribute("data-lesson", lesson)
        number = 1
        while True:
            expect(page.locator("#stage")).to_have_attribute("data-number", str(number))
            page.wait_for_function("() => document.fonts.status === 'loaded'")
            page.wait_for_timeout(300)  # presenter.js fits the screen again once it settles
            found = page.evaluate(FIT)
            if found:
                problems.append(f"{lesson} step {number}: {', '.join(found)}")
            if lesson == "vneid-activate" and number in (1, 4, 5):
                back_of_the_room(new_page, shot(page, f"presenter-{size}-{lesson}-{number}"))
            last = page.locator("[data-key-next]").inner_text().startswith("Bài sau") \
                or page.locator("[data-key-next]").is_disabled()
            if last:
                break
            page.keyboard.press("ArrowRight")  # the clicker
            number += 1
        if lesson != lessons[-1]:
            page.keyboard.press("ArrowRight")  # next at the last step: the next planned lesson
    assert not problems, "\n".join(problems)


NIGHT = ("night-a", "night-b")


def night_lessons(root: Path) -> Path:
    """Two short lessons on the phone's home screen (the target is "Tin nhắn", so a tap
    on Zalo is wrong): the class plan."""
    from tests.conftest import lesson_text

    (root / "vi").mkdir(parents=True)
    (root / "topics.yaml").write_text("- id: phone\n  order: 1\n  title: {vi: Điện thoại}\n",
                                      encoding="utf-8")
    (root / "vi" / "night-a.md").write_text(
        lesson_text("night-a", steps=3).replace("title: Bài thử", "title: Bài tối nay"),
        encoding="utf-8")
    (root / "vi" / "night-b.md").write_text(
        lesson_text("night-b", steps=1).replace("title: Bài thử", "title: Bài thứ hai")
        .replace("order: 1", "order: 2"), encoding="utf-8")
    return root


def phone(new_page):
    return new_page(PHONE, is_mobile=True, has_touch=True)


def join_by_code(page, base: str, code: str, name: str) -> None:
    page.goto(base + "/join")
    page.get_by_label("Gõ mã số trên màn chiếu").fill(code)
    page.get_by_role("button", name=re.compile("Vào lớp")).click()
    page.get_by_label("Tên để tình nguyện viên gọi bác").fill(name)
    page.locator("[data-join-submit]").click()
    wait_for_step(page, 1)


def row(board, name: str):
    return board.locator(".board-row", has_text=name)


def test_class_night_four_phones_a_helper_board_and_a_restart(
        server_env, new_page, tmp_path):
    from tests.browser.conftest import LiveServer

    lan = addresses.lan_addresses()
    if not lan:
        pytest.skip("this machine has no non-loopback IPv4 address: phones could not join")
    env = {**server_env, "TRAINER_LESSONS_DIR": str(night_lessons(tmp_path / "lessons")),
           "TRAINER_USE_CDN": "0", "TRAINER_CLASS_POLL_SECONDS": "1"}
    server = LiveServer(tmp_path, env).start()  # `trainer serve`: every network by default
    try:
        run_class_night(server, env, new_page, lan)
    finally:
        server.stop()


def run_class_night(server, env, new_page, lan):
    class_id = setup_class(env["DATABASE_URL"], list(NIGHT), helper=True)

    # The team leader's laptop opens the class at 127.0.0.1: the QR and address use the LAN.
    laptop = new_page({"width": 1366, "height": 768})
    log_in(laptop, server.url)
    laptop.goto(f"{server.url}/volunteer/classes/{class_id}")
    base = laptop.locator("[data-join-base]").inner_text().removesuffix("/join")
    assert base == f"http://{lan[0]}:{server.port}", base
    expect(laptop.locator("[data-local-warning]")).to_have_count(0)
    shot(laptop, "night-class-page-1366")
    code = laptop.locator("[data-code]").get_attribute("data-code")

    # The "Vào lớp" slide on the projector: a big code, the QR, the address, a live count.
    laptop.goto(f"{server.url}/volunteer/classes/{class_id}/welcome")
    code_px = laptop.locator(".welcome-code").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert code_px >= 200
    expect(laptop.locator("[data-join-url]")).to_have_text(f"{base}/join")
    expect(laptop.locator(".welcome-qr")).to_be_visible()
    back_of_the_room(new_page, shot(laptop, "night-welcome-empty-1366"))
    assert laptop.evaluate("document.documentElement.scrollHeight <= innerHeight")

    # Four phones join through that address (never 127.0.0.1).
    names = ["Bà Cúc", "Bà Tư", "Ông Ba", "Bà Dung"]
    phones = {}
    for name in names:
        phones[name] = phone(new_page)
        join_by_code(phones[name], base, code, name)
        assert phones[name].url.startswith(base)
    expect(laptop.locator("[data-count]")).to_have_text("4")
    shot(laptop, "night-welcome-1366")
    assert "Bà Cúc" not in laptop.content()  # no names on the projector

    # The helper volunteer walks the room with the board on a phone.
    helper = phone(new_page)
    log_in(helper, base, "ban")
    helper.goto(f"{base}/volunteer/classes/{class_id}/board")
    expect(helper.locator(".board-row")).to_have_count(4)
    assert helper.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")

    # The presenter: follow me, next; the phones follow.
    laptop.goto(f"{server.url}/volunteer/classes/{class_id}/present")
    laptop.locator("[data-follow-toggle]").click()
    expect(laptop.locator("#stage")).to_have_attribute("data-follow", "on")
    laptop.keyboard.press("ArrowRight")
    expect(laptop.locator("#stage")).to_have_attribute("data-number", "2")
    for name in names:
        wait_for_step(phones[name], 2)
    # nobody who only followed is flagged
    expect(helper.locator('.board-row[data-state="ok"]')).to_have_count(4)
    expect(row(helper, "Ông Ba")).to_contain_text("Bước 2/3", timeout=10_000)  # where the phone is

    # Bà Cúc taps Zalo three times: the board says so, in words.
    cuc = phones["Bà Cúc"]
    for _ in range(3):
        tap(cuc, "app-zalo")
        cuc.wait_for_timeout(150)
    expect(row(helper, "Bà Cúc")).to_have_attribute("data-state", "stuck", timeout=10_000)
    expect(row(helper, "Bà Cúc").locator("[data-wrong-count]")).to_have_text("Sai 3 lần")
    expect(row(helper, "Bà Cúc").locator("[data-last-wrong]")).to_contain_text("bấm Zalo")
    expect(helper.locator(".board-row").first).to_contain_text("Bà Cúc")

    # Bà Tư raises her hand: she comes first.
    phones["Bà Tư"].get_by_role("button", name=re.compile("Tôi cần giúp")).click()
    expect(helper.locator(".board-row").first).to_have_attribute("data-state", "hand",
                                                                 timeout=10_000)
    expect(helper.locator(".board-row").first).to_contain_text("Bà Tư")
    shot(helper, "night-board-phone")

    board = new_page({"width": 1366, "height": 768})  # the same board on the laptop
    log_in(board, server.url)
    board.goto(f"{server.url}/volunteer/classes/{class_id}/board")
    expect(board.locator(".board-row").first).to_contain_text("Bà Tư")
    shot(board, "night-board-laptop")

    # "Cho xem trên máy bác": Bà Cúc's phone shows where to tap.
    row(helper, "Bà Cúc").locator("[data-send-show]").click()
    expect(cuc.locator('#step [data-target="app-messages"].show-me')).to_be_visible(
        timeout=10_000)
    expect(phones["Ông Ba"].locator("#step .show-me")).to_have_count(0)
    shot(cuc, "night-show-me-phone")

    # "Đã giúp" clears both rows.
    row(helper, "Bà Tư").locator("[data-helped]").click()
    expect(row(helper, "Bà Tư")).to_have_attribute("data-state", "ok")
    row(helper, "Bà Cúc").locator("[data-helped]").click()
    expect(row(helper, "Bà Cúc")).to_have_attribute("data-state", "ok")

    # A shared phone: Bà Dung's husband joins on her phone as himself.
    dung = phones["Bà Dung"]
    dung.goto(f"{base}/join/{code}")
    expect(dung.get_by_role("button", name=re.compile("Tôi là Bà Dung"))).to_be_visible()
    shot(dung, "night-shared-phone")
    dung.get_by_label("Tên để tình nguyện viên gọi bác").fill("Ông Hùng")
    dung.locator("[data-join-submit]").click()
    dung.wait_for_selector("#step")
    expect(helper.locator(".board-row")).to_have_count(5)
    expect(row(helper, "Bà Dung")).to_have_count(1)  # she is still there

    # The server restarts mid-class: the presenter says so, then carries on.
    server.stop()
    laptop.keyboard.press("ArrowRight")
    expect(laptop.locator("#presenter-offline")).to_be_visible(timeout=10_000)
    shot(laptop, "night-presenter-offline")
    server.start()
    expect(laptop.locator("#presenter-offline")).to_be_hidden(timeout=15_000)
    expect(laptop.locator("#stage")).to_have_attribute("data-number", "2")
    laptop.keyboard.press("ArrowRight")
    expect(laptop.locator("#stage")).to_have_attribute("data-number", "3")
    for name in ("Bà Cúc", "Bà Tư", "Ông Ba"):
        wait_for_step(phones[name], 3)

    # A second presenter window (the helper's) stays in sync.
    second = new_page({"width": 1024, "height": 768})
    log_in(second, base, "ban")
    second.goto(f"{base}/volunteer/classes/{class_id}/present")
    expect(second.locator("#stage")).to_have_attribute("data-number", "3")

    # Bà Tư goes ahead, to the end of the lesson: she is asked, not pulled back.
    tu = phones["Bà Tư"]
    tap(tu, "app-messages")
    tu.locator(".btn-next").click()
    tu.wait_for_url(re.compile(r"/lessons/night-a/done"))
    expect(tu.locator("[data-follow-go]")).to_be_visible(timeout=10_000)
    tu.wait_for_timeout(2500)
    assert tu.url.endswith("/lessons/night-a/done")
    tu.locator("[data-follow-stay]").click()
    expect(tu.locator("[data-follow-go]")).to_have_count(0)
    for number in (1, 2):  # she catches up on the steps she only watched
        tu.goto(f"{base}/lessons/night-a/{number}")
        tap(tu, "app-messages")
        expect(tu.locator(".btn-next")).to_be_visible()
    tu.goto(f"{base}/lessons/night-a/done")
    # "Bài tiếp theo" follows the class plan
    tu.get_by_role("link", name=re.compile("Bài tiếp theo: Bài thứ hai")).click()
    wait_for_step(tu, 1)
    tap(tu, "app-messages")

    # Next at the last step goes on to the next planned lesson, in both windows.
    laptop.keyboard.press("ArrowRight")
    expect(laptop.locator("#stage")).to_have_attribute("data-lesson", "night-b")
    expect(second.locator("#stage")).to_have_attribute("data-lesson", "night-b", timeout=10_000)

    # Certificates for the whole class: one A5 page each for those who finished.
    laptop.goto(f"{server.url}/volunteer/classes/{class_id}/certificates")
    expect(laptop.locator("[data-certificate]")).to_have_count(1)
    expect(laptop.locator("[data-certificate]")).to_contain_text("Bà Tư")
    pdf = laptop.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "night-certificates.pdf").write_bytes(pdf)
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert (round(width), round(height)) == (420, 595)  # A5: 148 × 210 mm
    text = "".join(pages[0].extract_text().split()).casefold()  # pypdf spaces out diacritics
    for words in ("Đoàn TN phường An Bình", "Bà Tư", "đã hoàn thành các bài của lớp",
                  "Ký, ghi rõ họ tên"):
        assert "".join(words.split()).casefold() in text, words

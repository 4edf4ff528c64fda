"""Issue 15 on a 360×640 touch phone: the activation lesson done with typos (each slip
named, what she typed kept), the resume code bringing her progress to a fresh phone, a home
page at most three screens tall, "Bài tiếp theo" in the suggested order, and scam screens
that look like a real phone's (screenshots in test-artifacts/ to look at)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE, shot, wait_for_step
from tests.browser.test_vneid_lessons import _lesson, answer_right

MOBILE = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
HOME_MAX = 1920  # three screens of a 360×640 phone


def _feedback(page) -> str:
    return " ".join(page.locator("#step .feedback").inner_text().split())


def _type(page, text: str) -> None:
    page.locator('#step input[name="answer"]').fill(text)
    page.locator("#step .device-form .vn-primary").first.tap()


def _look(thing, name: str) -> None:
    """A screenshot of a page's first screen or of one element (not in the repository)."""
    ARTIFACTS.mkdir(exist_ok=True)
    thing.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def test_activation_with_typos_then_a_fresh_phone_with_the_resume_code(server, new_page):
    lesson = _lesson("vneid-activate")
    page = new_page(**MOBILE)
    page.goto(server.url + "/")
    expect(page.locator(".start-tile")).to_contain_text("Bắt đầu ở đây")
    assert _height(page) <= HOME_MAX
    shot(page, "home-new-learner-360")
    page.goto(server.url + "/lessons/vneid-activate")
    for number in range(1, 8):
        wait_for_step(page, number)
        step = lesson.steps[number - 1]
        if step.key == "type-id":  # one wrong digit: named, kept, no accusation
            _type(page, "000158012346")
            expect(page.locator("#step .feedback.try")).to_be_visible()
            assert "Số thứ 12: thẻ ghi “5”, bác gõ “6”." in _feedback(page)
            assert "không nhập số thật" not in _feedback(page)
            field = page.locator('#step input[name="answer"]')
            expect(field).to_have_value("000158012346")
            shot(page, "typing-one-wrong-digit-360")
            field.fill("000158012345")
            page.locator("#step .device-form .vn-primary").first.tap()
        elif step.key == "type-phone":  # what the real app accepts: +84 and spaces
            _type(page, "+84 123 456 789")
        elif step.key == "type-otp":  # a missing digit
            _type(page, "48291")
            assert "Số thứ 6 còn thiếu: “5”." in _feedback(page)
            expect(page.locator('#step input[name="answer"]')).to_have_value("48291")
            _type(page, "482915")
        else:
            answer_right(page, lesson, step)
        page.wait_for_selector("#step.is-finished")
        page.locator("#step .btn-next").tap()
    wait_for_step(page, 8)

    # Back home: "Học tiếp" at the top; she takes a code for another phone.
    page.goto(server.url + "/")
    start = page.locator(".start-tile")
    expect(start).to_contain_text("Học tiếp")
    expect(start).to_contain_text("Bước 8/12")
    assert _height(page) <= HOME_MAX
    shot(page, "home-returning-learner-360")
    page.get_by_role("button", name=re.compile("Lấy mã để học tiếp")).tap()
    code = page.locator(".resume-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{3} [A-Z0-9]{3}", code)
    shot(page, "resume-code-360")

    # A fresh phone: nothing yet; the code brings everything back.
    other = new_page(**MOBILE)
    other.goto(server.url + "/")
    expect(other.locator(".start-tile")).to_contain_text("Bắt đầu ở đây")
    other.get_by_role("link", name=re.compile("Bác đã có mã học tiếp")).tap()
    other.locator("#resume-code").fill("ZZZZZZ")
    other.get_by_role("button", name=re.compile("Học tiếp")).tap()
    expect(other.locator(".feedback")).to_contain_text("Mã này chưa đúng")
    expect(other.locator("#resume-code")).to_have_value("ZZZZZZ")
    other.locator("#resume-code").fill(code.lower())  # small letters and a space are fine
    other.get_by_role("button", name=re.compile("Học tiếp")).tap()
    start = other.locator(".start-tile")
    expect(start).to_contain_text("Bước 8/12")
    start.tap()
    wait_for_step(other, 8)

    # She finishes on the new phone, with a case slip in the password.
    for number in range(8, len(lesson.steps) + 1):
        wait_for_step(other, number)
        step = lesson.steps[number - 1]
        if step.key == "type-password":
            _type(other, "tapluyen@2025")
            assert "Chữ T và chữ L viết hoa." in _feedback(other)
            expect(other.locator('#step input[name="answer"]')).to_have_value("tapluyen@2025")
            shot(other, "typing-capitals-360")
            _type(other, "TapLuyen@2025")
        else:
            answer_right(other, lesson, step)
        other.wait_for_selector("#step.is-finished")
        other.locator("#step .btn-next").tap()
    other.wait_for_selector(".done-page")
    nxt = other.get_by_role("link", name=re.compile("Bài tiếp theo"))
    expect(nxt).to_contain_text("Đăng nhập và đăng nhập trên điện thoại mới")
    expect(other.locator(".resume-code-inline")).to_have_text(code)  # her code, to write down
    shot(other, "done-next-lesson-360")


def test_scam_tile_page_and_screens_that_look_real(server, new_page):
    page = new_page(**MOBILE)
    page.goto(server.url + "/")
    page.locator(".tile-scams").tap()
    expect(page.locator("h1")).to_have_text("Nhận biết lừa đảo")
    expect(page.locator('[data-lesson="scam-cong-an-vneid-muc-2"]')).to_be_visible()
    _look(page, "scams-page-360-top")  # the first screen, as she sees it

    page.goto(server.url + "/lessons/scam-cong-an-vneid-muc-2/1")
    caller = page.locator("#step .call-from")
    expect(caller).to_have_text("0123 456 701")  # a stranger is a number, as on a real phone
    expect(page.locator("#step .phone")).not_to_contain_text("tự xưng")
    _look(page.locator("#step .phone"), "call-screen-360")

    page.goto(server.url + "/lessons/scam-dien-luc-cat-dien/1")
    qr = page.locator("#step .chat-qr .qr-pic")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 120
    _look(page.locator("#step .phone"), "zalo-qr-360")

    # Spot step: ordinary words are tappable and say so; flags are not marked before.
    page.goto(server.url + "/lessons/scam-dien-luc-cat-dien/2")
    flags = page.locator('#step button.part:not([value="ordinary"])')
    plain = page.locator('#step button.part[value="ordinary"]')
    values = set(flags.evaluate_all("els => els.map(e => e.value)"))
    assert values == {"debt", "deadline", "qr"} and plain.count() >= 1
    bubble = page.locator("#step .bubble-text").first  # a flag and ordinary words side by side
    flags, plain = (bubble.locator('button.part:not([value="ordinary"])'),
                    bubble.locator('button.part[value="ordinary"]'))
    look = "e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).borderBottomStyle," \
           " getComputedStyle(e).backgroundColor, getComputedStyle(e).display," \
           " getComputedStyle(e).fontWeight, getComputedStyle(e).color]"
    assert flags.first.evaluate(look) == plain.first.evaluate(look)
    # the text wraps like text: no piece is pushed onto a line of its own
    assert bubble.evaluate("e => e.getBoundingClientRect().height") <= 4 * 48 + 8
    assert flags.first.bounding_box()["height"] >= 48  # a finger's height
    plain.first.tap()
    expect(page.locator("#step .feedback")).to_contain_text("Chỗ này bình thường")
    flags.first.tap()
    expect(page.locator("#step .spot-part.found")).to_have_count(1)

    # The address bar: one line, the ending whole, the start cut with an ellipsis.
    page.goto(server.url + "/lessons/scam-web-doi-diem/1")
    address = page.locator("#step .address-btn .address")
    box = address.bounding_box()
    line = float(address.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || "
                                  "parseFloat(getComputedStyle(e).fontSize) * 1.3"))
    assert box["height"] <= line * 1.2, "the address wrapped"
    clipped = address.evaluate("e => e.scrollWidth > e.clientWidth")
    right_edge = address.locator("bdi").evaluate("e => e.getBoundingClientRect().right")
    assert not clipped or right_edge <= box["x"] + box["width"] + 1  # the ending is in view
    _look(page.locator("#step .browser"), "web-address-bar-360")
    page.goto(server.url + "/lessons/scam-trang-dichvucong/1")
    real = page.locator("#step .address-btn .address")
    assert real.bounding_box()["height"] <= line * 1.2  # "dichvucong.gov.vn" never splits
    assert not real.evaluate("e => e.scrollWidth > e.clientWidth")  # and fits whole


def test_a_practice_round_names_no_scam_and_offers_no_way_out_before_the_answer(server, new_page):
    page = new_page(**MOBILE)
    page.goto(server.url + "/practice/")
    page.locator(".start-round").tap()
    wait_for_step(page, 1)
    crumb = page.locator("#step .step-count .crumb")
    title = crumb.inner_text()  # still in the page, for after the answer
    expect(crumb).to_be_hidden()
    expect(page.locator(".practice-exit")).to_have_count(0)
    assert title not in page.title()
    expect(page.locator("main")).not_to_contain_text(title, use_inner_text=True)  # not shown
    page.locator("#step .judge-scam, #step .judge-safe").first.tap()
    page.locator("#step .feedback").wait_for()
    if page.locator("#step.is-finished").count():
        expect(crumb).to_be_visible()

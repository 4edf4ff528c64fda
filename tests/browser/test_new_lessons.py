"""A learner plays each lesson added for issue #19 on a 360×640 touch phone, in Vietnamese
and English, to the end: a scam judged wrongly first (gentle feedback, a hint), one wrong
tap answered by "Cho tôi xem", every red flag tapped and explained, the right option
chosen, fields typed on the app's own keypad or box. How to answer comes from the parsed
lesson, so a step the screen cannot answer (a target not drawn, a flag not marked) turns
this red; the assertions at the end of each walk check what the lesson teaches."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    LIBRARY,
    PHONE,
    LiveServer,
    answer_right,
    phone_shot,
    plain,
    tap,
    wait_for_step,
)
from trainer.content.lesson import Choose, Judge, Lesson, Spot, Step, Tap
from trainer.screens import SCREENS

NEW = ("scam-bts-gia-ngan-hang", "scam-giay-phat-nguoi-qr", "vneid-tai-khoan-an-sinh",
       "vneid-bao-lua-dao", "vneid-kham-benh")
SHOW_ME = re.compile("Cho tôi xem|Show me")


def wrong_then_show_me(page, lesson: Lesson, n: int, step: Step) -> bool:
    """A wrong tap on another button the screen shows: gentle feedback, every hint, then
    "show me" points at the right target. False when the screen shows no other button."""
    drawn = SCREENS[step.screen].targets_for(lesson.state_at(n), spans=False)
    shown = [t for t in sorted(drawn - {step.interaction.target, "home", "back"})
             if page.locator(f'#step [data-target="{t}"]').first.is_visible()]
    if not shown:
        return False
    tap(page, shown[0])
    expect(page.locator("#step .feedback.try, #step .feedback.warn")).to_be_visible()
    hints = page.locator("#step .hint")
    while page.locator("#step .btn-hint").count():
        before = hints.count()
        page.locator("#step .btn-hint").click()
        expect(hints).to_have_count(before + 1)
    page.get_by_role("button", name=SHOW_ME).click()
    expect(page.locator(f'#step [data-target="{step.interaction.target}"].show-me')).to_be_visible()
    return True


def walk(page, server: LiveServer, lesson: Lesson, locale: str) -> None:
    page.context.add_cookies([{"name": "lang", "value": locale, "url": server.url}])
    page.goto(f"{server.url}/lessons/{lesson.id}")
    shown_me = locale != "vi"  # one wrong tap and "show me" per lesson, in Vietnamese
    for n, step in enumerate(lesson.steps):
        wait_for_step(page, n + 1)
        expect(page.locator("#step .practice-marker")).to_be_visible()
        # nothing wider than the phone: no sideways scrolling for a learner
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone_shot(page, f"new-{lesson.id}-{locale}-{n + 1:02d}")
        i = step.interaction
        if isinstance(i, Judge) and i.answer == "scam":  # judged "safe" by mistake first
            page.locator("#step .judge-safe").click()
            expect(page.locator("#step .feedback.try")).to_be_visible()
            expect(page.locator("#step .hint")).to_have_count(1)
        if not shown_me and isinstance(i, Tap) and wrong_then_show_me(page, lesson, n, step):
            shown_me = True
            phone_shot(page, f"new-{lesson.id}-{locale}-{n + 1:02d}-show-me")
        answer_right(page, lesson, step)
        page.locator("#step .btn-next").click()
    page.wait_for_selector(".done-page")
    if any(isinstance(s.interaction, Tap) for s in lesson.steps):
        assert shown_me, f"{lesson.id}: no tap step had a wrong button to try"


def right_options(lesson: Lesson) -> list[str]:
    return [plain(o.text, None).lower() for s in lesson.steps if isinstance(s.interaction, Choose)
            for o in s.interaction.options if o.correct]


def test_every_new_lesson_has_an_english_twin_with_the_same_steps():
    for lesson_id in NEW:
        vi, en = LIBRARY.lessons[(lesson_id, "vi")], LIBRARY.lessons[(lesson_id, "en")]
        assert [s.key for s in vi.steps] == [s.key for s in en.steps], lesson_id
        assert [s.screen for s in vi.steps] == [s.screen for s in en.steps], lesson_id


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("lesson_id", NEW)
def test_learner_plays_a_new_lesson_to_the_end_on_a_phone(module_server, new_page, lesson_id,
                                                          locale):
    lesson = LIBRARY.lessons[(lesson_id, locale)]
    page = new_page(PHONE, is_mobile=True, has_touch=True)
    walk(page, module_server, lesson, locale)


def test_fake_bts_text_is_checked_in_the_bank_app_not_by_its_sender_name():
    """The sender's name and the bank's own thread prove nothing; the learner opens the
    bank app herself and looks at the balance (issue #19)."""
    for locale, app, proof in (("vi", "ứng dụng ngân hàng", "không chứng minh"),
                               ("en", "bank app", "do not prove")):
        lesson = LIBRARY.lessons[("scam-bts-gia-ngan-hang", locale)]
        judge = next(s.interaction for s in lesson.steps if isinstance(s.interaction, Judge))
        spot = next(s.interaction for s in lesson.steps if isinstance(s.interaction, Spot))
        assert judge.answer == "scam" and proof in plain(spot.flags["brand"], None).lower()
        assert any(app in o and ("số dư" in o or "balance" in o) for o in right_options(lesson))
        taps = [s.interaction.target for s in lesson.steps if isinstance(s.interaction, Tap)]
        assert taps == ["app-nganhang", "xem-so-du"]


def test_fake_fine_letter_is_looked_up_at_the_police_site_and_its_qr_never_scanned():
    for locale in ("vi", "en"):
        lesson = LIBRARY.lessons[("scam-giay-phat-nguoi-qr", locale)]
        judge = next(s.interaction for s in lesson.steps if isinstance(s.interaction, Judge))
        spot = next(s.interaction for s in lesson.steps if isinstance(s.interaction, Spot))
        assert judge.answer == "scam" and "qr" in spot.flags
        right = right_options(lesson)
        assert "csgt.bocongan.gov.vn" in right[0] and "dichvucong.gov.vn" in right[1]
        assert not any("quét" in o and "không" not in o for o in right)


def test_the_fake_social_insurance_call_is_hung_up_and_the_account_entered_in_vneid():
    """A 'BHXH' call asking to update the payment account is a scam; the account is entered
    by the learner herself: An sinh xã hội → Tài khoản hưởng an sinh xã hội → bank, number,
    Xác nhận (VnExpress 31/08/2025)."""
    lesson = LIBRARY.lessons[("vneid-tai-khoan-an-sinh", "vi")]
    judge = next(s.interaction for s in lesson.steps if isinstance(s.interaction, Judge))
    assert judge.answer == "scam" and "1900 9068" in judge.why
    taps = [s.interaction.target for s in lesson.steps if isinstance(s.interaction, Tap)]
    assert taps == ["hang-up", "app-vneid", "social-security", "payment-account",
                    "choose-bank", "bank-agribank", "confirm"]
    assert lesson.state_at(len(lesson.steps) - 1)["ss_sent"] is True


def test_after_a_scam_the_bank_is_called_before_the_report_in_vneid():
    lesson = LIBRARY.lessons[("vneid-bao-lua-dao", "vi")]
    right = right_options(lesson)
    assert "ngân hàng" in right[0] and "phong tỏa" in right[0]  # first: freeze
    assert "bất kỳ cơ quan công an" in right[1] and "vneid" in right[1]
    assert any("tinnhiemmang.vn/website-lua-dao" in o for o in right)
    assert any("5656" in o for o in right)
    keys = [s.key for s in lesson.steps]
    assert keys.index("call-bank") < keys.index("open-petitions") < keys.index("send")
    assert "duy nhất" not in " ".join(right) and "chỉ công an" not in " ".join(right)


def test_the_health_card_is_shown_from_the_wallet_and_the_health_book_replaces_paper():
    lesson = LIBRARY.lessons[("vneid-kham-benh", "vi")]
    taps = [s.interaction.target for s in lesson.steps if isinstance(s.interaction, Tap)]
    assert taps[:2] == ["tab-wallet", "health-card"]  # bottom menu, then the card
    keys = [s.key for s in lesson.steps]
    assert keys.index("open-health-card") < keys.index("passcode")  # choose, then passcode
    assert "health-book" in taps and "visits" in taps and "prescriptions" in taps

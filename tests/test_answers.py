"""Answer checking: what counts as right, and what is recorded (never typed text)."""

from __future__ import annotations

from trainer.answers import Difference, Submission, check, differences
from trainer.content.lesson import Choose, Judge, Option, Read, Spot, Step, Tap, Type, freeze
from trainer.content.practice_card import CARDS, looks_real


def make(interaction, wrong=None) -> Step:
    return Step(key="s", heading="h", body_md="", screen="phone.home", interaction=interaction,
                line=1, wrong_md=freeze(wrong or {}))


def test_tap_right_and_wrong_with_author_feedback():
    step = make(Tap("app-messages"), {"app-phone": "Đó là Điện thoại.", "default": "Chưa đúng."})
    assert check(step, Submission(target="app-messages")).correct
    wrong = check(step, Submission(target="app-phone"))
    assert not wrong.correct and wrong.feedback == "Đó là Điện thoại." and wrong.counts
    assert check(step, Submission(target="app-zalo")).feedback == "Chưa đúng."


def test_typing_compares_after_nfc_and_optionally_ignores_case_and_diacritics():
    nfd = "Me\u0323 bie\u0302\u0301t ro\u0302\u0300i"  # "Mẹ biết rồi" typed as combining marks
    strict = make(Type(field="reply", answers=("Mẹ biết rồi",)))
    assert check(strict, Submission(text=nfd)).correct
    assert check(strict, Submission(text="  Mẹ   biết rồi ")).correct
    assert not check(strict, Submission(text="me biet roi")).correct
    loose = make(Type(field="reply", answers=("Mẹ biết rồi",), loose=True))
    assert check(loose, Submission(text="ME BIET ROI")).correct
    assert check(make(Type(field="d", answers=("Đà Lạt",), loose=True)),
                 Submission(text="da lat")).correct


def test_typing_accepts_lists_patterns_and_the_practice_card():
    assert check(make(Type(field="f", answers=("Vâng", "Dạ"))), Submission(text="Dạ")).correct
    assert check(make(Type(field="f", pattern=r"\d{6}")), Submission(text="123456")).correct
    card = make(Type(field="id_number", card="id_number"))
    number = CARDS["default"].id_number
    assert check(card, Submission(text=number)).correct
    spaced = " ".join(number[i:i + 3] for i in range(0, 12, 3))
    assert check(card, Submission(text=spaced)).correct  # spaces in a number are fine


def test_a_real_looking_id_or_phone_number_gets_the_practice_card_message():
    step = make(Type(field="id_number", card="id_number"))
    verdict = check(step, Submission(text="079301234567"))
    assert verdict.reason == "practice-card" and not verdict.correct
    assert not verdict.keeps_text and "079301234567" not in verdict.detail
    assert looks_real("0912 345 678") and not looks_real("0123456789")
    assert looks_real("079158012345") and not looks_real("000158012345")


def test_typed_text_is_never_in_the_recorded_detail():
    step = make(Type(field="reply", answers=("Vâng",)))
    for text in ("Vâng", "something private"):
        assert check(step, Submission(text=text)).detail == "typed"


def test_choose_one_and_several():
    one = make(Choose(options=(Option("1", "A", True, "Đúng vì…"),
                               Option("2", "B", False, "Sai vì…"))))
    assert check(one, Submission(options=("1",))).correct
    wrong = check(one, Submission(options=("2",)))
    assert not wrong.correct and wrong.feedback == "Sai vì…"
    assert check(one, Submission(options=("9",))).reason == "empty"  # tampered option
    several = make(Choose(options=(Option("1", "A", True), Option("2", "B", True),
                                   Option("3", "C", False)), several=True))
    assert check(several, Submission(options=("1", "2"))).correct
    assert check(several, Submission(options=("1",))).reason == "not-all"
    assert not check(several, Submission(options=("1", "2", "3"))).correct


def test_judge_accepts_not_sure_as_safe_behaviour():
    step = make(Judge(answer="scam", why_md="Vì có link."))
    assert check(step, Submission(judgement="scam")).correct
    assert check(step, Submission(judgement="unsure")).reason == "unsure"
    assert check(step, Submission(judgement="unsure")).correct
    assert not check(step, Submission(judgement="safe")).correct
    assert check(step, Submission(judgement="bogus")).reason == "empty"


def test_spot_finds_flags_one_by_one_and_reveals_missed_ones():
    step = make(Spot(flags_md=freeze({"link": "Link lạ.", "deadline": "Giục."})))
    first = check(step, Submission(target="link"))
    assert first.correct and not first.finished and first.found == {"link"}
    again = check(step, Submission(target="link"), found=frozenset({"link"}))
    assert again.reason == "spot-again" and not again.counts
    miss = check(step, Submission(target="hello"), found=frozenset({"link"}))
    assert not miss.correct and miss.counts
    done = check(step, Submission(done=True), found=frozenset({"link"}))
    assert done.finished and done.missed == {"deadline"}
    last = check(step, Submission(target="deadline"), found=frozenset({"link"}))
    assert last.finished and last.correct


def test_read_needs_continue_and_ignores_taps_on_the_screen():
    step = make(Read())
    assert check(step, Submission(done=True)).finished
    tapped = check(step, Submission(target="app-phone"))
    assert tapped.reason == "not-here" and not tapped.counts


# --- forgiving typing: near misses say where they differ (issue 15) --------------------------

def test_one_wrong_digit_names_its_place_and_keeps_the_text():
    verdict = check(make(Type(field="id_number", card="id_number")),
                    Submission(text="000158012346"))
    assert verdict.reason == "typo" and not verdict.correct and verdict.keeps_text
    assert verdict.digits
    assert verdict.differences == (Difference("wrong", 12, "5", "6"),)
    assert verdict.detail == "typed"  # what she typed is still never recorded


def test_a_missing_or_extra_digit_is_a_near_miss_too():
    step = make(Type(field="id_number", card="id_number"))
    assert check(step, Submission(text="00015801234")).differences == (
        Difference("missing", 12, "5"),)
    extra = check(step, Submission(text="0001580122345")).differences
    assert len(extra) == 1 and extra[0].kind == "extra" and extra[0].typed == "2"


def test_wrong_case_names_the_letters_to_write_as_capitals():
    step = make(Type(field="password", card="password"))  # TapLuyen@2025
    verdict = check(step, Submission(text="tapluyen@2025"))
    assert verdict.reason == "typo" and verdict.keeps_text and not verdict.digits
    assert verdict.differences == (Difference("case", expected="TL", upper=True),)
    lower = check(step, Submission(text="TAPLuyen@2025")).differences
    assert lower == (Difference("case", expected="ap"),)


def test_what_the_real_app_accepts_is_right():
    phone = make(Type(field="phone", card="phone"))  # 0123456789
    for text in ("+84123456789", "+84 123 456 789", "84123456789", "0123 456 789",
                 "０１２３４５６７８９"):
        assert check(phone, Submission(text=text)).correct, text
    ident = make(Type(field="id_number", card="id_number"))
    assert check(ident, Submission(text="０００１５８０１２３４５")).correct  # full-width digits
    assert check(ident, Submission(text="000 158 012 345")).correct
    assert not check(ident, Submission(text="84158012345")).correct  # +84 is for phones only


def test_the_real_number_warning_only_when_far_and_real_looking():
    ident = make(Type(field="id_number", card="id_number"))
    assert check(ident, Submission(text="000158012346")).reason == "typo"  # near: a slip
    assert check(ident, Submission(text="079301234567")).reason == "practice-card"
    phone = make(Type(field="phone", card="phone"))
    assert check(phone, Submission(text="0912 345 678")).reason == "practice-card"
    assert check(phone, Submission(text="+84 912 345 678")).reason == "practice-card"
    assert check(phone, Submission(text="０９１２３４５６７８")).reason == "practice-card"
    far = check(ident, Submission(text="12345"))  # far, but not shaped like a real ID
    assert far.reason == "far" and not far.keeps_text


def test_near_misses_on_an_authors_answer_are_explained_too():
    otp = make(Type(field="otp", answers=("482915",)))
    verdict = check(otp, Submission(text="482916"))
    assert verdict.reason == "typo" and verdict.differences == (Difference("wrong", 6, "5", "6"),)
    reply = make(Type(field="reply", answers=("Vâng",)), {"default": "Gõ chữ Vâng."})
    wrong = check(reply, Submission(text="something private"))
    assert wrong.reason == "wrong" and wrong.feedback == "Gõ chữ Vâng."


def test_too_many_differences_is_not_a_near_miss():
    assert differences("111111111111", "000158012345") is None
    assert differences("000158012345", "000158012345") is None
    assert differences("0001580123", "000158012345") == (
        Difference("missing", 11, "4"), Difference("missing", 12, "5"))


def test_the_step_page_words_a_near_miss_and_keeps_the_text(client):
    """Through the web: the message names the place, the field keeps what she typed."""
    import html as html_lib
    import re

    from tests.conftest import htmx

    page = htmx(client, "/lessons/vneid-activate/3", answer="000158012346").get_data(
        as_text=True)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "Số thứ 12: thẻ ghi “5”, bác gõ “6”." in " ".join(text.split())
    assert 'value="000158012346"' in page
    assert "không nhập số thật" not in page
    page = htmx(client, "/lessons/vneid-activate/8", answer="tapluyen@2025").get_data(
        as_text=True)
    assert "Chữ T và chữ L viết hoa." in " ".join(
        html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    real = htmx(client, "/lessons/vneid-activate/3", answer="079301234567").get_data(
        as_text=True)
    assert "không nhập số thật" in real and "079301234567" not in real

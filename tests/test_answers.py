"""Answer checking: what counts as right, and what is recorded (never typed text)."""

from __future__ import annotations

from trainer.answers import Submission, check
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
    verdict = check(step, Submission(text="079158012345"))
    assert verdict.reason == "practice-card" and not verdict.correct
    assert "079158012345" not in verdict.detail
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

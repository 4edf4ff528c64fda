"""`trainer check` cannot be fooled: one test per rule, each on a small lesson that
breaks it (the cases issue #18 found passing with 0 problems), and each problem is
one problem, at the line that is wrong, in the author's language."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, front, lesson_text
from trainer.answers import Submission, check
from trainer.content import messages
from trainer.content.lesson import LessonError, Tap
from trainer.content.library import load_library
from trainer.content.parser import parse_lesson

TODAY = dt.date(2026, 11, 30)
TRAINER = str(Path(sys.executable).parent / "trainer")


def step(block: str, heading: str = "Bước", prose: str = "Làm theo.") -> str:
    return f"\n## {heading}\n\n{prose}\n\n```step\n{block.strip()}\n```\n"


def found(text: str, lang: str = "en") -> list[tuple[int, str]]:
    """(line, message) of each problem in ``text``, in ``lang``."""
    with messages.language(lang):
        try:
            parse_lesson(text, "lessons/vi/x.md", "vi", today=TODAY)
        except LessonError as exc:
            return [(p.line, p.message) for p in exc.problems]
    return []


def problem_at(text: str, needle: str) -> str:
    """The message of the one problem in ``text``, which is at the line holding ``needle``."""
    [(line, message)] = found(text)
    assert line == line_of(text, needle)
    return message


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


ZALO = """\
  chat_with: {name: Con trai}
  chat:
    - {id: z1, time: "19:02", text: "Mẹ ơi, [[money: chuyển con 20 triệu]]"}
"""


# --- what the screen really draws ---------------------------------------------------

def test_a_target_from_a_made_up_state_key_is_not_on_the_screen():
    text = front(ZALO + "  family: [{id: con-trai, name: Con trai}]\n") + step(
        "id: a\nscreen: chat.zalo\ntap: con-trai")
    problems = found(text)
    assert (line_of(text, "tap: con-trai"), "The screen chat.zalo does not show 'con-trai' "
            "at this step. Tap one of: back, call, home, send.") in problems
    assert any(line == line_of(text, "family:") and "'family'" in m for line, m in problems)


def test_a_chat_message_id_is_not_a_button():
    text = front(ZALO) + step("id: a\nscreen: chat.zalo\ntap: z1")
    assert [line for line, _ in found(text)] == [line_of(text, "tap: z1")]


def test_tapping_marked_words_outside_a_spot_step_is_refused():
    """ "Show me" would say the target is highlighted with nothing to tap."""
    text = front(ZALO) + step("id: a\nscreen: chat.zalo\ntap: money")
    message = problem_at(text, "tap: money")
    assert "marked words" in message


def test_marks_and_rows_of_another_screen_do_not_count():
    state = ("  sms:\n    - {id: m1, from: Bank, text: '[[link: x.example]] bấm ngay'}\n"
             "    - {id: m2, from: Me, text: 'chào'}\n  open: m2\n")
    text = front(state) + step("id: a\nscreen: phone.sms_thread\nspot:\n"
                               "  link: Đường link lạ, đừng bấm vào.")
    message = problem_at(text, "  link: Đường")
    assert "no marked words 'link'" in message
    # the inbox shows one row per sender: the newest message of each
    text = front(state.replace("Me", "Bank")) + step("id: a\nscreen: phone.sms_inbox\ntap: m1")
    assert "does not show 'm1'" in found(text)[0][1]


def test_the_notification_banner_is_a_button_on_phone_screens():
    state = "  notification: {id: n1, from: Bank, text: Có tin mới}\n"
    assert found(front(state) + step("id: a\nscreen: phone.home\ntap: n1")) == []
    assert found(front(state) + step("id: a\nscreen: portal.home\ntap: n1"))


def test_a_spot_step_must_ask_every_marked_word():
    state = ZALO.replace('"}', ' [[otp: gửi mã OTP]]"}')
    text = front(state) + step("id: a\nscreen: chat.zalo\nspot:\n"
                               "  money: Hỏi chuyển tiền gấp qua tin nhắn.")
    message = problem_at(text, "spot:")
    assert "'otp' are not asked" in message


def test_a_red_flag_is_explained_in_a_sentence():
    text = front(ZALO) + step("id: a\nscreen: chat.zalo\nspot:\n  money: Lạ.")
    message = problem_at(text, "  money: Lạ.")
    assert "not explained" in message


# --- state keys and references ------------------------------------------------------

def test_a_renamed_state_key_is_a_problem_naming_what_the_screen_reads():
    text = front() + step("id: a\nscreen: phone.sms_inbox\nset:\n"
                          "  tin_nhan: [{id: m1, from: A, text: hi}]\nread: ok")
    message = problem_at(text, "tin_nhan:")
    assert "'tin_nhan'" in message and "sms" in message


def test_a_misspelt_state_key_suggests_the_right_one():
    text = front("  notificaton: {id: n1, from: A, text: hi}\n") + step(
        "id: a\nscreen: phone.home\nread: ok")
    message = problem_at(text, "notificaton")
    assert "Did you mean 'notification'?" in message


def test_a_reference_to_a_message_that_does_not_exist():
    text = front("  sms: [{id: gia1, from: A, text: hi}]\n") + step(
        "id: a\nscreen: phone.sms_thread\nset:\n  open: gia2\nread: ok")
    message = problem_at(text, "open: gia2")
    assert "'open: gia2' names no item of 'sms'" in message and "'gia1'?" in message


# --- content rules (were only in tests/test_scam_content.py) -------------------------

@pytest.mark.parametrize("bad, fake", [("0912345678", False), ("0912 345 678", False),
                                       ("vietcombank-sinhtrachoc.com", False),
                                       ("0123 456 789", True), ("nganhang-mau.example", True),
                                       ("dichvucong.gov.vn", True), ("19000368", True),
                                       ("+84 912 345 678", False), ("001099012345", False),
                                       ("12000000", True)])  # an amount, no one's number
def test_numbers_and_addresses_must_be_practice_ones(bad, fake):
    text = front(f"  chat: [{{id: z1, time: '19:02', text: 'Gọi {bad} nhé'}}]\n") + step(
        "id: a\nscreen: chat.zalo\nread: ok")
    problems = found(text)
    if fake:
        assert problems == []
    else:
        [(line, message)] = problems
        assert line == line_of(text, bad) and "may be a real" in message


def test_a_source_must_be_a_page_not_a_site():
    text = lesson_text().replace("https://example.org/huong-dan", "https://cafef.vn/")
    message = problem_at(text, "url: https://cafef.vn")
    assert "home page" in message
    no_url = lesson_text().replace("    url: https://example.org/huong-dan\n", "")
    assert "has no 'url:'" in found(no_url)[0][1]


def test_checked_is_not_in_the_future_nor_older_than_the_newest_source():
    future = lesson_text().replace("checked: 2026-11-20", "checked: 2026-12-01")
    [(line, message)] = found(future)
    assert line == line_of(future, "checked:") and "in the future" in message
    dated = lesson_text().replace("title: Nguồn thử", "title: 'Soha, 25/11/2026: Bài báo'")
    [(line, message)] = found(dated)
    assert "before the newest source (2026-11-25)" in message
    assert found(dated.replace("checked: 2026-11-20", "checked: 2026-11-25")) == []


# --- one problem per mistake, at its line -------------------------------------------

def test_one_unquoted_colon_in_the_front_matter_is_one_problem_at_its_line():
    text = lesson_text().replace("title: Bài thử", "title: Bước 1: mở tin nhắn")
    message = problem_at(text, "title: Bước 1")
    assert 'title: "Bước 1: mở tin nhắn"' in message


def test_a_missing_closing_fence_is_reported_at_its_block_not_the_next_step():
    text = lesson_text(steps=3)
    lines = text.split("\n")
    closing = [n for n, line in enumerate(lines) if line == "```"][0]
    del lines[closing]
    text = "\n".join(lines)
    message = problem_at(text, "```step")
    assert "not closed" in message
    assert f"after line {closing}" in message


def test_a_broken_step_invents_no_problems_in_the_steps_after_it():
    text = front("  sms: [{id: m1, from: A, text: hi}]\n") + step(
        "id: a\nscreen: phone.sms_inbox\nset: [broken\nread: ok") + step(
        "id: b\nscreen: phone.sms_inbox\ntap: m1")
    message = problem_at(text, "set: [broken")
    assert "'['" in message


def test_an_unquoted_time_stays_the_time_it_says():
    text = front("  chat: [{id: z1, time: 10:42, text: hi}]\n") + step(
        "id: a\nscreen: chat.zalo\nread: ok")
    lesson = parse_lesson(text, "x.md", "vi", today=TODAY)
    assert lesson.state["chat"][0]["time"] == "10:42"


def test_a_copied_lesson_that_keeps_its_id_is_reported_on_the_copy(lessons_dir):
    original = lessons_dir("vi/zz-original.md", lesson_text("same"))
    os.utime(original, (1, 1))  # written long before the copy
    lessons_dir("vi/aa-copy.md", lesson_text("same"))
    library = load_library(lessons_dir.root)
    [problem] = library.problems
    assert problem.path.endswith("vi/aa-copy.md") and "zz-original.md" in problem.message
    assert library.lessons[("same", "vi")].path.endswith("zz-original.md")


# --- translations teach the same thing ----------------------------------------------

SCAM = """
## Tin này là gì?

Đọc tin.

```step
id: judge
screen: phone.sms_thread
judge:
  answer: scam
  why: Tin giả.
```

## Làm gì?

Chọn.

```step
id: act
screen: phone.sms_thread
choose:
  - text: Xoá tin
    correct: true
  - text: Bấm link
```

## Mở tin

Bấm.

```step
id: open
screen: phone.sms_inbox
tap: m1
```
"""
SCAM_STATE = "  sms: [{id: m1, from: A, text: hi}]\n  open: m1\n"


@pytest.mark.parametrize("change, aspect", [
    (("answer: scam", "answer: safe"), "judge"),
    (("    correct: true\n  - text: Bấm link", "  - text: Bấm link\n    correct: true"),
     "choose"),
    (("tap: m1", "tap: back"), "tap"),
])
def test_a_translation_that_teaches_otherwise_fails(lessons_dir, change, aspect):
    vi = front(SCAM_STATE) + SCAM
    lessons_dir("vi/s.md", vi)
    lessons_dir("en/s.md", vi.replace(*change))
    library = load_library(lessons_dir.root, today=TODAY)
    with messages.language("en"):
        [problem] = [p.message for p in library.problems]
    assert f"in {aspect}:" in problem
    assert ("x", "en") not in library.lessons  # learners get the Vietnamese meanwhile


def test_a_translation_with_a_dropped_red_flag_or_another_id_fails(lessons_dir):
    vi = front(ZALO.replace('"}', ' [[otp: mã OTP]]"}')) + step(
        "id: a\nscreen: chat.zalo\nspot:\n  money: Hỏi chuyển tiền gấp qua tin.\n"
        "  otp: Không ai được hỏi mã OTP.")
    lessons_dir("vi/s.md", vi)
    lessons_dir("en/s.md", vi.replace("  otp: Không ai được hỏi mã OTP.\n", "").replace(
        " [[otp: mã OTP]]", " mã OTP"))
    lessons_dir("vi/t.md", lesson_text("tin-nhan"))
    lessons_dir("en/t.md", lesson_text("messages"))
    with messages.language("en"):
        problems = sorted(p.message for p in load_library(lessons_dir.root,
                                                          today=TODAY).problems)
    assert len(problems) == 2
    assert any("in spot: money here, money, otp there" in p for p in problems)
    assert any("The id 'messages' differs from 'tin-nhan'" in p for p in problems)


# --- tap lists --------------------------------------------------------------------

def test_tap_accepts_a_list_of_right_targets():
    state = "  notification: {id: n1, from: Bank, text: Có tin mới}\n"
    lesson = parse_lesson(front(state) + step(
        "id: a\nscreen: phone.home\ntap: [app-messages, n1]"), "x.md", "vi", today=TODAY)
    tap = lesson.steps[0].interaction
    assert tap == Tap("app-messages", ("n1",))
    for target in ("app-messages", "n1"):
        assert check(lesson.steps[0], Submission(target=target)).correct
    assert not check(lesson.steps[0], Submission(target="app-zalo")).correct
    assert "does not show 'n2'" in found(front(state) + step(
        "id: a\nscreen: phone.home\ntap: [app-messages, n2]"))[0][1]


# --- the author's language, and the lessons folder ----------------------------------

def test_problems_are_in_vietnamese_by_default_with_the_line(lessons_dir):
    text = lesson_text().replace("tap: app-messages", "tap: app-mesages")
    lessons_dir("vi/x.md", text)
    env = {**os.environ, "LANG": "C.UTF-8", "TRAINER_LESSONS_DIR": str(lessons_dir.root)}
    cli = [TRAINER, "check"]
    vi = subprocess.run(cli, capture_output=True, text=True, env=env, cwd=ROOT)
    line = line_of(text, "tap: app-mesages")
    assert vi.returncode == 1
    assert f"x.md:{line}: Màn hình phone.home không hiện 'app-mesages' ở bước này." in vi.stderr
    assert "Có phải ý bạn là 'app-messages'?" in vi.stderr
    en = subprocess.run([*cli, "--lang", "en"], capture_output=True, text=True, env=env,
                        cwd=ROOT)
    assert f"x.md:{line}: The screen phone.home does not show 'app-mesages'" in en.stderr
    env["LANG"] = "en_GB.UTF-8"
    assert "Did you mean" in subprocess.run(cli, capture_output=True, text=True, env=env,
                                            cwd=ROOT).stderr


def test_trainer_new_writes_into_the_lessons_dir_of_the_environment(lessons_dir):
    env = {**os.environ, "TRAINER_LESSONS_DIR": str(lessons_dir.root)}
    done = subprocess.run([TRAINER, "new", "phone", "thu-moi"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert (lessons_dir.root / "vi" / "thu-moi.md").is_file()


def test_a_screen_registered_without_its_reads_is_checked_as_before():
    """A screen from code that does not declare what it reads (reads=None) draws every
    item id and mark of the state, and its lessons' state keys are not judged."""
    from trainer.screens import SCREENS, register

    register("test.undeclared", "Test", targets=["ok"])
    try:
        text = front("  anything: [{id: row1, text: '[[flag: chữ]]'}]\n") + step(
            "id: a\nscreen: test.undeclared\ntap: row1")
        assert found(text) == []
        assert "does not show 'row2'" in found(text.replace("tap: row1", "tap: row2"))[0][1]
    finally:
        del SCREENS["test.undeclared"]


def test_a_pattern_that_repeats_a_repeat_is_a_problem_at_its_line(lessons_dir):
    """(a+)+$ stalls the server for seconds on 26 characters that almost match (#20)."""
    from trainer.content.library import load_library

    step = ("```step\nid: type-it\nscreen: vneid.login\ntype:\n  field: id_number\n"
            "  pattern: '(a+)+$'\n```\n")
    text = lesson_text(steps=1) + "\n## Gõ\n\nGõ.\n\n" + step
    lessons_dir("vi/x.md", text)
    problems = [p for p in load_library(lessons_dir.root).problems if "(a+)+" in p.message]
    assert len(problems) == 1 and problems[0].line == line_of(text, "pattern:")

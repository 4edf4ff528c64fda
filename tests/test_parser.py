"""The lesson parser and validator: every problem names file:line and says what to do."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import FRONT, TAP_STEP, lesson_text
from trainer.content import messages
from trainer.content.lesson import Choose, Judge, LessonError, Read, Spot, Tap, Type
from trainer.content.library import load_library
from trainer.content.parser import _Collector, load_yaml, parse_lesson


@pytest.fixture(autouse=True)
def english():
    """These tests read the English messages (Vietnamese is the default: test_check_rules)."""
    with messages.language("en"):
        yield


def problems(text: str) -> list[str]:
    with pytest.raises(LessonError) as err:
        parse_lesson(text, "lessons/vi/x.md", "vi")
    return [str(p) for p in err.value.problems]


def one_problem(text: str) -> tuple[int, str]:
    found = problems(text)
    assert len(found) == 1, found
    _, line, message = found[0].split(":", 2)
    return int(line), message


def step(block: str, heading: str = "Bước", prose: str = "Làm theo.") -> str:
    return f"\n## {heading}\n\n{prose}\n\n```step\n{block.strip()}\n```\n"


def test_parses_a_lesson_into_steps_with_every_interaction_kind():
    text = FRONT.format(id="all-kinds") + "\nGiới thiệu.\n" + step(
        "id: a\nscreen: phone.home\ntap: app-messages") + step(
        "id: b\nscreen: phone.sms_thread\nset:\n"
        "  sms: [{id: m1, from: X, text: 'Hi [[link: x.example]]'}]\n"
        "  open: m1\ntype:\n  field: reply\n  answer: [Vâng, Dạ]\n  loose: true") + step(
        "id: c\nscreen: phone.home\nchoose:\n  - text: Một\n    correct: true\n"
        "  - text: Hai") + step(
        "id: d\nscreen: phone.sms_thread\njudge: scam") + step(
        "id: e\nscreen: phone.sms_thread\nspot:\n  link: Đường link lạ, đừng bấm vào.") + step(
        "id: f\nscreen: phone.home\nread: Tiếp tục")
    lesson = parse_lesson(text, "x.md", "vi")
    kinds = [type(s.interaction) for s in lesson.steps]
    assert kinds == [Tap, Type, Choose, Judge, Spot, Read]
    assert lesson.steps[1].interaction.answers == ("Vâng", "Dạ")
    assert lesson.intro == "<p>Giới thiệu.</p>"
    assert lesson.steps[0].line == FRONT.count("\n") + 4


def test_state_carries_from_step_to_step_and_typed_answers_move_forward():
    text = FRONT.format(id="state") + step(
        "id: a\nscreen: phone.sms_thread\nadd:\n  sms: [{id: m1, from: A, text: one}]\n"
        "type:\n  field: reply\n  answer: Xin chào\n  store: greeting") + step(
        "id: b\nscreen: phone.sms_thread\nadd:\n  sms: [{id: m2, from: A, text: two}]\n"
        "read: ok") + step(
        "id: c\nscreen: phone.sms_inbox\nread: ok")
    lesson = parse_lesson(text, "x.md", "vi")
    assert [m["id"] for m in lesson.state_at(0)["sms"]] == ["m1"]
    assert "greeting" not in lesson.state_at(0)
    assert lesson.state_at(1)["greeting"] == "Xin chào"
    assert [m["id"] for m in lesson.state_at(2)["sms"]] == ["m1", "m2"]


def test_lesson_html_is_sanitised():
    text = FRONT.format(id="xss") + step(
        "id: a\nscreen: phone.home\nread: ok\n"
        "hints: ['<img src=x onerror=alert(1)> hint']",
        prose="<script>alert(1)</script> **Đọc** <a href=\"javascript:alert(1)\">x</a>")
    lesson = parse_lesson(text, "x.md", "vi")
    body = lesson.steps[0].body + lesson.steps[0].hints[0]
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
    assert "<strong>Đọc</strong>" in body


def test_missing_front_matter():
    line, message = one_problem("## Bước\n")
    assert line == 1 and "front matter" in message


def test_front_matter_not_closed():
    line, message = one_problem("---\nid: x\n")
    assert line == 1 and "not closed" in message


def test_yaml_error_in_front_matter_names_its_line():
    text = FRONT.format(id="x").replace("minutes: 3", "minutes: [3") + step(
        "id: a\nscreen: phone.home\nread: ok")
    assert problems(text) == ["lessons/vi/x.md:6: This value contains ':' or starts with '[' "
                              "or '{', so YAML does not read it as text. Put the value in "
                              'quotes: minutes: "[3"']


def test_missing_required_front_matter_field():
    text = FRONT.format(id="x").replace("checked: 2026-11-20\n", "") + step(
        "id: a\nscreen: phone.home\nread: ok")
    line, message = one_problem(text)
    assert "'checked:'" in message


def test_unknown_front_matter_field_suggests_the_right_one():
    text = FRONT.format(id="x").replace("summary:", "sumary: x\nsummary:") + step(
        "id: a\nscreen: phone.home\nread: ok")
    line, message = one_problem(text)
    assert line == 4 and "sumary" in message and "summary" in message


def test_checked_must_be_a_date():
    text = FRONT.format(id="x").replace("checked: 2026-11-20", "checked: last week") + step(
        "id: a\nscreen: phone.home\nread: ok")
    line, message = one_problem(text)
    assert line == 11 and "YYYY-MM-DD" in message


def test_a_step_without_a_step_block():
    text = FRONT.format(id="x") + "\n## Chỉ có chữ\n\nKhông có gì để làm.\n"
    line, message = one_problem(text)
    assert line == FRONT.count("\n") + 2 and "no ```step block" in message


def test_a_step_with_two_step_blocks():
    text = FRONT.format(id="x") + step("id: a\nscreen: phone.home\nread: ok") + \
        "\n```step\nid: b\nscreen: phone.home\nread: ok\n```\n"
    line, message = one_problem(text)
    assert "two step blocks" in message


@pytest.mark.parametrize("block, line, says", [
    pytest.param("id: a\nscreen: phone.home\ntap: app-messages\nread: ok", 10,
                 ["exactly one", "tap, read"], id="a_step_with_two_interactions"),
    pytest.param("id: a\nscreen: phone.home\nhints: [x]", None, ["nothing to do"],
                 id="a_step_with_no_interaction"),
    pytest.param("id: a\nscreen: phone.hom\nread: ok", 8, ["phone.home"],
                 id="unknown_screen_suggests_a_close_name"),
    pytest.param("id: a\nscreen: phone.home\ntap: app-mesages", None,
                 ["does not show 'app-mesages'", "'app-messages'?"],
                 id="a_target_the_screen_does_not_have"),
    pytest.param("id: a\nscreen: phone.sms_thread\ntype:\n  field: id_number\n  card: id_number",
                 None, ["no field 'id_number'", "reply"], id="a_field_the_screen_does_not_have"),
    pytest.param("id: a\nscreen: phone.sms_thread\nspot:\n  link: Đường link lạ, đừng bấm.", None,
                 ["no marked words 'link'"], id="a_spot_flag_that_is_not_marked_in_the_message"),
    pytest.param("id: a\nscreen: phone.home\nread: [unclosed", 9, ["starts with '['"],
                 id="yaml_error_in_a_step_block_points_into_the_block"),
])
def test_a_wrong_step_block_is_named_at_its_line(block: str, line: int | None,
                                                 says: list[str]):
    """The one problem of a lesson whose only step block is wrong: at ``line`` lines
    after the front matter (where the case names it), its message saying each of ``says``."""
    found, message = one_problem(FRONT.format(id="x") + step(block))
    assert line is None or found == FRONT.count("\n") + line
    for words in says:
        assert words in message


def test_step_ids_are_required_and_unique():
    text = FRONT.format(id="x") + step("id: a\nscreen: phone.home\nread: ok") + step(
        "id: a\nscreen: phone.home\nread: ok")
    line, message = one_problem(text)
    assert "'a' is used twice" in message
    text = FRONT.format(id="x") + step("screen: phone.home\nread: ok")
    line, message = one_problem(text)
    assert "no valid 'id:'" in message


@pytest.mark.parametrize("text", [
    "a: 1\nb: [x, 2, 3.5, null, true, ~, 2026-11-20, '7']\nc: {d: [e, {f: g}]}\n",
    "base: &b {x: 1, y: two}\nother:\n  <<: *b\n  y: three\n",  # merge key
    "- &a hello\n- *a\n- [*a, *a]\n",
    "1: one\n2.5: two\nnull: n\n2026-01-01: d\na: 1\na: 2\n",  # keys that are not text
    "x: !!str 5\ny: !!int '7'\ns: !!set {a, b}\n",
    "text: |\n  line one\n  line two\nfolded: >\n  folded\n  text\n",
    "just text", "",
])
def test_yaml_is_read_as_pyyaml_reads_it(text):
    out = _Collector("x.md")
    assert load_yaml(text, 1, out)[0] == yaml.safe_load(text) and not out.problems


def test_yaml_lines_and_an_alias_inside_itself():
    out = _Collector("x.md")
    _, lines = load_yaml("id: a\ntype:\n  field: f\n  answer:\n    - x\n    - y\n", 10, out)
    assert lines.get(("type", "answer"), 0) == 13 and lines.get(("type", "answer", 1), 0) == 15
    assert lines.get(("type", "nope"), 0) == 0 and lines.get(("id", "x"), 0) == 0
    assert load_yaml("x: &r [1, *r]", 4, out)[0] is None
    assert [p.line for p in out.problems] == [4] and "alias" in out.problems[0].message


@pytest.mark.parametrize("value", ["!!int abc", "!!float zz", "!!bool maybe",
                                   "!!timestamp nope"])
def test_a_value_that_does_not_fit_its_type_tag_is_a_problem_at_its_line(value):
    text = FRONT.format(id="x") + step(f"id: a\nscreen: phone.home\ntap: app-messages\n"
                                       f"say: {value}")
    line, message = one_problem(text)
    assert text.splitlines()[line - 1] == f"say: {value}" and "'!!' type tag" in message


def test_numbers_as_answers_must_be_quoted():
    text = FRONT.format(id="x") + step(
        "id: a\nscreen: phone.sms_thread\ntype:\n  field: reply\n  answer: 123456")
    line, message = one_problem(text)
    assert "quotes" in message


def test_choose_needs_a_correct_option_and_judge_a_verdict():
    text = FRONT.format(id="x") + step(
        "id: a\nscreen: phone.home\nchoose:\n  - text: Một\n  - text: Hai")
    assert "correct: true" in one_problem(text)[1]
    text = FRONT.format(id="x") + step("id: a\nscreen: phone.home\njudge: maybe")
    assert "answer: scam" in one_problem(text)[1]


def test_at_most_three_hints():
    text = FRONT.format(id="x") + step("id: a\nscreen: phone.home\nread: ok\nhints: [1, 2, 3, 4]")
    assert "at most 3" in one_problem(text)[1]


def test_every_problem_in_a_file_is_reported_at_once():
    text = FRONT.format(id="x") + step("id: a\nscreen: phone.nope\nread: ok") + step(
        "id: b\nscreen: phone.home\ntap: nothing")
    assert len(problems(text)) == 2


def test_library_reports_duplicates_topics_audio_and_translations(lessons_dir):
    lessons_dir("vi/a.md", lesson_text("same"))
    lessons_dir("vi/b.md", lesson_text("same"))
    lessons_dir("vi/c.md", lesson_text("topicless").replace("topic: phone", "topic: cooking"))
    lessons_dir("vi/d.md", lesson_text("audio").replace("hints:", "audio: missing.mp3\nhints:"))
    lessons_dir("vi/e.md", lesson_text("counted", steps=3))
    lessons_dir("en/e.md", lesson_text("counted", steps=2))
    lessons_dir("vi/f.md", lesson_text("renamed", steps=2))
    lessons_dir("en/f.md", lesson_text("renamed", steps=2).replace("step-2", "step-9"))
    lessons_dir("vi/g.md", "not a lesson")
    library = load_library(lessons_dir.root)
    messages = [str(p) for p in library.problems]
    assert any("b.md:2:" in m and "already used" in m for m in messages)
    assert any("c.md:2:" in m and "Unknown topic 'cooking'" in m for m in messages)
    assert any("d.md:" in m and "missing.mp3" in m for m in messages)
    assert any("en/e.md:" in m and "2 steps but" in m for m in messages)
    assert any("en/f.md:" in m and "'step-9'" in m for m in messages)
    assert any("g.md:1:" in m for m in messages)
    # the broken files are left out; the good ones are served
    assert ("same", "vi") in library.lessons and ("counted", "vi") in library.lessons
    assert ("counted", "en") not in library.lessons
    assert library.get("counted", "en").locale == "vi"  # falls back to Vietnamese


def test_bundled_lessons_are_valid():
    from trainer.config import ROOT

    library = load_library(ROOT / "lessons")
    assert library.problems == []
    assert len(library.lessons) >= 4


def test_the_tap_step_fixture_is_valid():
    assert "app-messages" in TAP_STEP

"""Choosing a practice round: across themes, and missed scenarios coming back
(the Leitner boxes in trainer.practice). Pure functions, no app."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.scam_fixtures import SCENARIOS, THEMES, scenario_text
from trainer import practice
from trainer.content.parser import parse_lesson
from trainer.practice import BoxState, choose, next_box
from trainer.progress import StepStatus


def pool(copies: int = 3) -> list[practice.Scenario]:
    lessons = [parse_lesson(scenario_text(base, f"{base}-{n}"), f"{base}-{n}.md", "vi")
               for base in SCENARIOS for n in range(1, copies + 1)]
    return practice.scenarios(lessons)


def test_scenarios_are_scam_lessons_from_the_judge_step_on():
    scenarios = pool(1)
    assert len(scenarios) == len(SCENARIOS)
    first = scenarios[0]
    kinds = [first.lesson.steps[i].interaction.kind for i in first.steps]
    assert kinds == ["judge", "spot", "choose"]  # the reading step is skipped
    other_topic = parse_lesson(scenario_text("fx-call-police").replace(
        "topic: scams-authorities", "topic: phone"), "x.md", "vi")
    assert practice.scenarios([other_topic]) == []


@pytest.mark.parametrize("seed", range(5))
def test_a_first_round_has_ten_different_scenarios_from_every_theme(seed):
    picked = choose(pool(), {}, 1, random.Random(seed))
    assert len(picked) == 10
    assert len({s.id for s in picked}) == 10
    themes = Counter(s.theme for s in picked)
    assert set(themes) == set(THEMES)
    assert max(themes.values()) - min(themes.values()) <= 1  # evenly mixed


def test_a_small_library_gives_a_shorter_round():
    small = pool(1)[:3]
    assert sorted(s.id for s in choose(small, {}, 1, random.Random(0))) == sorted(
        s.id for s in small)


def test_a_missed_scenario_comes_back_in_the_next_round():
    scenarios = pool()
    first = choose(scenarios, {}, 1, random.Random(1))
    missed, *right = first
    boxes = {missed.id: next_box(None, False, 1)}
    boxes |= {s.id: next_box(None, True, 1) for s in right}
    second = choose(scenarios, boxes, 2, random.Random(2))
    ids = {s.id for s in second}
    assert missed.id in ids
    assert not ids & {s.id for s in right}  # right ones wait; new ones come instead


def test_missed_scenarios_take_precedence_over_new_ones():
    scenarios = pool()
    boxes = {s.id: BoxState(box=1, due_round=4, last_round=3) for s in scenarios[:12]}
    picked = {s.id for s in choose(scenarios, boxes, 4, random.Random(0))}
    assert picked <= {s.id for s in scenarios[:12]}


def test_leitner_boxes_move_up_when_right_and_back_to_one_when_wrong():
    state = next_box(None, True, 1)
    assert (state.box, state.due_round) == (2, 3)  # seen again two rounds later
    state = next_box(state, True, 3)
    assert (state.box, state.due_round) == (3, 7)  # then four rounds later
    assert next_box(state, True, 7).box == 3  # the top box is the last
    state = next_box(state, False, 7)
    assert (state.box, state.due_round) == (1, 8)  # a mistake: back next round


def test_a_scenario_counts_as_right_only_without_any_mistake():
    scenario = pool(1)[0]  # fx-call-police: flags urgent, otp
    judge, spot, act = (scenario.lesson.steps[i].key for i in scenario.steps)
    done = StepStatus(0, 0, False, True, frozenset())

    def status(**changes):
        base = {judge: done, spot: StepStatus(0, 0, False, True, frozenset({"urgent", "otp"})),
                act: done}
        return {**base, **changes}

    assert practice.score(scenario, status()).right
    wrong_judgement = practice.score(scenario, status(**{judge: StepStatus(1, 0, False, True,
                                                                          frozenset())}))
    assert not wrong_judgement.right and wrong_judgement.wrong_answers == 1
    missed = practice.score(scenario, status(**{spot: StepStatus(0, 0, False, True,
                                                                 frozenset({"urgent", "done"}))}))
    assert missed.missed == {"otp"} and not missed.right
    unfinished = practice.score(scenario, status(**{act: StepStatus(0, 0, False, False,
                                                                    frozenset())}))
    assert not unfinished.finished and not unfinished.right


def test_the_chart_draws_one_bar_per_round_scaled_to_the_share_right():
    scores = [practice.RoundScore(1, None, 5, 10), practice.RoundScore(2, None, 10, 10)]
    low, high = practice.chart(scores)
    assert high.height == pytest.approx(2 * low.height)
    assert (low.label, high.value) == ("1", "10/10")

"""Every portal screen renders from its catalogue example, with the practice marker,
its targets as buttons, and the behaviour lessons rely on (errors kept next to the
field, DEMO- codes, search results from the state)."""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.conftest import FRONT
from trainer.screens import SCREENS

PORTAL = sorted(name for name in SCREENS if name.startswith("portal."))


def one_step_lesson(lessons_dir, step_block: str, lesson_id: str = "portal-test") -> str:
    body = FRONT.format(id=lesson_id) + "\n## Bước\n\nLàm theo.\n\n```step\n" + \
        step_block.strip() + "\n```\n"
    lessons_dir("vi/" + lesson_id + ".md", body)
    return lesson_id


@pytest.fixture
def page_for(make_app, lessons_dir):
    """``page_for(step_block)``: the HTML of a one-step lesson showing that step."""
    def render(step_block: str) -> str:
        one_step_lesson(lessons_dir, textwrap.dedent(step_block))
        app = make_app(LESSONS_DIR=str(lessons_dir.root))
        response = app.test_client().get("/lessons/portal-test/1")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response.get_data(as_text=True)
    return render


def test_there_are_portal_screens_and_each_has_an_example():
    assert len(PORTAL) >= 15
    for name in PORTAL:
        assert "screen: " + name in SCREENS[name].example, name


@pytest.mark.parametrize("name", PORTAL)
def test_each_portal_screen_renders_its_example_marked_as_practice(page_for, name):
    html = page_for(SCREENS[name].example)
    assert "practice-marker" in html
    assert f'data-screen="{name}"' in html
    if SCREENS[name].frame == "browser":
        assert "dichvucong.gov.vn" in html and "practice-badge" in html


def test_search_results_come_from_the_state_and_forgive_missing_diacritics(page_for):
    html = page_for("""
        id: s
        screen: portal.procedures
        set:
          search: ly lich tu phap
        tap: proc-ly-lich-tu-phap
    """)
    assert 'data-target="proc-ly-lich-tu-phap"' in html
    assert "Cấp Phiếu lý lịch tư pháp" in html
    assert 'data-target="proc-khai-sinh"' not in html


def test_filters_narrow_the_list_by_field(page_for):
    html = page_for("""
        id: s
        screen: portal.procedures
        set:
          show_filters: true
          filter_field: ho-tich
        tap: proc-khai-sinh
    """)
    names = re.findall(r'data-target="(proc-[a-z\-]+)"', html)
    assert "proc-khai-sinh" in names and "proc-ket-hon" in names
    assert "proc-thuong-tru" not in names


def test_form_error_is_shown_in_words_and_typed_values_are_kept(page_for):
    html = page_for("""
        id: s
        screen: portal.form
        set:
          procedure: khai-sinh
          child_name: Nguyễn Văn An
          form_errors: {child_birth_date: format}
        type:
          field: child_birth_date
          answer: 05/09/2026
    """)
    assert "Ngày chưa đúng dạng" in html
    assert 'value="Nguyễn Văn An"' in html  # what was typed before is still there
    assert html.count('class="req"') >= 4  # required fields are marked *


def test_success_page_shows_a_practice_code(page_for):
    html = page_for("""
        id: s
        screen: portal.success
        set:
          procedure: ly-lich-tu-phap
          dossiers:
            - {id: d1, code: 000.00.00.H99-261124-0002, procedure: ly-lich-tu-phap,
               status: submitted, date: 24/11/2026}
        read: Tiếp tục
    """)
    assert "DEMO-000.00.00.H99-261124-0002" in html


def test_supplement_request_offers_the_supplement_button(page_for):
    html = page_for(SCREENS["portal.dossier"].example.replace("read: Tiếp tục",
                                                                 "tap: supplement"))
    assert "Ảnh giấy chứng sinh bị mờ." in html
    assert 'data-target="supplement"' in html
    assert 'data-target="pay-request"' not in html


def test_captcha_can_be_heard_spelled_out(page_for):
    html = page_for("""
        id: s
        screen: portal.track
        set:
          captcha: K7P4
          captcha_heard: true
        tap: track-submit
    """)
    assert "K, bảy, P, bốn" in html


def test_address_bar_can_be_inspected(page_for):
    html = page_for("""
        id: s
        screen: portal.pay
        set:
          show_address: true
          payment: {purpose: Lệ phí, amount: "200.000"}
        tap: address
    """)
    assert 'data-target="address"' in html
    assert "dichvucong.gov.vn/thanh-toan" in html

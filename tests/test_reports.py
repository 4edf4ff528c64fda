"""The union's figures on an evening with known answers: two volunteers in two teams,
a learner who came to two classes, an empty class, 1-to-1 visits (one person visited
twice), ages, communes typed with and without accents; and the downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from tests.conftest import htmx, lesson_text
from tests.test_classroom import add_volunteer, code_of, join, login, make_class
from trainer.models import Team, Volunteer

TODAY = dt.date.today()


def _team(app, username: str, team: str) -> None:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        found = db.query(Team).filter_by(name=team).one_or_none() or Team(name=team)
        db.add(found)
        db.flush()
        db.query(Volunteer).filter_by(username=username).one().team_id = found.id
        db.commit()
        db.close()


def _client(app, username: str, role: str = "volunteer"):
    add_volunteer(app, username, role)
    c = app.test_client()
    assert login(c, username).status_code == 303
    return c


def visit(c, person: str, year: str, commune: str, kinds: list[str], day: dt.date = TODAY):
    return c.post("/volunteer/visits/new", data={"person": person, "birth_year": year,
                                                 "commune": commune, "kinds": kinds,
                                                 "held_on": day.isoformat()})


@pytest.fixture
def evening(make_app, lessons_dir):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=2))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    an, binh = _client(app, "an"), _client(app, "binh")
    chief = _client(app, "chief", "admin")
    _team(app, "an", "Đội hình A")
    _team(app, "binh", "Đội hình B")
    one = code_of(app, make_class(an, "Lớp Ba Chẽ", commune="Xã Ba Chẽ"))
    two = code_of(app, make_class(an, "Lớp Hồng Gai", commune="Phường Hồng Gai"))
    make_class(binh, "Lớp không ai đến", commune="Xã Ba Chẽ")
    lan = join(app, one, "Bà Lan", "1950")
    ba = join(app, one, "Ông Ba", "1940")
    assert lan.post(f"/join/{two}", data={"name": "Bà Lan", "birth_year": "1950"}
                    ).status_code == 303  # the same person at the second class
    cuc = join(app, two, "Bà Cúc", "1970")
    htmx(lan, "/lessons/test-lesson/1", target="home")  # wrong once
    for n in (1, 2):
        htmx(lan, f"/lessons/test-lesson/{n}", target="app-messages")  # finishes the lesson
    htmx(ba, "/lessons/test-lesson/1", target="back")
    htmx(ba, "/lessons/test-lesson/1", target="home")  # wrong twice
    htmx(cuc, "/lessons/test-lesson/1", target="app-messages")
    assert visit(binh, "Bà N.T.L", "1948", "Xã Ba Chẽ", ["vneid-activate"]).status_code == 200
    assert visit(binh, "bà n.t.l", "1948", "xã ba chẽ", ["level2-appointment"],
                 TODAY - dt.timedelta(days=1)).status_code == 200  # the same person again
    assert visit(an, "Ông H", "", "Phường Hồng Gai", ["scam-advice"]).status_code == 200
    return app, an, binh, chief


def figures(client, **query) -> dict[str, str]:
    query = {"start": (TODAY - dt.timedelta(days=2)).isoformat(), "end": TODAY.isoformat(),
             **query}
    page = client.get("/volunteer/reports/", query_string=query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    found = dict(re.findall(r'data-total="(\w+)"><strong>(\d+)</strong>', html))
    found.update({f"age:{k}": v for k, v in re.findall(r'data-age="([\w+-]+)">(\d+)<', html)})
    return found


def test_the_union_figure_counts_each_person_once_and_empty_classes_not_at_all(evening):
    _app, _an, _binh, chief = evening
    got = figures(chief)
    assert got["classes"] == "2"  # the empty class is not a class held
    assert got["one_to_one"] == "3"
    assert got["activities"] == "5"
    assert got["learners"] == "3"  # Lan came to two classes: once
    assert got["people"] == "5"  # + Bà N.T.L (visited twice) and Ông H
    assert got["lessons"] == "1"
    assert {k: got[f"age:{k}"] for k in ("under-60", "60-69", "70-79", "80+", "unknown")} == {
        "under-60": "1", "60-69": "0", "70-79": "2", "80+": "1", "unknown": "1"}


def test_a_volunteer_sees_only_their_own_work_and_never_anothers_mistakes(evening):
    _app, an, binh, _chief = evening
    assert figures(binh) == {**figures(binh), "classes": "0", "one_to_one": "2", "people": "1"}
    page = binh.get("/volunteer/reports/").get_data(as_text=True)
    assert "Mở tin nhắn" not in page  # Ba's and Lan's wrong taps were in An's classes
    mine = an.get("/volunteer/reports/").get_data(as_text=True)
    assert "Mở tin nhắn" in mine  # the step's heading, not its id
    rows = re.findall(r"<tr><td>Bài thử</td><td>(.*?)</td><td>(\d+)</td></tr>", mine)
    assert rows == [("1. Mở tin nhắn", "3")]  # Lan once + Ba twice, counted once each


def test_breakdowns_by_commune_team_and_a_place_typed_without_accents(evening):
    _app, _an, _binh, chief = evening
    got = figures(chief, place="ba che")  # "Xã Ba Chẽ", typed as people type on a phone
    assert (got["classes"], got["one_to_one"], got["people"]) == ("1", "2", "3")
    got = figures(chief, place="HỒNG GAI")
    assert (got["classes"], got["one_to_one"], got["people"]) == ("1", "1", "3")
    team_a = figures(chief, team=_team_id(evening[0], "Đội hình A"))
    assert (team_a["classes"], team_a["one_to_one"], team_a["people"]) == ("2", "1", "4")


def _team_id(app, name: str) -> str:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        found = str(db.query(Team).filter_by(name=name).one().id)
        db.close()
    return found


def test_the_xlsx_and_csv_carry_the_figures_and_never_a_formula(evening):
    app, an, _binh, chief = evening
    make_class(an, "=HYPERLINK(\"http://evil.example\")", commune="Xã Ba Chẽ")
    query = {"start": TODAY.isoformat(), "end": TODAY.isoformat()}
    r = chief.get("/volunteer/reports/report.xlsx", query_string=query)
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(r.data))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Số người được hỗ trợ"] == 5
    titles = [c for row in book["Các lớp"].iter_rows(values_only=True) for c in row]
    cell = next(c for row in book["Các lớp"].iter_rows() for c in row
                if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # text, not a formula Excel would run
    assert "Lớp Ba Chẽ" in titles
    r = chief.get("/volunteer/reports/report.csv", query_string={**query, "sep": "semicolon"})
    text = r.data.decode("utf-8")
    assert text.startswith("\ufeff") and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert ["Số người được hỗ trợ", "5"] in rows
    assert any(row[1:2] == ["'=HYPERLINK(\"http://evil.example\")"] for row in rows)
    assert ["Bài thử", "1. Mở tin nhắn", "3"] in rows  # titles, not raw ids


@pytest.mark.parametrize("query, words", [
    ({"start": "2026-13-40"}, "Ngày chưa đúng"),
    ({"start": "0001-01-01", "end": "9999-12-31"}, "ngoài khoảng"),
    ({"start": "2020-01-01", "end": TODAY.isoformat()}, "dài quá"),
])
def test_an_absurd_range_gets_words_not_an_error(evening, query, words):
    chief = evening[3]
    for url in ("/volunteer/reports/", "/volunteer/reports/report.xlsx",
                "/volunteer/reports/print"):
        r = chief.get(url, query_string=query)
        assert r.status_code == 400 and words in r.get_data(as_text=True), url


def test_a_reversed_range_is_turned_round_and_said(evening):
    chief = evening[3]
    page = chief.get("/volunteer/reports/", query_string={
        "start": TODAY.isoformat(), "end": (TODAY - dt.timedelta(days=2)).isoformat()})
    assert page.status_code == 200 and "đã đổi chỗ hai ngày" in page.get_data(as_text=True)


@pytest.mark.parametrize("data, words", [
    ({"person": "", "kinds": ["other"]}, "Gõ tên hoặc tên viết tắt"),
    ({"person": "Bà A", "birth_year": "1850", "kinds": ["other"]}, "Năm sinh chưa đúng"),
    ({"person": "Bà A", "birth_year": "20xx", "kinds": ["other"]}, "Năm sinh chưa đúng"),
    ({"person": "Bà A", "kinds": []}, "Chọn ít nhất một việc"),
    ({"person": "Bà A", "kinds": ["hack"]}, "Chọn việc trong danh sách"),
    ({"person": "Bà A", "kinds": ["other"], "held_on": "2031-01-01"}, "không sau hôm nay"),
])
def test_a_visit_that_cannot_be_right_is_refused_in_words(evening, data, words):
    an = evening[1]
    r = an.post("/volunteer/visits/new", data={"held_on": TODAY.isoformat(), **data})
    assert r.status_code == 400 and words in r.get_data(as_text=True)


def test_the_printable_summary_is_one_page_with_a_chart(evening):
    chief = evening[3]
    html = chief.get("/volunteer/reports/print").get_data(as_text=True)
    assert "<svg" in html and "@page" not in html  # the page size lives in the stylesheet
    assert "Xã Ba Chẽ" in html and "Phường Hồng Gai" in html


def test_admins_edit_teams_and_places_seeded_with_quang_ninh(evening):
    app, an, _binh, chief = evening
    page = chief.get("/volunteer/places").get_data(as_text=True)
    assert page.count("Quảng Ninh") >= 54 and "Đặc khu Cô Tô" in page
    r = chief.post("/volunteer/places", data={"team-name": "Đội hình C"})
    assert r.status_code == 200 and "Đội hình C" in r.get_data(as_text=True)
    r = chief.post("/volunteer/places", data={"place-kind": "xã", "place-name": "Mẫu Sơn",
                                              "place-province": "Lạng Sơn"})
    assert "Xã Mẫu Sơn" in r.get_data(as_text=True)
    assert an.get("/volunteer/places").status_code == 403

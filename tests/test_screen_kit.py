"""The screen kit: apps written as YAML under ``lessons/apps`` (trainer/screens/kit.py).

Each component draws from its catalogue example; every id is a target on its own screen
only, given the state; a broken app file is told at ``file:line`` and never stops the rest."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import render_template

from trainer.cli import screens_command
from trainer.config import ROOT
from trainer.content import messages
from trainer.content.authoring.catalogue import components
from trainer.content.lesson import LessonError
from trainer.content.library import load_library
from trainer.content.parser import parse_lesson
from trainer.screens import SCREENS, ScreenUI, targets_for
from trainer.screens.kit import APPS, KINDS, load_apps, unsafe_svg

BUNDLED = ROOT / "lessons" / "apps"


@pytest.fixture
def english():
    """Problems in English (Vietnamese, the default, is test_app_problems_in_the_authors_*)."""
    with messages.language("en"):
        yield


def write_app(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write_demo_app(folder: Path, component: str) -> Path:
    """``demo.yaml``: one screen, ``demo.one``, holding one component (its YAML line)."""
    return write_app(folder, "demo", f"""\
        app: demo
        name: Demo
        screens:
          one:
            title: Demo
            components:
              - {component}
        """)


def draw(app, screen_name: str, state: dict | None = None, ui: ScreenUI | None = None) -> str:
    screen = SCREENS[screen_name]
    with app.test_request_context():
        return render_template(screen.template, screen=screen, s=state or {}, ui=ui or ScreenUI())


# --- Components ---------------------------------------------------------------------------


def test_every_component_draws_from_its_catalogue_example(app):
    entries = components()
    assert [c.kind for c in entries] == list(KINDS)
    for entry in entries:
        with app.test_request_context():
            html = render_template(entry.screen.template, screen=entry.screen, s={}, ui=ScreenUI())
        assert "practice-marker" in html, entry.kind
        drawn = set(re.findall(r'data-target="([^"]+)"', html))
        assert set(entry.targets) <= drawn, entry.kind  # what the kit says is tappable is drawn
        assert drawn - {"back", "home"} <= set(entry.targets), entry.kind  # and nothing more
        for name in entry.fields:
            assert f'data-field="{name}"' in html, entry.kind


def test_the_catalogue_page_shows_components_and_where_screens_are_defined(make_app):
    from tests.test_authors import section, sign_in

    app = make_app()
    client = app.test_client()
    sign_in(app, client)
    html = client.get("/authors/screens").get_data(as_text=True)
    for kind in KINDS:
        part = section(html, "data-kit-component", kind)
        assert 'class="problem"' not in part and "practice-marker" in part, kind
        assert f"- {kind}:" in part  # a copyable example
    zalo = section(html, "data-screen-entry", "zalo.chat")
    assert "lessons/apps/zalo.yaml:" in zalo and 'name-target">goi-video<' in zalo


# --- Targets per screen and state ----------------------------------------------------------


def test_targets_are_the_components_on_that_screen_only():
    assert {"goi-video", "goi-thoai", "gui"} <= SCREENS["zalo.chat"].targets
    assert "goi-video" not in SCREENS["zalo.contacts"].targets
    assert SCREENS["zalo.chat"].fields == {"tin-nhan"}
    # a dialog covers the screen: only its buttons (and the phone's own) can be tapped
    assert targets_for(SCREENS["zalo.camera_permission"], {}) == {
        "cho-phep", "mot-lan", "tu-choi", "back", "home"}


def test_targets_follow_the_state_at_the_step():
    chat = SCREENS["zalo.chat"]
    said = [{"id": "m1", "text": "Mẹ ơi [[money: chuyển tiền]]"},
            {"id": "m2", "link": {"title": "Quà", "address": "qua.example"}}]
    found = chat.targets_for({"zalo_chat": said})
    assert {"money", "m2"} <= found and "m1" not in found  # a plain bubble is no button
    assert "money" not in chat.targets_for({"other_key": said})  # what the screen never reads
    assert "money" not in chat.targets_for({"zalo_chat": said}, spans=False)  # a tap step
    assert "notif" in chat.targets_for({"notification": {"id": "notif", "text": "x"}})
    call = SCREENS["zalo.in_call"]
    assert "net" in call.targets_for({"hinh_mo": True, "loi_goi": ["[[net: mạng yếu]]"]})
    assert "net" not in call.targets_for({"loi_goi": ["[[net: mạng yếu]]"]})  # `when` hides it
    assert SCREENS["zalo.in_call"].reads == {"ban_chat", "hinh_mo", "loi_goi"}


def step_lesson(step: str, state: str = "") -> str:
    return textwrap.dedent(f"""\
        ---
        id: kit-check
        title: Kit
        summary: Kit
        topic: phone
        minutes: 1
        order: 1
        sources: [{{title: Test, url: "https://example.org/huong-dan"}}]
        checked: 2026-11-30
        {state}
        ---

        ## One

        ```step
        """) + textwrap.dedent(step) + "```\n"


def test_a_lesson_cannot_tap_a_target_drawn_on_another_screen():
    parse_lesson(step_lesson("id: a\nscreen: zalo.chat\ntap: goi-video\n"), "x.md", "vi")
    with pytest.raises(LessonError) as caught:
        parse_lesson(step_lesson("id: a\nscreen: zalo.contacts\ntap: goi-video\n"), "x.md", "vi")
    assert "zalo.contacts không hiện 'goi-video'" in str(caught.value.problems[0])


def test_the_home_screen_lists_kit_apps_and_kit_zalo_replaces_the_drawn_one(app):
    html = draw(app, "phone.home")
    for kit_app in APPS.values():
        assert f'data-target="{kit_app.target}"' in html
    assert html.count('data-target="app-zalo"') == 1
    assert {"app-nganhang", "app-vssid", "app-vimau", "app-trolyai"} <= \
        SCREENS["phone.home"].targets


def test_kit_text_is_escaped_and_spans_are_marked(app, tmp_path):
    write_app(tmp_path, "demo", """\
        app: demo
        name: "<b>Demo</b>"
        state:
          ten: "<script>alert(1)</script>"
        screens:
          one:
            title: Demo
            components:
              - text: "Xin chào {ten} [[flag: đáng ngờ]] <img src=x onerror=alert(1)>"
        """)
    assert load_apps(tmp_path) == []
    html = draw(app, "demo.one", ui=ScreenUI(found=frozenset({"flag"})))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert '<mark class="part found">đáng ngờ</mark>' in html
    assert "flag" in SCREENS["demo.one"].targets


# --- Problems in app files -----------------------------------------------------------------


BROKEN = {
    "unknown component": ("- buton: {id: a, label: A}", "Unknown component 'buton'. Did you "
                          "mean 'button'?"),
    "unknown key": ("- button: {id: a, lable: A}", "'button' has no 'lable'. Did you mean "
                    "'label'?"),
    "bad id": ("- button: {id: Tiep Tuc, label: A}", "must be lower-case letters"),
    "missing key": ("- button: {id: a}", "'button' needs 'label:'"),
    "undeclared state": ("- text: \"Chào {ten_ban}\"", "'{ten_ban}' names a state key the app "
                         "does not declare"),
    "yes-no key": ("- switch: {id: a, label: A, on: true}", "YAML reads 'on'"),
    "bad choice": ("- text: {text: A, style: big}", "'style: big' is not one of"),
    "twice": ("- button: {id: b, label: B}\n              - button: {id: b, label: C}",
              "The id 'b' is used twice"),
    "unknown icon": ("- button: {id: a, label: A, icon: bnak}", "Did you mean 'bank'?"),
    "icon alone": ("- tiles: {items: [{id: a, icon: bank}]}", "words beside every icon"),
    "not a number": ("- pinpad: {id: a, length: sáu}", "'length:' is a whole number"),
    "not a list": ("- call: {mode: in-call, controls: end}", "'controls:' is a list"),
}


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_component_is_told_at_its_line_with_a_fix(tmp_path, case):
    component, message = BROKEN[case]
    write_app(tmp_path, "demo", f"""\
        app: demo
        name: Demo
        state:
          ten: A
        screens:
          one:
            title: Demo
            components:
              - text: Dòng tốt
              {component}
          two:
            title: Còn lại
            components:
              - button: {{id: ok, label: OK}}
        """)
    problems = load_apps(tmp_path)
    assert problems, case
    problem = problems[0]
    line = 11 if case == "twice" else 10  # the second of the two
    assert problem.path.endswith("demo.yaml") and problem.line == line, (case, str(problem))
    assert message in problem.message, (case, problem.message)
    assert "demo.two" in SCREENS and "ok" in SCREENS["demo.two"].targets  # the rest still loads


@pytest.mark.usefixtures("english")
def test_broken_app_files_never_crash(tmp_path):
    write_app(tmp_path, "a", "app: a\nname: A\nscreens:\n  one:\n    title: [unclosed\n")
    write_app(tmp_path, "b", "- just a list\n")
    write_app(tmp_path, "c", "app: phone\nname: C\nscreens: {}\n")
    write_app(tmp_path, "d", "app: d\nname: D\ncolour: blue\nink: \"#ffff00\"\nscreens:\n"
                             "  one: {title: D, components: [{text: x}]}\n")
    (tmp_path / "e.yaml").write_bytes(b"app: e\nname: \xff\n")
    problems = {Path(p.path).name + f":{p.line}": p.message for p in load_apps(tmp_path)}
    assert "not valid" not in " ".join(problems.values())
    assert any(k.startswith("a.yaml:5") and "YAML error" in v for k, v in problems.items())
    assert any(k.startswith("b.yaml:1") and "starts with 'app:" in v for k, v in problems.items())
    assert any(k.startswith("c.yaml:1") and "built-in screens" in v for k, v in problems.items())
    assert any(k.startswith("d.yaml:3") and "colour" in v for k, v in problems.items())
    assert any(k.startswith("e.yaml:1") and "UTF-8" in v for k, v in problems.items())
    assert "d.one" in SCREENS  # a wrong colour falls back; the screens still load


@pytest.mark.usefixtures("english")
def test_app_problems_are_reported_by_trainer_check(lessons_dir):
    write_demo_app(lessons_dir.root / "apps", "buton: {id: a}")
    problems = [str(p) for p in load_library(lessons_dir.root).problems]
    assert any(p.endswith("apps/demo.yaml:7: Unknown component 'buton'. Did you mean 'button'? "
                          "See the components on /authors/screens.") for p in problems), problems


@pytest.mark.usefixtures("english")
def test_an_authors_svg_icon_is_checked_and_served_as_an_image_only(make_app, lessons_dir):
    apps = lessons_dir.root / "apps"
    write_app(apps, "safe", "app: safe\nname: Safe\nicon: safe.svg\nscreens:\n"
                            "  one: {title: S, components: [{text: x}]}\n")
    (apps / "safe.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')
    write_app(apps, "bad", "app: bad\nname: Bad\nicon: bad.svg\nscreens:\n"
                           "  one: {title: B, components: [{text: x}]}\n")
    (apps / "bad.svg").write_text('<svg><script>alert(1)</script></svg>')
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    problems = [str(p) for p in app.extensions["library"].problems]
    assert any("bad.yaml:3" in p and "contains a script" in p for p in problems), problems
    client = app.test_client()
    response = client.get("/kit/icon/safe.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert client.get("/kit/icon/bad.svg").status_code == 404
    assert client.get("/kit/icon/..%2Fsecret.svg").status_code == 404
    home = client.get("/static/screens.css").get_data(as_text=True)
    assert ".kit-app-safe{--kit:#0a4a8c;--kit-ink:#ffffff}" in home
    assert unsafe_svg('<svg><a href="https://x.example">x</a></svg>')
    assert unsafe_svg('<svg onload="x()"></svg>')
    assert not unsafe_svg('<svg><use href="#a"/></svg>')


# --- trainer screens ----------------------------------------------------------------------


def test_trainer_screens_lists_every_screen_and_where_it_is_defined():
    result = CliRunner().invoke(screens_command, ["--json"])
    assert result.exit_code == 0, result.output
    listed = {s["name"]: s for s in json.loads(result.output)["screens"]}
    assert set(listed) == set(SCREENS)
    assert listed["zalo.chat"]["kind"] == "kit"
    assert listed["zalo.chat"]["defined_in"].startswith("lessons/apps/zalo.yaml:")
    assert "goi-video" in listed["zalo.chat"]["targets"]
    assert listed["vneid.login"]["defined_in"].startswith(
        "trainer/templates/screens/vneid/screens.yaml:")
    text = CliRunner().invoke(screens_command, []).output
    assert "zalo.chat  (lessons/apps/zalo.yaml:" in text and "tap:   " in text


def test_the_bundled_apps_use_at_least_twenty_kit_screens():
    used = set()
    for path in (ROOT / "lessons").glob("*/*.md"):
        used |= set(re.findall(r"^screen: ([a-z_]+\.[a-z_]+)$", path.read_text(), re.M))
    kit_used = {n for n in used if n in SCREENS and SCREENS[n].kit is not None}
    assert len(kit_used) >= 20, sorted(kit_used)
    assert {a.id for a in APPS.values()} >= {"zalo", "vssid", "nganhang", "vimau", "trolyai"}


def test_the_app_in_docs_authoring_loads_without_a_problem(tmp_path, lessons_dir):
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    chapter = doc[doc.index("## 10. Một ứng dụng mới"):]
    example = re.search(r"```yaml\n(.*?)```", chapter, re.S).group(1)
    write_app(lessons_dir.root / "apps", "nhathuoc", example)
    lessons_dir("vi/nha-thuoc.md", step_lesson(
        "id: a\nscreen: nhathuoc.order\ntype:\n  field: ten-thuoc\n  answer: Paracetamol\n"
    ).replace("topic: phone", "topic: " + next(iter(load_library(lessons_dir.root).topics))))
    library = load_library(lessons_dir.root)
    assert library.problems == [] and len(library.lessons) == 1
    assert SCREENS["nhathuoc.home"].targets == {"dat-thuoc", "don-thuoc", "back", "home"}
    assert "app-nhathuoc" in SCREENS["phone.home"].targets
    for kind in KINDS:  # the chapter's table lists every component
        assert f"| `{kind}` |" in chapter


def test_trainer_screens_reads_the_apps_of_trainer_lessons_dir(lessons_dir):
    write_demo_app(lessons_dir.root / "apps", "button: {id: ok, label: OK}")
    result = CliRunner().invoke(screens_command, ["--json"],
                                env={"TRAINER_LESSONS_DIR": str(lessons_dir.root)})
    listed = {s["name"]: s for s in json.loads(result.output)["screens"]}
    assert listed["demo.one"]["targets"] == ["back", "home", "ok"]
    assert "zalo.chat" not in listed  # the bundled apps belong to the other folder


@pytest.mark.usefixtures("english")
def test_a_kit_screen_in_the_browser_frame_has_its_address_bar(app, tmp_path):
    write_app(tmp_path, "trangmau", """\
        app: trangmau
        name: Trang mẫu
        state:
          trang: hoadon-mau.example
        screens:
          page:
            title: Trang tra cứu hoá đơn
            frame: browser
            address: "{trang}/tra-cuu"
            components:
              - text: {text: Tra cứu hoá đơn, style: title}
              - button: {id: tra-cuu, label: Tra cứu}
          broken:
            title: Không có địa chỉ
            frame: browser
            components:
              - text: x
        """)
    problems = load_apps(tmp_path)
    assert [p.line for p in problems] == [13] and "give its 'address:'" in problems[0].message
    screen = SCREENS["trangmau.page"]
    assert screen.frame == "browser" and screen.targets_for({}) == {"tra-cuu", "address"}
    html = draw(app, "trangmau.page", {"trang": "gia-mao.example"})
    assert 'class="browser kit kit-app-trangmau' in html and "practice-marker" in html
    assert "gia-mao.example/tra-cuu" in html and 'data-target="address"' in html
    assert 'data-target="home"' not in html  # no phone around a web page

"""The authors' toolkit: screen catalogue, live preview, scaffold, translation status."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from click.testing import CliRunner

from tests.conftest import ROOT, lesson_text
from trainer.classroom import auth
from trainer.cli import check_command, new_command
from trainer.content.authoring.catalogue import catalogue, example_lesson
from trainer.content.authoring.scaffold import scaffold
from trainer.content.authoring.translations import source_hash, translation_status
from trainer.content.library import load_library
from trainer.screens import SCREENS, Screen

PASSWORD = "correct horse battery"


def sign_in(app, client) -> None:
    """Sign in as a volunteer the way volunteers do: an account, then the login form."""
    db = app.extensions["sessionmaker"]()
    auth.create_volunteer(db, "author", PASSWORD)
    db.commit()
    db.close()
    response = client.post("/volunteer/login", data={"username": "author", "password": PASSWORD})
    assert response.status_code == 303


@pytest.fixture
def author(make_app, lessons_dir):
    """``author(**config)``: a signed-in client on an app over the temporary lessons folder."""

    def build(**config):
        config.setdefault("LESSONS_DIR", str(lessons_dir.root))
        app = make_app(**config)
        client = app.test_client()
        sign_in(app, client)
        return client

    return build


def section(html: str, attribute: str, value: str) -> str:
    """The HTML of the element carrying ``attribute="value"`` up to the next such element."""
    start = html.index(f'{attribute}="{value}"')
    following = html.find(f"{attribute}=", start + len(attribute) + len(value) + 3)
    return html[start:following if following != -1 else None]


# --- Screen catalogue ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_every_screen_has_an_example_that_parses(name):
    lesson = example_lesson(SCREENS[name])  # raises, listing problems, if not
    assert lesson.steps[0].screen == name


def test_a_screen_without_example_is_reported():
    screen = Screen("test.bare", "Bare")
    [entry] = catalogue([screen])
    assert entry.lesson is None and "no example" in entry.problems[0].message


def test_catalogue_draws_every_screen_with_the_names_lessons_use(author):
    html = author().get("/authors/screens").get_data(as_text=True)
    for name, screen in SCREENS.items():
        part = section(html, "data-screen-entry", name)
        assert 'class="problem"' not in part, f"{name} does not render"
        assert f'data-screen="{name}"' in part  # drawn in its phone or browser frame
        assert "```step</code>\n" + screen.example.split("\n")[0] in part
        step = example_lesson(screen).steps[0]
        if step.interaction.kind == "tap":
            assert f'<span class="name-tag name-target">{step.interaction.target}</span>' in part
        if step.interaction.kind == "type":
            assert f'<span class="name-tag name-field">{step.interaction.field}</span>' in part
    assert "<form" not in section(html, "data-screen-entry", "phone.home")  # a picture only


def test_author_pages_need_a_volunteer(make_app):
    client = make_app().test_client()
    for url in ("/authors/", "/authors/screens", "/authors/preview", "/authors/translations"):
        response = client.get(url)
        assert response.status_code == 302 and "/volunteer/login" in response.location
    assert client.get("/authors/preview/poll?path=x", headers={"HX-Request": "true"}
                      ).status_code == 403


# --- Preview ------------------------------------------------------------------------------


def test_preview_lists_lesson_files_and_nothing_outside(author, lessons_dir, tmp_path):
    lessons_dir("vi/bai.md", lesson_text("bai"))
    (tmp_path / "secret.md").write_text("---\nsecret\n---\n")
    lessons_dir("vi/hong.md", lesson_text("hong").replace("tap: app-messages", "tap: nowhere"))
    client = author()
    picker = client.get("/authors/preview").get_data(as_text=True)
    assert re.search(r"lessons/vi/bai\.md</code></a>\s*</li>", picker)  # no problem badge
    assert re.search(r"lessons/vi/hong\.md</code></a>\s*<a[^>]*#first-problem\">2 lỗi cần sửa",
                     picker)
    assert client.get("/authors/preview?path=lessons/vi/bai.md").status_code == 200
    assert client.get("/authors/preview?path=vi/bai.md").status_code == 200
    for bad in ("../secret.md", "vi/../../secret.md", str(tmp_path / "secret.md"),
                "topics.yaml", "/etc/passwd", "vi/nothing.md", "vi/bai.md\x00"):
        refused = 400 if "\x00" in bad else 404  # a NUL byte is refused before any view
        assert client.get("/authors/preview", query_string={"path": bad}).status_code == refused
        assert client.get("/authors/preview/poll", query_string={"path": bad}
                          ).status_code == refused


def test_preview_shows_each_step_as_the_learner_sees_it(author, lessons_dir):
    lessons_dir("vi/bai.md", lesson_text("bai", steps=2))
    html = author().get("/authors/preview?path=lessons/vi/bai.md").get_data(as_text=True)
    assert "Không có lỗi" in html
    for key in ("step-1", "step-2"):
        part = section(html, "data-preview-step", key)
        assert 'class="learner-view" inert hx-disable' in part
        assert 'data-target="app-messages"' in part and "Chạm vào Tin nhắn." in part
        assert "<details" in part and "Gợi ý ba" in part  # every hint, folded away


def test_preview_shows_problems_in_place(author, lessons_dir):
    text = lesson_text("bai", steps=3).replace("id: step-2\nscreen: phone.home\ntap: app-messages",
                                               "id: step-2\nscreen: phone.home\ntap: app-mesages")
    lessons_dir("vi/bai.md", text)
    heading_lines = [i + 1 for i, t in enumerate(text.split("\n")) if t == "## Mở tin nhắn"]
    html = author().get("/authors/preview?path=lessons/vi/bai.md").get_data(as_text=True)
    assert 'data-preview-step="step-1"' in html and 'data-preview-step="step-3"' in html
    broken = section(html, "data-preview-step", f"line-{heading_lines[1]}")
    tap_line = text.split("\n").index("tap: app-mesages") + 1
    assert f"lessons/vi/bai.md:{tap_line}" in broken  # the line that is wrong
    assert "app-mesages" in broken and "Có phải ý bạn là &#39;app-messages&#39;" in broken
    assert 'class="raw-line bad"' in broken  # the raw lines, the faulty one marked


def test_preview_of_a_file_that_does_not_parse(author, lessons_dir):
    text = lesson_text("bai").replace("minutes: 3", "minutes: [3")
    lessons_dir("vi/bai.md", text)
    html = author().get("/authors/preview?path=lessons/vi/bai.md").get_data(as_text=True)
    assert "Tệp này chưa đọc được" in html and "YAML không đọc nó là chữ" in html
    line = int(re.search(r"lessons/vi/bai\.md:(\d+)</code> Giá trị này", html).group(1))
    # the faulty line itself is marked, with the lines around it
    assert f'class="raw-line bad"><span class="line-no">{line}</span>minutes: [3' in html
    assert f'<span class="line-no">{line - 1}</span>topic: phone' in html


def test_saving_a_lesson_refreshes_preview_and_lesson_in_dev_mode(author, lessons_dir):
    path = lessons_dir("vi/bai.md", lesson_text("bai"))
    client = author(DEV=True)
    assert "Chạm vào Tin nhắn." in client.get("/lessons/bai/1").get_data(as_text=True)
    page = client.get("/authors/preview?path=lessons/vi/bai.md").get_data(as_text=True)
    since = re.search(r'data-since="([0-9a-f]+)"', page).group(1)
    poll = f"/authors/preview/poll?path=lessons/vi/bai.md&since={since}"
    assert client.get(poll).status_code == 204  # nothing changed: htmx keeps the page

    _save(path, path.read_text(encoding="utf-8").replace("Chạm vào Tin nhắn.", "Chạm thử."))
    fresh = client.get(poll)
    assert fresh.status_code == 200 and "Chạm thử." in fresh.get_data(as_text=True)
    assert "Chạm thử." in client.get("/lessons/bai/1").get_data(as_text=True)


def test_without_dev_mode_lessons_stay_as_loaded(author, lessons_dir):
    path = lessons_dir("vi/bai.md", lesson_text("bai"))
    client = author()
    _save(path, path.read_text(encoding="utf-8").replace("Chạm vào Tin nhắn.", "Chạm thử."))
    assert "Chạm vào Tin nhắn." in client.get("/lessons/bai/1").get_data(as_text=True)
    assert "Chạm thử." in client.get("/authors/preview?path=vi/bai.md").get_data(as_text=True)


@pytest.mark.parametrize("args, dev", [(["serve"], False), (["serve", "--dev"], True)])
def test_serve_dev_turns_on_reloading(make_app, monkeypatch, args, dev):
    import waitress

    seen = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.append(app.config.get("DEV")))
    app = make_app()
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert bool(seen[0]) is dev


def _save(path: Path, text: str) -> None:
    """Save like an editor does; the new mtime is pushed forward so coarse clocks see it."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


# --- Scaffold -----------------------------------------------------------------------------


def test_new_lesson_passes_check_as_written(lessons_dir):
    root = lessons_dir.root
    result = CliRunner().invoke(new_command, ["phone", "bai-moi", "--dir", str(root)])
    assert result.exit_code == 0, result.output
    vi, en = root / "vi" / "bai-moi.md", root / "en" / "bai-moi.md"
    kinds = {"tap", "type", "choose", "judge", "spot", "read"}
    for path in (vi, en):
        assert {m for m in re.findall(r"^(\w+):", path.read_text(), re.M)} >= kinds
    check = CliRunner().invoke(check_command, [str(root)])
    assert check.exit_code == 0, check.output
    assert "2 tệp bài học đạt, 0 lỗi cần sửa" in check.output
    status = translation_status(load_library(root), ROOT / "translations")
    assert not [row for s in status for row in s.lessons]  # the twin is up to date


def test_new_lesson_comments_never_reach_learners(make_app, lessons_dir):
    root = lessons_dir.root
    scaffold(root, "phone", "bai-moi")
    client = make_app(LESSONS_DIR=str(root)).test_client()
    pages = [client.get(f"/lessons/bai-moi/{n}").get_data(as_text=True) for n in range(1, 7)]
    comments = [line.split("#", 1)[1].strip() for line in
                (root / "vi" / "bai-moi.md").read_text().split("\n")
                if "# " in line and not line.startswith("##")]
    comments += ["never shown to learners", "-->", "<!--"]  # the HTML comments in the prose
    for html in pages:
        assert "Bài học mới" in html
        assert not [c for c in comments if c in html]
    for locale in ("vi", "en"):
        lesson = load_library(root).lessons[("bai-moi", locale)]
        shown = [lesson.intro] + [x for s in lesson.steps for x in (s.body, *s.hints)]
        assert lesson.intro and not [c for c in comments if any(c in text for text in shown)]


def test_new_lesson_refuses_bad_input(lessons_dir):
    root = str(lessons_dir.root)
    runner = CliRunner()
    unknown = runner.invoke(new_command, ["vneid", "bai", "--dir", root])
    assert unknown.exit_code == 2 and "Unknown topic 'vneid'" in unknown.output
    assert runner.invoke(new_command, ["phone", "Bài Mới", "--dir", root]).exit_code == 2
    assert runner.invoke(new_command, ["phone", "bai", "--dir", root]).exit_code == 0
    again = runner.invoke(new_command, ["phone", "bai", "--dir", root])
    assert again.exit_code == 2 and "already exists" in again.output


# --- Translation status -------------------------------------------------------------------


@pytest.fixture
def bilingual(lessons_dir):
    """Three Vietnamese lessons: one translated, one translated from an older text, one not."""
    lessons_dir("vi/a.md", lesson_text("bai-a"))
    lessons_dir("vi/b.md", lesson_text("bai-b"))
    old_c = lesson_text("bai-c")
    lessons_dir("vi/c.md", old_c.replace("Chạm vào Tin nhắn.", "Chạm vào ô Tin nhắn."))
    for name, lesson_id, source in (("a", "bai-a", (lessons_dir.root / "vi/a.md").read_text()),
                                    ("c", "bai-c", old_c)):
        text = lesson_text(lesson_id).replace(
            "checked: 2026-11-20", f"checked: 2026-11-20\ntranslated_from: "
                                   f"{source_hash(source)}")
        lessons_dir(f"en/{name}.md", text)
    return lessons_dir.root


def test_translation_status_lists_missing_and_outdated_lessons(bilingual):
    [english] = translation_status(load_library(bilingual),
                                             ROOT / "translations")
    assert english.code == "en"
    assert {(row.lesson_id, row.state) for row in english.lessons} == {
        ("bai-b", "missing"), ("bai-c", "outdated")}


def test_check_translations_prints_them_without_failing(bilingual):
    result = CliRunner().invoke(check_command, [str(bilingual), "--translations"])
    assert result.exit_code == 0, result.output
    assert re.search(r"missing .*vi/b\.md", result.output)
    assert re.search(r"outdated .*en/c\.md", result.output)
    assert "a.md" not in result.output


def test_translations_page(author, bilingual):
    html = author(LESSONS_DIR=str(bilingual)).get("/authors/translations").get_data(as_text=True)
    english = section(html, "data-language", "en")
    assert 'class="state-missing" data-lesson="bai-b"' in english
    assert 'class="state-outdated" data-lesson="bai-c"' in english
    assert 'data-lesson="bai-a"' not in english


def _catalogue(folder: Path, code: str | None, strings: dict[str, str]) -> None:
    """Write a template (``code`` None) or a compiled catalogue, as pybabel would."""
    catalog = Catalog()
    for msgid, msgstr in strings.items():
        catalog.add(msgid, msgstr)
    if code is None:
        with (folder / "messages.pot").open("wb") as fh:
            write_po(fh, catalog)
        return
    target = folder / code / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.po").open("wb") as fh:
        write_po(fh, catalog)
    with (target / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)


def test_untranslated_ui_strings_are_listed(lessons_dir, tmp_path):
    folder = tmp_path / "translations"
    folder.mkdir()
    _catalogue(folder, None, {"Xin chào": "", "Tạm biệt": ""})
    _catalogue(folder, "fr", {"Xin chào": "Bonjour", "Tạm biệt": ""})
    [french] = translation_status(load_library(lessons_dir.root), folder)
    assert french.untranslated == ["Tạm biệt"] and french.ui_total == 2


def test_a_third_language_needs_no_code(author, lessons_dir, tmp_path):
    """A catalogue plus one translated lesson: H'Mông (hnj) appears everywhere."""
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    _catalogue(folder, "hnj", {"Chào bác! Hôm nay mình tập gì?": "Nyob zoo! Hnub no kawm dab tsi?"})
    lessons_dir("vi/a.md", lesson_text("bai-a"))
    lessons_dir("vi/b.md", lesson_text("bai-b"))
    (lessons_dir.root / "hnj").mkdir()
    lessons_dir("hnj/a.md", lesson_text("bai-a").replace("title: Bài thử", "title: Kawm ntawv"))
    client = author(TRANSLATIONS_DIR=str(folder))
    client.set_cookie("lang", "hnj")
    home = client.get("/").get_data(as_text=True)
    assert "Nyob zoo! Hnub no kawm dab tsi?" in home and "Kawm ntawv" in home
    assert 'lang="hnj"' in home
    html = client.get("/authors/translations").get_data(as_text=True)
    hmong = section(html, "data-language", "hnj")
    assert 'data-lesson="bai-b"' in hmong and "state-unconfirmed" in hmong


def test_a_language_babel_does_not_know_does_not_crash(author, lessons_dir, tmp_path):
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    _catalogue(folder, "tyz", {"Chào bác! Hôm nay mình tập gì?": "Tày"})
    lessons_dir("vi/a.md", lesson_text("bai-a"))
    client = author(TRANSLATIONS_DIR=str(folder))
    client.set_cookie("lang", "tyz")
    assert client.get("/").status_code == 200
    html = client.get("/authors/translations").get_data(as_text=True)
    assert "Babel chưa có dữ liệu" in section(html, "data-language", "tyz")

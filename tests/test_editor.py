"""The browser editor (/authors/edit/<file>): for authors only, saves a lesson only when
it passes the check (else a draft the library never loads), never writes outside the
lessons folder, and shows problems in the page's language beside the preview."""

from __future__ import annotations

import re

import pytest

from tests.conftest import lesson_text
from trainer.classroom import auth
from trainer.content.authoring import editor as editor_files
from trainer.content.library import load_library
from trainer.models import Volunteer

PASSWORD = "correct horse battery"


def sign_in(app, client, username: str, role: str = "volunteer", author: bool = False):
    db = app.extensions["sessionmaker"]()
    volunteer = auth.create_volunteer(db, username, PASSWORD, role=role)
    volunteer.author = author
    db.commit()
    db.close()
    form = client.get("/volunteer/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    response = client.post("/volunteer/login", data={
        "username": username, "password": PASSWORD, "csrf_token": token.group(1) if token else ""})
    assert response.status_code == 303
    return client


@pytest.fixture
def editor(make_app, lessons_dir):
    """A signed-in author over a lessons folder holding vi/bai.md."""
    lessons_dir("vi/bai.md", lesson_text("bai"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    client = sign_in(app, app.test_client(), "tacgia", author=True)
    client.root = lessons_dir.root
    client.app = app
    return client


def post(client, text: str, action: str, path: str = "vi/bai.md", **headers):
    return client.post(f"/authors/edit/{path}", data={"text": text, "action": action},
                       content_type="multipart/form-data", headers=headers)


def test_the_editor_shows_the_file_with_line_numbers_and_no_problems(editor):
    html = editor.get("/authors/edit/vi/bai.md").get_data(as_text=True)
    text = lesson_text("bai")
    assert '<textarea id="editor-text" name="text"' in html
    assert "id: step-1" in html and "Không có lỗi." in html
    lines = re.search(r'<pre class="editor-gutter"[^>]*>(.*?)</pre>', html, re.S).group(1)
    assert lines.split() == [str(n) for n in range(1, text.count("\n") + 2)]
    assert 'data-preview-step="step-1"' in html  # the lesson as the learner sees it
    assert "hx-trigger=\"every 2s\"" not in html  # the preview follows the editor, not the disk


def test_a_lesson_that_passes_is_saved(editor):
    changed = lesson_text("bai").replace("title: Bài thử", "title: Bài đã sửa")
    response = post(editor, changed, "save")
    assert response.status_code == 200
    assert "Đã lưu bài" in response.get_data(as_text=True)
    assert (editor.root / "vi" / "bai.md").read_text(encoding="utf-8") == changed
    assert load_library(editor.root).lessons[("bai", "vi")].title == "Bài đã sửa"


def test_a_lesson_with_a_problem_is_refused_with_the_problem_in_vietnamese(editor):
    before = (editor.root / "vi" / "bai.md").read_text(encoding="utf-8")
    broken = before.replace("tap: app-messages", "tap: app-mesages", 1)
    response = post(editor, broken, "save")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (editor.root / "vi" / "bai.md").read_text(encoding="utf-8") == before
    line = broken.split("\n").index("tap: app-mesages") + 1
    assert "Chưa lưu: bài còn lỗi." in html
    assert f'data-line="{line}">Dòng {line}</a> Màn hình phone.home không hiện' in html
    assert "Cách sửa:" in html
    assert '<a href="#problem-1">1 lỗi cần sửa</a>' in html  # the badge leads to it
    assert 'id="problem-1"' in html


def test_problems_follow_the_page_language(editor):
    editor.set_cookie("lang", "en")
    broken = lesson_text("bai").replace("tap: app-messages", "tap: app-mesages", 1)
    html = post(editor, broken, "check").get_data(as_text=True)
    assert "The screen phone.home does not show &#39;app-mesages&#39;" in html


def test_a_draft_is_kept_beside_the_file_and_never_loaded_as_a_lesson(editor):
    broken = lesson_text("bai").replace("tap: app-messages", "tap: app-mesages", 1)
    assert post(editor, broken, "draft").status_code == 200
    draft = editor.root / "vi" / "bai.md.draft"
    assert draft.read_text(encoding="utf-8") == broken
    library = load_library(editor.root)
    assert not library.problems and list(library.lessons) == [("bai", "vi")]
    html = editor.get("/authors/edit/vi/bai.md?draft=1").get_data(as_text=True)
    assert "Đang sửa bản nháp." in html and "app-mesages" in html
    post(editor, lesson_text("bai"), "save")  # saving the lesson retires its draft
    assert not draft.exists()


def test_live_check_sends_only_the_result_part(editor):
    response = post(editor, lesson_text("bai"), "check", **{"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<section id=\"editor-result\"")
    assert "<textarea" not in html


def test_download_gives_the_text_as_a_file(editor):
    text = lesson_text("bai").replace("Bài thử", "Bài tải về")
    response = post(editor, text, "download")
    assert response.headers["Content-Disposition"] == 'attachment; filename="bai.md"'
    assert response.get_data(as_text=True) == text
    assert "Bài tải về" not in (editor.root / "vi" / "bai.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("wanted", [
    "../secret.md", "vi/../../secret.md", "vi/%2e%2e/x.md", "etc/passwd", "vi/bai.py",
    "vi/new.md", "topics.yaml", "vi/bai.md.draft", "..%2Fsecret.md", "vi/sub/bai.md",
])
def test_nothing_outside_the_lesson_files_can_be_opened_or_written(editor, wanted):
    secret = editor.root.parent / "secret.md"
    secret.write_text("keep", encoding="utf-8")
    assert editor.get(f"/authors/edit/{wanted}").status_code == 404
    assert post(editor, lesson_text("bai"), "save", path=wanted).status_code == 404
    assert secret.read_text(encoding="utf-8") == "keep"


def test_absolute_and_parent_paths_resolve_to_nothing(tmp_path):
    root = tmp_path / "lessons"
    (root / "vi").mkdir(parents=True)
    (root / "vi" / "bai.md").write_text("x", encoding="utf-8")
    for wanted in ("/etc/passwd", "vi/../vi/bai.md", "vi\\bai.md", "vi/bai.md\x00"):
        assert editor_files.editable_path(root, wanted) is None
    assert editor_files.editable_path(root, "lessons/vi/bai.md") == (root / "vi" / "bai.md"
                                                                     ).resolve()


def test_a_symbolic_link_out_of_the_folder_is_refused(editor, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(lesson_text("ngoai"), encoding="utf-8")
    (editor.root / "vi" / "ngoai.md").symlink_to(outside)
    assert editor.get("/authors/edit/vi/ngoai.md").status_code == 404
    assert post(editor, lesson_text("ngoai"), "save", path="vi/ngoai.md").status_code == 404


def test_saving_needs_the_csrf_token(make_app, lessons_dir):
    lessons_dir("vi/bai.md", lesson_text("bai"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root), WTF_CSRF_ENABLED=True)
    client = sign_in(app, app.test_client(), "tacgia", author=True)
    changed = lesson_text("bai").replace("Bài thử", "Giả mạo")
    response = post(client, changed, "save")
    assert response.status_code == 400
    assert "Giả mạo" not in (lessons_dir.root / "vi" / "bai.md").read_text(encoding="utf-8")
    html = client.get("/authors/edit/vi/bai.md").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/authors/edit/vi/bai.md", content_type="multipart/form-data",
                           data={"text": changed, "action": "save", "csrf_token": token})
    assert response.status_code == 200
    assert "Giả mạo" in (lessons_dir.root / "vi" / "bai.md").read_text(encoding="utf-8")


def test_only_authors_edit_and_admins_grant_it(make_app, lessons_dir):
    lessons_dir("vi/bai.md", lesson_text("bai"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    volunteer = sign_in(app, app.test_client(), "tnv")
    assert volunteer.get("/authors/edit/vi/bai.md").status_code == 403
    assert volunteer.get("/authors/preview").status_code == 200  # still a volunteer's page
    assert volunteer.post("/authors/access", data={"volunteer": 1, "author": "1"}
                          ).status_code == 403
    admin = sign_in(app, app.test_client(), "quantri", role="admin")
    assert admin.get("/authors/edit/vi/bai.md").status_code == 200  # admins always may
    db = app.extensions["sessionmaker"]()
    tnv = db.query(Volunteer).filter_by(username="tnv").one()
    assert "tnv" in admin.get("/authors/access").get_data(as_text=True)
    assert admin.post("/authors/access", data={"volunteer": tnv.id, "author": "1"}
                      ).status_code == 302
    assert volunteer.get("/authors/edit/vi/bai.md").status_code == 200
    admin.post("/authors/access", data={"volunteer": tnv.id, "author": "0"})
    assert volunteer.get("/authors/edit/vi/bai.md").status_code == 403
    db.close()


def test_the_file_list_puts_vietnamese_first_and_can_be_filtered(editor):
    (editor.root / "en" / "bai.md").write_text(lesson_text("bai"), encoding="utf-8")
    (editor.root / "vi" / "khac.md").write_text(lesson_text("khac"), encoding="utf-8")
    html = editor.get("/authors/preview").get_data(as_text=True)
    files = re.findall(r'data-file="([^"]+)"', html)
    assert files == ["lessons/vi/bai.md", "lessons/vi/khac.md", "lessons/en/bai.md"]
    assert 'data-filter=".file-list li[data-file]"' in html
    filtered = editor.get("/authors/preview?q=khac").get_data(as_text=True)
    assert re.findall(r'data-file="([^"]+)"', filtered) == ["lessons/vi/khac.md"]


def test_the_problem_badge_of_the_preview_links_to_the_first_problem(editor):
    editor.get("/authors/preview")  # the library is loaded; the file changes after
    broken = lesson_text("bai", steps=3).replace("tap: app-messages", "tap: app-mesages")
    (editor.root / "vi" / "bai.md").write_text(broken, encoding="utf-8")
    html = editor.get("/authors/preview?path=lessons/vi/bai.md").get_data(as_text=True)
    assert '<a href="#first-problem">3 lỗi cần sửa</a>' in html
    assert html.count('id="first-problem"') == 1
    first = html.index('id="first-problem"')
    assert html.index("app-mesages", first) < html.index("</p>", first)  # its message


def test_an_app_file_is_edited_and_saved_only_when_it_reads(editor):
    apps = editor.root / "apps"
    apps.mkdir()
    app = ("app: nganhang\nname: {name}\nscreens:\n  one:\n    title: Một\n    components:\n"
           "      - button: {{id: ok, label: OK}}\n")
    (apps / "nganhang.yaml").write_text(app.format(name="Ngân hàng mẫu"), encoding="utf-8")
    html = editor.get("/authors/edit/apps/nganhang.yaml").get_data(as_text=True)
    assert "Ngân hàng mẫu" in html and "data-preview-step" not in html
    refused = post(editor, app.format(name="[Ngân hàng"), "save", path="apps/nganhang.yaml")
    assert refused.status_code == 422
    assert "Ngân hàng mẫu" in (apps / "nganhang.yaml").read_text(encoding="utf-8")
    saved = post(editor, app.format(name="Ngân hàng thử"), "save", path="apps/nganhang.yaml")
    assert saved.status_code == 200
    assert "Ngân hàng thử" in (apps / "nganhang.yaml").read_text(encoding="utf-8")
    assert load_library(editor.root).problems == []  # app files are not lessons

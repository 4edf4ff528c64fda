"""`trainer check`: exit status and messages authors can act on."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import lesson_text
from trainer.cli import check_command


def run(*args: str):
    return CliRunner().invoke(check_command, ["--lang", "en", *args])


def test_check_passes_on_the_bundled_lessons():
    result = run()
    assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output


def test_check_fails_with_file_and_line(lessons_dir):
    lessons_dir("vi/good.md", lesson_text("good"))
    lessons_dir("vi/bad.md", lesson_text("bad").replace("tap: app-messages", "tap: app-mesages", 1))
    result = run(str(lessons_dir.root))
    assert result.exit_code == 1
    assert "bad.md:" in result.output and "app-mesages" in result.output
    assert "1 lesson files OK, 1 problem(s)" in result.output


def test_check_json_lists_lessons_and_errors(lessons_dir):
    lessons_dir("vi/good.md", lesson_text("good", steps=3))
    lessons_dir("en/good.md", lesson_text("good", steps=3))
    lessons_dir("vi/bad.md", "---\nid: bad\n")
    result = run(str(lessons_dir.root), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert {(x["id"], x["locale"], x["steps"]) for x in data["lessons"]} == {
        ("good", "vi", 3), ("good", "en", 3)}
    assert data["lessons"][0]["topic"] == "phone" and data["lessons"][0]["title"]
    assert data["errors"][0]["path"].endswith("bad.md") and data["errors"][0]["line"] == 1


def test_check_refuses_a_missing_folder(tmp_path):
    result = run(str(tmp_path / "nothing"))
    assert result.exit_code == 2


def test_the_server_serves_the_rest_when_one_lesson_is_broken(make_app, lessons_dir):
    lessons_dir("vi/good.md", lesson_text("good"))
    lessons_dir("vi/bad.md", "---\nid: [broken\n---\n")
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Bài thử" in html
    assert app.extensions["library"].problems


def test_serve_compiles_every_template_before_learners_need_it(app):
    """`trainer serve` compiles the templates in the background once it has answered its
    first request, so the first learners of a class do not wait for Jinja to compile the
    screens of the lessons they open."""
    from trainer.cli import _compile_templates_soon

    env = app.jinja_env
    env.cache.clear()
    compiling = _compile_templates_soon(app)
    assert not compiling.is_alive()  # start-up does not wait for it
    assert app.test_client().get("/healthz").status_code == 200  # renders no template
    compiling.join(60)
    compiled = {name for _, name in env.cache.keys()}
    pages = set(env.list_templates(extensions=["html"]))
    assert len(pages) > 50 and pages <= compiled

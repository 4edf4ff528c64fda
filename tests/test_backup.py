"""`trainer backup` copies a live SQLite database; restoring the copy brings a
learner's progress back (PostgreSQL: the command explains pg_dump instead)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import PG_URL, htmx, lesson_text


@pytest.mark.skipif(bool(PG_URL), reason="SQLite backup; PostgreSQL uses pg_dump")
def test_backup_then_restore_finds_the_progress(make_app, lessons_dir, tmp_path):
    lessons_dir("vi/t.md", lesson_text("t", steps=3))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    client = app.test_client()
    htmx(client, "/lessons/t/1", target="app-messages")
    htmx(client, "/lessons/t/2", target="app-messages")
    backup = tmp_path / "backups" / "tapso.db"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert str(backup) in result.output

    htmx(client, "/lessons/t/3", target="app-messages")  # after the backup: not in it
    app.extensions["engine"].dispose()
    (tmp_path / "test.db").unlink()  # the disk is lost ...
    restored = tmp_path / "restored.db"
    shutil.copy(backup, restored)  # ... the documented restore: copy the file back
    again = make_app(LESSONS_DIR=str(lessons_dir.root), DATABASE_URL=f"sqlite:///{restored}")
    same_browser = again.test_client()
    same_browser.set_cookie("tapso", client.get_cookie("tapso").value)
    assert same_browser.get("/lessons/t").headers["Location"].endswith("/lessons/t/3")


def test_backup_default_destination_is_in_the_instance_folder(make_app, tmp_path):
    if PG_URL:
        pytest.skip("SQLite only")
    app = make_app()
    app.instance_path = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "instance" / "backups").glob("tapso-*.db"))


def test_backup_on_postgresql_explains_pg_dump(make_app):
    app = make_app() if PG_URL else None
    if app is None:
        from trainer import create_app

        app = create_app({"TESTING": True, "SECRET_KEY": "x", "USE_CDN": False,
                          "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 2
    assert "pg_dump" in result.output and "pg_restore" in result.output

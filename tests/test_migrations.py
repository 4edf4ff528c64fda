"""`trainer db revision`: a new migration, numbered after the newest, that `trainer db
upgrade` applies. Each test writes into a copy of trainer/migrations, never the repo."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import Column, Integer, String, Table, inspect

from trainer import db as database
from trainer.models import Base


@pytest.fixture
def versions(tmp_path, monkeypatch):
    """A copy of the migrations that the app reads and writes instead of the repo's."""
    repo = database.MIGRATIONS / "versions"
    before = sorted(p.name for p in repo.glob("*.py"))
    copy = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(database, "MIGRATIONS", copy)
    yield copy / "versions"
    assert sorted(p.name for p in repo.glob("*.py")) == before  # nothing written into the repo


@pytest.fixture
def model_change():
    """A table added to trainer/models.py, as a developer would; removed afterwards."""
    table = Table("class_note", Base.metadata, Column("id", Integer, primary_key=True),
                  Column("text", String(200), nullable=False))
    yield table
    Base.metadata.remove(table)


def run(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def newest(versions) -> tuple[str, str]:
    path = max(versions.glob("*.py"))
    return path.name, path.read_text(encoding="utf-8")


def test_a_revision_is_numbered_after_the_newest(make_app, versions):
    numbers = sorted(p.name[:4] for p in versions.glob("*.py"))
    app = make_app()
    out = run(app, "db", "revision", "-m", "class notes")
    name, text = newest(versions)
    expected = f"{int(numbers[-1]) + 1:04d}"
    assert name == f"{expected}_class_notes.py" and name in out
    assert f"revision = '{expected}'" in text and f"down_revision = '{numbers[-1]}'" in text
    assert "def upgrade() -> None:\n    pass" in text
    assert run(app, "db", "upgrade").strip() == f"Database at revision {expected}."


def test_autogenerate_writes_the_model_change_and_upgrade_applies_it(make_app, versions,
                                                                       model_change):
    app = make_app()  # at the newest revision, without the new table
    engine = app.extensions["engine"]
    assert "class_note" not in inspect(engine).get_table_names()
    run(app, "db", "revision", "-m", "class notes", "--autogenerate")
    name, text = newest(versions)
    assert "op.create_table('class_note'" in text and "op.drop_table('class_note')" in text

    run(app, "db", "upgrade")
    assert database.current_revision(engine) == name[:4]
    columns = {c["name"] for c in inspect(engine).get_columns("class_note")}
    assert columns == {"id", "text"}
    run(app, "db", "downgrade", f"{int(name[:4]) - 1:04d}")  # and back
    assert "class_note" not in inspect(engine).get_table_names()


def test_models_and_migrations_agree(make_app, versions):
    """Autogenerate against an upgraded database finds nothing to do: every change to
    trainer/models.py has its migration."""
    app = make_app()
    run(app, "db", "revision", "-m", "nothing", "--autogenerate")
    _name, text = newest(versions)
    body = text.split("def upgrade() -> None:")[1].split("def downgrade")[0]
    assert [line.strip() for line in body.splitlines() if line.strip()
            and not line.strip().startswith("#")] == ["pass"]


def test_autogenerate_needs_an_upgraded_database(make_app, versions):
    app = make_app()
    run(app, "db", "downgrade", "0003")
    files = sorted(versions.glob("*.py"))
    result = app.test_cli_runner().invoke(args=["db", "revision", "-m", "x", "--autogenerate"])
    assert result.exit_code == 1 and "not up to date" in result.output
    assert "Traceback" not in result.output
    assert sorted(versions.glob("*.py")) == files  # nothing written

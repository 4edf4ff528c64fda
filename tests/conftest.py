"""Shared fixtures: an app on a fresh database (SQLite in a temporary folder, or
PostgreSQL when TRAINER_TEST_DATABASE_URL is set) and lesson-file helpers."""

from __future__ import annotations

import os
import re
import textwrap
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.orm import close_all_sessions

from trainer import create_app
from trainer import db as database
from trainer.screens import SCREENS
from trainer.screens.kit import APPS, load_apps

ROOT = Path(__file__).resolve().parent.parent


def _own_database(url: str | None) -> str | None:
    """Under pytest-xdist (``-n 2``) each worker empties and fills a PostgreSQL database of
    its own (``test_gw0``, ``test_gw1``) beside the one named, so they never meet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    import psycopg

    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{own}"')
    return f"{base}/{own}"


PG_URL = _own_database(os.environ.get("TRAINER_TEST_DATABASE_URL"))


def fresh_database_url(tmp_path: Path) -> str:
    """A database with nothing in it: a new SQLite file, or an emptied PostgreSQL."""
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'test.db'}"
    engine = database.make_engine(PG_URL)
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return PG_URL


@pytest.fixture(scope="session")
def bundled_screens() -> tuple[dict, dict]:
    """The screen registry with the bundled apps, as the shipped lessons see it."""
    load_apps(ROOT / "lessons" / "apps")
    return dict(SCREENS), dict(APPS)


@pytest.fixture(autouse=True)
def screen_registry(bundled_screens):
    """Every test starts from the bundled apps and leaves them so: the registry is one
    per process, and a test that loads a folder without (or with other) apps must not
    change what the next test file's lessons can use."""
    def restore() -> None:
        for registry, saved in zip((SCREENS, APPS), bundled_screens, strict=True):
            registry.clear()
            registry.update(saved)

    restore()
    yield
    restore()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return fresh_database_url(tmp_path)


@pytest.fixture
def make_app(tmp_path: Path, database_url: str):
    """Build an app; tests pass config overrides (e.g. another LESSONS_DIR)."""
    apps = []

    def build(**overrides):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "USE_CDN": False,
        }
        config.update(overrides)
        app = create_app(config)
        database.upgrade(app.extensions["engine"])
        apps.append(app)
        return app

    yield build
    close_all_sessions()  # a test's session left open would hold its connection (and, on
    for app in apps:      # PostgreSQL, the locks the next test's DROP TABLE waits for)
        app.extensions["engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def htmx(client, url: str, **data):
    """POST like htmx does (fragment back), with a fresh submission id."""
    data.setdefault("sid", uuid.uuid4().hex)
    return client.post(url, data=data, headers={"HX-Request": "true"})


def feedback(html: str) -> str:
    """The feedback title shown after an answer ('' if none)."""
    match = re.search(r'class="feedback-title">(.*?)</p>', html, re.S)
    if not match:
        return ""
    words = re.sub(r'<span aria-hidden="true">.*?</span>', "", match.group(1))
    return re.sub(r"<[^>]+>", "", words).strip()


TOPICS = """\
- id: phone
  order: 1
  title: {vi: Làm quen điện thoại, en: The phone}
- id: scams
  order: 2
  title: {vi: Lừa đảo, en: Scams}
"""

FRONT = """\
---
id: {id}
title: Bài thử
summary: Một bài để kiểm tra.
topic: phone
minutes: 3
order: 1
sources:
  - title: Nguồn thử
    url: https://example.org/huong-dan
checked: 2026-11-20
---
"""


def front(state: str = "", lesson_id: str = "x") -> str:
    """FRONT for ``lesson_id``, with the lesson's ``state:`` (indented YAML) if given."""
    text = FRONT.format(id=lesson_id)
    if state:
        text = text.replace("\n---\n", "\nstate:\n" + state.rstrip() + "\n---\n", 1)
    return text

TAP_STEP = """\
## Mở tin nhắn

Chạm vào Tin nhắn.

```step
id: {key}
screen: phone.home
tap: app-messages
hints: [Gợi ý một, Gợi ý hai, Gợi ý ba]
```
"""


@pytest.fixture
def lessons_dir(tmp_path: Path):
    """A lessons folder to write test lessons into: ``write("vi/x.md", text)``."""
    root = tmp_path / "lessons"
    (root / "vi").mkdir(parents=True)
    (root / "en").mkdir()
    (root / "audio").mkdir()
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")

    def write(name: str, body: str) -> Path:
        path = root / name
        path.write_text(textwrap.dedent(body), encoding="utf-8")
        return path

    write.root = root  # type: ignore[attr-defined]
    return write


@pytest.fixture
def lesson_app(make_app, lessons_dir):
    """``lesson_app(steps, **config)``: an app whose library is the one lesson
    "test-lesson", with that many tap steps."""

    def build(steps: int = 3, **config):
        lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=steps))
        return make_app(LESSONS_DIR=str(lessons_dir.root), **config)

    return build


def run_parallel(count: int, request) -> list:  # noqa: ANN001
    """``request(i)`` from ``count`` threads released together (a barrier), so that
    they race as simultaneous requests do; the results in the order of ``i``."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def go(i: int) -> None:
        barrier.wait()
        results[i] = request(i)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def lesson_text(lesson_id: str = "test-lesson", steps: int = 2, extra: str = "") -> str:
    body = FRONT.format(id=lesson_id)
    for i in range(1, steps + 1):
        body += "\n" + TAP_STEP.format(key=f"step-{i}")
    return body + extra

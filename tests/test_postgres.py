"""Several app servers on one PostgreSQL: a learner whose requests land on
different servers sees one consistent progress (no state that matters lives in
a process). Skipped, with the reason shown, when no PostgreSQL answers."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from tests.browser.conftest import LiveServer
from tests.conftest import lesson_text
from tests.http_learner import HttpLearner

ADMIN_URL = os.environ.get("TRAINER_TEST_DATABASE_URL",
                           "postgresql://postgres@127.0.0.1:5432/test")


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not postgres_answers(),
                                reason="no PostgreSQL server answers on 127.0.0.1:5432")


@pytest.fixture
def pg_database():
    """A database of our own, so parallel runs against `test` are not disturbed."""
    import psycopg

    name = f"tapso_two_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_one_learner_alternating_between_two_servers(tmp_path, lessons_dir, pg_database):
    lessons_dir("vi/t.md", lesson_text("t", steps=4))
    env = {"DATABASE_URL": pg_database, "SECRET_KEY": "shared-secret",
           "TRAINER_LESSONS_DIR": str(lessons_dir.root), "PYTHONUNBUFFERED": "1"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = LiveServer(tmp_path / "a", env).start()
    b = LiveServer(tmp_path / "b", env).start()
    try:
        assert a.port != b.port
        learner = HttpLearner(a.url)
        learner.get("/lessons/t/1")
        for number, server in zip(range(1, 4), (a, b, a), strict=True):
            learner.base = server.url  # the load balancer sends this request elsewhere
            status, _ = learner.post(f"/lessons/t/{number}", target="app-messages")
            assert status == 200
        learner.post("/lessons/t/4/hint")  # on a: a hint, then a wrong answer on b
        learner.base = b.url
        learner.post("/lessons/t/4", target="wrong")
        for server in (a, b):
            learner.base = server.url
            _, url, body = learner.get("/lessons/t")
            assert url.endswith("/lessons/t/4"), (server.url, url)
            assert "Gợi ý một" in body and "Gợi ý hai" in body  # hint + wrong answer
        learner.post("/lessons/t/4", target="app-messages")
        learner.base = a.url
        _, url, body = learner.get("/lessons/t")
        assert url.endswith("/lessons/t/done")
    finally:
        a.stop()
        b.stop()

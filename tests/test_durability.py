"""Progress survives a crash: answers that got a success response are on disk
after SIGKILL, the database is intact, and concurrent writers never see
"database is locked"."""

from __future__ import annotations

import http.client
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.browser.conftest import LiveServer
from tests.conftest import PG_URL, fresh_database_url, lesson_text, run_parallel
from tests.http_learner import HttpLearner
from trainer.models import Attempt, Learner, StepEvent

THREADS = 6


@pytest.fixture
def live(tmp_path, lessons_dir):
    lessons_dir("vi/durable.md", lesson_text("durable", steps=3))
    env = {"DATABASE_URL": fresh_database_url(tmp_path), "SECRET_KEY": "durable-secret",
           "TRAINER_LESSONS_DIR": str(lessons_dir.root), "PYTHONUNBUFFERED": "1"}
    server = LiveServer(tmp_path, env).start()
    yield server
    server.stop(kill=True)


def _answer_forever(server: LiveServer, acked: list[str], errors: list[str],
                    stop: threading.Event) -> None:
    learner = HttpLearner(server.url)
    learner.get("/lessons/durable/1")
    while not stop.is_set():
        sid = f"{threading.get_ident()}-{time.monotonic_ns()}"
        try:
            status, body = learner.post("/lessons/durable/1", target="app-wrong", sid=sid)
        except (OSError, http.client.HTTPException):  # server gone: answer not acknowledged
            return
        if status == 200:
            acked.append(sid)
        else:
            errors.append(f"{status}: {body[:200]}")


def test_sigkill_loses_no_acknowledged_answer(live: LiveServer):
    acked: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    workers = [threading.Thread(target=_answer_forever, args=(live, acked, errors, stop))
               for _ in range(THREADS)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 60
    while len(acked) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    live.stop(kill=True)  # SIGKILL in the middle of the traffic
    stop.set()
    for w in workers:
        w.join(30)
    assert len(acked) >= 150 and not errors, errors[:3]

    live.start()  # recovers from the write-ahead log on the next open
    engine = create_engine(live.env["DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        stored = set(conn.scalars(select(StepEvent.submission)))
        if not PG_URL:
            assert conn.scalar(text("PRAGMA integrity_check")) == "ok"
    engine.dispose()
    missing = [sid for sid in acked if sid not in stored]
    print(f"\nkill test ({'PostgreSQL' if PG_URL else 'SQLite'}): {len(acked)} answers "
          f"acknowledged, {len(acked) - len(missing)} of them stored")
    assert not missing, f"{len(missing)} acknowledged answers lost"
    assert "database is locked" not in live.log.read_text()
    status, _, _ = HttpLearner(live.url).get("/lessons/durable/1")
    assert status == 200


def test_a_double_submitted_first_answer_makes_one_learner_and_one_attempt(live: LiveServer):
    """Six copies of a new browser's first answer, sent at once over real HTTP to the
    real server, repeated for several browsers: one learner and one attempt each."""
    browsers, copies = 5, 6
    for _ in range(browsers):
        learner = HttpLearner(live.url)
        learner.get("/lessons/durable/1")
        codes = run_parallel(copies, lambda _i, learner=learner: learner.post(
            "/lessons/durable/1", target="app-messages", sid="one-form")[0])
        assert codes == [200] * copies
    engine = create_engine(live.env["DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        learners = conn.scalar(select(func.count()).select_from(Learner))
        attempts = conn.scalar(select(func.count()).select_from(Attempt))
        events = conn.scalar(select(func.count()).select_from(StepEvent))
    engine.dispose()
    print(f"\n{browsers} browsers x {copies} copies: {learners} learners, {attempts} attempts, "
          f"{events} answers stored")
    assert (learners, attempts, events) == (browsers, browsers, browsers)

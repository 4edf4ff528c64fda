"""Exact counts under double submits (issue 20, item 8): the same first answer sent six
times at once, two tabs answering at once, a new browser double-tapping its first
answer. Real parallel requests (threads, each its own client with the same cookie);
run on PostgreSQL too with TRAINER_TEST_DATABASE_URL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import run_parallel
from trainer.models import Attempt, Learner, StepEvent

COPIES = 6


@pytest.fixture
def app(lesson_app):
    return lesson_app(steps=3)


def count(app, model, *where) -> int:
    with app.extensions["sessionmaker"]() as db:
        return db.scalar(select(func.count()).select_from(model).where(*where))


def at_once(app, cookie: str | None, posts: list[dict]) -> list[int]:
    """Each form posted from its own thread and client, all released together."""
    clients = [app.test_client() for _ in posts]
    for client in clients:
        if cookie:
            client.set_cookie("tapso", cookie)
    return run_parallel(len(posts), lambda i: clients[i].post(
        "/lessons/test-lesson/1", data=posts[i], headers={"HX-Request": "true"}).status_code)


def opened_step_page(app) -> str:
    """A new browser opens the first step; its cookie afterwards."""
    client = app.test_client()
    assert client.get("/lessons/test-lesson/1").status_code == 200
    cookie = client.get_cookie("tapso")
    assert cookie is not None  # the page gave the browser its learner id already
    return cookie.value


@pytest.mark.parametrize("round_", range(3))
def test_the_same_first_answer_sent_six_times_is_stored_once(app, round_):
    cookie = opened_step_page(app)
    form = {"target": "app-messages", "sid": "same-form"}
    assert at_once(app, cookie, [form] * COPIES) == [200] * COPIES
    assert count(app, Learner) == 1
    assert count(app, Attempt) == 1
    assert count(app, StepEvent) == 1


def test_two_tabs_answering_at_once_share_one_attempt(app):
    cookie = opened_step_page(app)
    forms = [{"target": "app-messages", "sid": f"tab-{i}"} for i in range(2)] * 3
    assert at_once(app, cookie, forms) == [200] * len(forms)
    assert count(app, Attempt) == 1
    assert count(app, StepEvent) == 2  # both tabs' answers, in the one attempt


def test_start_again_sent_twice_at_once_makes_one_new_attempt(app):
    cookie = opened_step_page(app)
    at_once(app, cookie, [{"target": "app-messages", "sid": "x"}])
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        client.set_cookie("tapso", cookie)
    codes = run_parallel(2, lambda i: clients[i].post("/lessons/test-lesson/restart").status_code)
    assert codes == [303, 303]
    assert count(app, Attempt) == 2


def test_the_migration_goes_down_and_up_again_with_data(app):
    from trainer import db as database

    engine = app.extensions["engine"]
    opened_step_page(app)
    at_once(app, opened_step_page(app), [{"target": "app-messages", "sid": "x"}])
    database.downgrade(engine, "0007")
    database.upgrade(engine)
    assert count(app, Attempt) == 1 and count(app, StepEvent) == 1

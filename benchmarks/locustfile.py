"""Classroom load: learners going through lessons, answering every 2-5 s (some
wrong, some hints), and volunteers' live boards polling. Run by benchmarks/run.py:

    locust -f benchmarks/locustfile.py --headless -u 300 -r 50 -t 60s -H http://127.0.0.1:PORT
"""

from __future__ import annotations

import os
import random
import re
import time
import urllib.parse
import uuid

import gevent
from locust import FastHttpUser, between, events, task

from benchmarks.answers import right_answers, wrong_answer
from trainer.content.library import load_library

LIBRARY = load_library(os.environ["TRAINER_LESSONS_DIR"])
LESSONS = LIBRARY.listing("vi")
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
SEEN = re.compile(r'id="class-bar"[^>]*[?&](?:amp;)?seen=([0-9a-f]+)')
STEP_URL = re.compile(r"/lessons/([\w-]+)/(\d+)$")
HX = {"HX-Request": "true"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


REQUEST_LOG = os.environ.get("BENCH_REQUEST_LOG")  # run.py: when each request ended, how long
if REQUEST_LOG:
    _log = open(REQUEST_LOG, "w")  # noqa: SIM115 - open for the whole run

    @events.request.add_listener
    def _record(response_time: float, exception: object = None, **_: object) -> None:
        _log.write(f"{time.time():.3f},{response_time:.1f}\n")

    @events.quitting.add_listener
    def _close(**_: object) -> None:
        _log.close()


def form(data: dict) -> str:
    return urllib.parse.urlencode(data, doseq=True)
BOARDS = [u for u in os.environ.get("BENCH_BOARDS", "").split(",") if u]
CLASS_CODES = [c for c in os.environ.get("BENCH_CLASS_CODES", "").split(",") if c]
BAR_SECONDS = 3  # the step page's class bar polls this often (_class_bar.html)


class Learner(FastHttpUser):
    """One older learner on a phone: one tap every 2-5 seconds."""

    weight = 100
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.headers = dict(HX)
        if CLASS_CODES:
            self.join_class(random.choice(CLASS_CODES))
            gevent.spawn(self.poll_class_bar)
            return
        page = self.client.get("/", name="home (full page)")
        self.headers["X-CSRFToken"] = TOKEN.search(page.text).group(1)
        self.new_lesson()

    def join_class(self, code: str) -> None:
        """As in a class: the phone scans the QR code on the projector (/join/<code>), the
        learner types a name and lands in the class's lesson, at their first unfinished
        step, and practises it."""
        page = self.client.get(f"/join/{code}", name="join page (QR code)")
        self.headers["X-CSRFToken"] = TOKEN.search(page.text).group(1)
        r = self.client.post(f"/join/{code}", name="join class", headers=FORM,
                             data=form({"name": f"Bác {random.randint(1, 999)}",
                                        "csrf_token": self.headers["X-CSRFToken"]}),
                             allow_redirects=False)
        lesson_id, number = STEP_URL.search(r.headers["Location"]).groups()
        self.lesson = LIBRARY.get(lesson_id, "vi")
        self.index = int(number) - 1
        self.pending = right_answers(self.lesson, self.index)
        self.client.get(f"/lessons/{lesson_id}/{number}", name="step page (full page)")

    def poll_class_bar(self) -> None:
        """What the step page does in a class: ask for the class bar every few seconds."""
        gevent.sleep(random.uniform(0, BAR_SECONDS))
        seen = ""  # like the page: the bar's URL carries the version it shows
        while self.environment.runner.state not in ("stopping", "stopped"):
            r = self.client.get(f"/class/bar?lesson={self.lesson.id}&step={self.index + 1}"
                                f"&seen={seen}", headers=self.headers, name="class bar poll")
            if r.status_code == 200 and (found := SEEN.search(r.text or "")):
                seen = found.group(1)
            gevent.sleep(BAR_SECONDS)

    def new_lesson(self) -> None:
        self.lesson = random.choice(LESSONS)
        self.index = 0
        self.pending = right_answers(self.lesson, 0)
        self.client.get(f"/lessons/{self.lesson.id}/1", name="step page (full page)")

    def post(self, suffix: str, data: dict, name: str):
        url = f"/lessons/{self.lesson.id}/{self.index + 1}{suffix}"
        return self.client.post(url, data=form({**data, "sid": uuid.uuid4().hex}),
                                headers={**self.headers, **FORM}, name=name)

    @task
    def act(self) -> None:
        roll = random.random()
        if roll < 0.2:
            self.post("", wrong_answer(self.lesson, self.index), "answer (wrong)")
        elif roll < 0.3:
            self.post("/hint", {}, "hint")
        else:
            self.post("", self.pending.pop(0), "answer (right)")
            if not self.pending:
                self.advance()

    def advance(self) -> None:
        self.index += 1
        if self.index >= len(self.lesson.steps):
            self.client.get(f"/lessons/{self.lesson.id}/done", headers=self.headers,
                            name="done page")
            self.new_lesson()
            return
        self.pending = right_answers(self.lesson, self.index)
        self.client.get(f"/lessons/{self.lesson.id}/{self.index + 1}", headers=self.headers,
                        name="next step (htmx swap)")


class Board(FastHttpUser):
    """A volunteer's live board on the projector, polling like the page does."""

    weight = 1 if BOARDS else 0
    fixed_count = 3 if BOARDS else 0
    wait_time = between(2, 3)

    def on_start(self) -> None:
        self.url, self.cookie = random.choice(BOARDS).split("|", 1)

    @task
    def poll(self) -> None:
        self.client.get(self.url, headers={**HX, "Cookie": self.cookie}, name="live board poll")

"""`trainer serve --workers 2`: several processes on one port, one learner's progress
consistent whichever process answers, and stopping the server stops every process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.browser.conftest import free_port
from tests.conftest import fresh_database_url
from tests.http_learner import HttpLearner
from trainer import db as database


def test_two_worker_processes_share_the_port_and_the_progress(tmp_path):
    url = fresh_database_url(tmp_path)
    engine = database.make_engine(url)
    database.upgrade(engine)
    engine.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "workers-test"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from trainer.cli import main; main()", "serve",
         "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
                time.sleep(0.2)
        learner = HttpLearner(base)
        learner.get("/lessons/sms-basics/1")
        answers = [("1", {"target": "app-messages"}), ("2", {"target": "son1"}),
                   ("3", {"done": "1"}), ("4", {"option": "1"})]
        for number, form in answers:  # many connections: the kernel spreads them over both
            status, body = learner.post(f"/lessons/sms-basics/{number}", **form)
            assert status == 200 and "feedback good" in body, number
        for _ in range(20):
            assert "Đã học 4/6 bước" in learner.get("/")[2]
        children = children_of(proc.pid)
        assert len(children) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    time.sleep(0.5)
    assert not [pid for pid in children if alive(pid)]  # no process left holding the port


def children_of(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"

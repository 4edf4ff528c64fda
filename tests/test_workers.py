"""`trainer serve --workers 2` (gunicorn): several processes on one port, one learner's
progress consistent whichever process answers, a killed worker replaced, and a killed
master leaving the port free for a restart. On Windows, `--workers` says what to do."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from tests.browser.conftest import free_port
from tests.conftest import fresh_database_url
from tests.http_learner import HttpLearner
from trainer import db as database

ANSWERS = [("1", {"target": "app-messages"}), ("2", {"target": "son1"}),
           ("3", {"done": "1"}), ("4", {"option": "1"})]


def start(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from trainer.cli import main; main()", "serve",
         "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_served(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
            time.sleep(0.2)


def wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def answer(learner: HttpLearner, number: str, form: dict) -> None:
    status, body = learner.post(f"/lessons/sms-basics/{number}", **form)
    assert status == 200 and "feedback good" in body, number


def test_workers_share_the_port_are_replaced_and_leave_with_the_master(tmp_path):
    url = fresh_database_url(tmp_path)
    engine = database.make_engine(url)
    database.upgrade(engine)
    engine.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "workers-test"}
    base = f"http://127.0.0.1:{port}"
    proc = start(port, env)
    try:
        wait_until_served(base, proc)
        assert wait_for(lambda: len(children_of(proc.pid)) == 2)
        workers = children_of(proc.pid)
        learner = HttpLearner(base)
        learner.get("/lessons/sms-basics/1")
        for number, form in ANSWERS[:2]:  # many connections: the kernel spreads them
            answer(learner, number, form)

        os.kill(workers[0], signal.SIGKILL)  # a worker dies mid-lesson: the other answers
        for number, form in ANSWERS[2:]:
            answer(learner, number, form)
        assert wait_for(lambda: len(children_of(proc.pid)) == 2), "the dead worker is replaced"
        assert workers[0] not in children_of(proc.pid)
        for _ in range(10):
            assert "Đã học 4/6 bước" in learner.get("/")[2]

        workers = children_of(proc.pid)
        proc.kill()  # the master is killed outright (OOM killer, kill -9)
        proc.wait(10)
        assert wait_for(lambda: not [pid for pid in workers if alive(pid)]), \
            "workers left holding the port after the master died"
        assert wait_for(lambda: port_is_free(port), 10)

        proc = start(port, env)  # a restart on the same port works, progress kept
        wait_until_served(base, proc)
        assert "Đã học 4/6 bước" in learner.get("/")[2]
        workers = children_of(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert wait_for(lambda: not [pid for pid in workers if alive(pid)], 5)
    assert port_is_free(port)


def test_workers_on_windows_say_how_to_run_several_processes(monkeypatch):
    from trainer.cli import main

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delattr(os, "fork")
    result = CliRunner().invoke(main, ["serve", "--workers", "2"],
                                env={"DATABASE_URL": "sqlite://"})
    assert result.exit_code == 2
    assert "--workers needs Linux" in result.output
    assert "trainer serve --port 5001" in result.output and "nginx" in result.output


def port_is_free(port: int) -> bool:
    """Nothing listens on it (closed connections waiting out TIME_WAIT do not count:
    servers, gunicorn and waitress too, bind with SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def children_of(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent and alive(int(stat.parent.name)):
            found.append(int(stat.parent.name))
    return sorted(found)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False

"""Browser tests: the real server (waitress, as `trainer serve`) in a subprocess,
driven by Playwright in Debian's chromium, the way a learner uses it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import fresh_database_url
from trainer import db as database

CHROMIUM = os.environ.get("TRAINER_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 640}
KIOSK = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# A red flag's size in a spot step: each of its words is a button at least this high, the
# phrase (span.spot-part) this wide; or the target's own button (the address bar).
PART_SIZE = ("el => { const bs = el.matches('button') ? [el] : [...el.querySelectorAll('button')];"
             " const r = el.getBoundingClientRect();"
             " return {height: Math.min(...bs.map(b => b.getBoundingClientRect().height)),"
             " width: r.width}; }")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test gets one more go when it fails: on a loaded 2-core machine a page
    can miss a timeout that an idle one meets. A test that fails twice is a real failure,
    and pytest reports every rerun (``-ra``), so flakiness stays visible."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`trainer serve` on a free port; can be killed and restarted on the same database."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env}
        self.log = tmp_path / "server.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> LiveServer:
        engine = database.make_engine(self.env["DATABASE_URL"])
        database.upgrade(engine)
        engine.dispose()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from trainer.cli import main; main()", "serve",
             "--port", str(self.port), "--threads", "8"],
            env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60  # a loaded 2-core CI machine can be slow
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log.read_text())

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            self.proc.wait(10)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    """Environment for the server; tests may add to it before starting `server`."""
    return {
        "DATABASE_URL": fresh_database_url(tmp_path),
        "SECRET_KEY": "browser-test-secret",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def server(tmp_path: Path, server_env: dict[str, str]):
    live = LiveServer(tmp_path, server_env).start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """``new_page(viewport=PHONE)``: a page in a fresh browser profile (no cookies)."""
    contexts = []

    def make(viewport=PHONE, **kwargs):
        context = browser.new_context(viewport=viewport, **kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(PHONE)


def tap(page, target: str) -> None:
    """Tap a named target on the simulated screen, as a learner's finger would."""
    page.locator(f'#step [data-target="{target}"]').first.click()


def wait_for_step(page, number: int) -> None:
    page.wait_for_selector(f'#step[data-number="{number}"]')


def shot(page, name: str) -> Path:
    """A screenshot to look at by eye; kept out of the repository (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

"""Browser tests: the real server (waitress, as `trainer serve`) in a subprocess,
driven by Playwright in Debian's chromium, the way a learner uses it."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import fresh_database_url, lesson_text
from trainer import db as database
from trainer.answers import accepted_answers
from trainer.classroom import auth
from trainer.content.lesson import Choose, Interaction, Judge, Lesson, Read, Spot, Step, Tap, Type
from trainer.content.library import load_library

CHROMIUM = os.environ.get("TRAINER_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 640}
KIOSK = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LESSONS = Path(__file__).resolve().parents[2] / "lessons"
# The bundled lessons, parsed once for every browser test that walks them (read only).
LIBRARY = load_library(LESSONS)

# A red flag's size in a spot step: each of its words is a button at least this high, the
# phrase (span.spot-part) this wide; or the target's own button (the address bar).
PART_SIZE = ("el => { const bs = el.matches('button') ? [el] : [...el.querySelectorAll('button')];"
             " const r = el.getBoundingClientRect();"
             " return {height: Math.min(...bs.map(b => b.getBoundingClientRect().height)),"
             " width: r.width}; }")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test gets one more go when it fails: on a loaded 2-core machine a page
    can miss a timeout that an idle one meets. A test that fails twice is a real failure,
    and pytest names every rerun at the end (``-r aR``), so flakiness stays visible."""
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


def fresh_env(tmp_path: Path) -> dict[str, str]:
    """A server's environment with a new, empty database under tmp_path."""
    return {
        "DATABASE_URL": fresh_database_url(tmp_path),
        "SECRET_KEY": "browser-test-secret",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    """Environment for the server; tests may add to it before starting `server`."""
    return fresh_env(tmp_path)


@pytest.fixture
def server(tmp_path: Path, server_env: dict[str, str]):
    live = LiveServer(tmp_path, server_env).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory):
    """One server for all the tests of a module: each learner is a fresh browser, so
    sharing it is safe, and starting it once keeps the module fast on a busy machine."""
    tmp = tmp_path_factory.mktemp("server")
    live = LiveServer(tmp, fresh_env(tmp)).start()
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


def plain(fragment: str, length: int | None = 30) -> str:
    """The words a learner reads in an author's HTML (tags and entities gone), the first
    ``length`` of them (enough to find an option or a feedback by its text; None: all)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()[:length]


def answer_in_panel(page, i: Interaction) -> None:
    """Answer right a step that is answered below the screen: choose by the options' text
    (the right one, or every right one ticked and then "Xong", "Done" in English), judge,
    or "read" it. Any other step is not this helper's to answer."""
    panel = page.locator("#step .answer-panel")
    if isinstance(i, Choose):
        right = [o for o in i.options if o.correct]
        if i.several:
            for o in right:
                panel.locator("label.option", has_text=plain(o.text)).locator("input").check()
            panel.get_by_role("button", name=re.compile("^(Xong|Done)$")).click()
        else:
            panel.locator("button.option", has_text=plain(right[0].text)).click()
    elif isinstance(i, Judge):
        page.locator(f"#step .judge-{i.answer}").click()
    elif isinstance(i, Read):
        panel.locator('button[name="done"]').click()
    else:
        raise AssertionError(f"not answered in the panel: {i!r}")


def shot(page, name: str) -> Path:
    """A screenshot to look at by eye; kept out of the repository (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def one_lesson(tmp_path: Path, lesson_id: str) -> dict[str, str]:
    """The server's settings for a library of one two-step lesson (topic "phone"), read
    from a folder under tmp_path, with local assets (no CDN)."""
    lessons = tmp_path / "lessons"
    (lessons / "vi").mkdir(parents=True)
    (lessons / "topics.yaml").write_text("- id: phone\n  order: 1\n  title: {vi: Điện thoại}\n",
                                         encoding="utf-8")
    (lessons / "vi" / f"{lesson_id}.md").write_text(lesson_text(lesson_id, steps=2),
                                                   encoding="utf-8")
    return {"TRAINER_LESSONS_DIR": str(lessons), "TRAINER_USE_CDN": "0"}


def add_volunteer(database_url: str, username: str, password: str, *, author: bool = False,
                  **fields: str) -> None:
    """A volunteer account written into the server's database, before anyone signs in."""
    engine = database.make_engine(database_url)
    db = database.make_sessionmaker(engine)()
    auth.create_volunteer(db, username, password, **fields).author = author
    db.commit()
    db.close()
    engine.dispose()


def sign_in(page, base: str, username: str, password: str) -> None:
    """A volunteer opens the volunteer pages, signs in through the form and is let in."""
    page.goto(base + "/volunteer/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/volunteer/$"))
    expect(page.locator('input[name="password"]')).to_have_count(0)


def phone_shot(page, name: str) -> None:
    """The simulated phone alone, to look at by eye (test-artifacts/, not in the repo)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for image in page.locator("#step .phone img").all():
        expect(image).to_have_js_property("complete", True)
    page.locator("#step .phone").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def type_answer(page, lesson: Lesson, step: Step, value: str | None = None) -> None:
    """Type as a learner does: on a passcode keypad digit by digit, else in the box."""
    i = step.interaction
    text = value if value is not None else accepted_answers(i, lesson.card)[0]
    field = page.locator('#step input[name="answer"]')
    keys = page.locator("#step [data-key]")
    if value is None and keys.count() and text.isdigit():
        field.fill("")
        for digit in text:
            page.locator(f'#step [data-key="{digit}"]').first.click()
        expect(field).to_have_value(text)
    else:
        field.fill(text)
    submit = page.locator("#step .device-form .vn-primary, #step .device-form .send-btn")
    if submit.count():
        submit.first.click()
    else:
        field.press("Enter")


def answer_right(page, lesson: Lesson, step: Step) -> None:
    """Answer a step right as a learner does, checking what she would notice on the way:
    a target she can hit (48 px), the words that say why, the step finished."""
    i = step.interaction
    if isinstance(i, Tap):
        target = page.locator(f'#step [data-target="{i.target}"]').first
        box = target.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, (lesson.id, step.key)
        tap(page, i.target)
    elif isinstance(i, Type):
        type_answer(page, lesson, step)
    elif isinstance(i, Choose | Judge | Read):
        answer_in_panel(page, i)
        why = next((o.why for o in i.options if o.correct), "") if isinstance(i, Choose) \
            else getattr(i, "why", "")
        if why:
            expect(page.locator("#step .feedback.good")).to_contain_text(plain(why, 40))
    elif isinstance(i, Spot):
        for flag, why in i.flags.items():
            part = page.locator(f'#step button.part[name="target"][value="{flag}"]').first
            box = part.bounding_box()
            assert box["height"] >= 48, (lesson.id, flag)
            part.click()
            expect(page.locator("#step .feedback.good")).to_contain_text(plain(why, 40))
    page.wait_for_selector("#step.is-finished")

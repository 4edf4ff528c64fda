"""Accessibility (issue 7): an axe-core audit of every kind of page at phone and
projector sizes, a keyboard-only walk through a lesson, the three text sizes
at 360×640 without horizontal scrolling, and read-aloud with the author's audio.

axe-core is the copy bundled in the axe-playwright-python wheel: nothing is
fetched. It is evaluated from the test side (CDP), which the app's CSP allows.
"""

from __future__ import annotations

import io
import re
import struct
import wave
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.a11y_walk import bundled, walk
from tests.browser.conftest import LIBRARY, PHONE, PROJECTOR, shot, tap
from tests.conftest import lesson_text
from trainer.screens import SCREENS
from trainer.speech import voice

AXE = Axe()
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
# Pages behind a volunteer's login, or that only send files, are audited where they lead.
OTHER_HOSTS = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")
SKIP_ROUTES = re.compile(r"^/(static|sw\.js|healthz|offline$)|\.(svg|png|js|json|csv|pdf)$")


# Visible elements that stick out of the screen, or clip their own text.
CUT_OFF = """() => [...document.querySelectorAll('body *')].filter(el => {
  const s = getComputedStyle(el);
  if (s.display === 'none' || !el.offsetParent || el.closest('.visually-hidden, .skip')) {
    return false;
  }
  const r = el.getBoundingClientRect();
  const clipped = s.overflowX === 'hidden' && el.scrollWidth > el.clientWidth + 1;
  return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1 ||
                         (clipped && el.innerText.trim()));
}).map(el => el.className || el.tagName).slice(0, 5)"""


def audit(page) -> list[str]:
    results = AXE.run(page, options=WCAG).response
    assert results["testEngine"]["name"] == "axe-core" and results["passes"], "axe did not run"
    return [f"{v['id']} ({v['impact']}): {node['target']} — {node['failureSummary'][:160]}"
            for v in results["violations"] for node in v["nodes"]]


def screen_steps() -> dict[str, str]:
    """For each registered screen and each kind of step, a bundled lesson step using it."""
    library = LIBRARY
    found: dict[str, str] = {}
    for lesson in library.listing("vi"):
        for number, step in enumerate(lesson.steps, start=1):
            url = f"/lessons/{lesson.id}/{number}"
            found.setdefault(f"screen {step.screen}", url)
            found.setdefault(f"step kind {step.interaction.kind}", url)
    return {k: v for k, v in found.items()
            if not k.startswith("screen ") or k.removeprefix("screen ") in SCREENS}


def plain_routes(server_url: str) -> list[str]:
    """Every page without parameters (volunteer, kiosk, privacy pages…), as they exist."""
    from trainer import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    routes = sorted({r.rule for r in app.url_map.iter_rules()
                     if "GET" in r.methods and not r.arguments and not SKIP_ROUTES.search(r.rule)})
    app.extensions["engine"].dispose()
    return routes


@pytest.mark.parametrize("viewport", [PHONE, PROJECTOR], ids=["phone", "projector"])
def test_every_kind_of_page_has_no_wcag_violations(server, new_page, viewport):
    page = new_page(viewport)
    page.route(OTHER_HOSTS, lambda route: route.abort())  # the CDN fails fast; htmx from /static
    problems: dict[str, list[str]] = {}

    def check(name: str, url: str | None = None) -> None:
        if url is not None:
            page.goto(server.url + url)
        found = audit(page)
        if found:
            problems[f"{name} ({page.url})"] = found

    for url in plain_routes(server.url):
        response = page.request.get(server.url + url)
        if "text/html" in response.headers.get("content-type", "") and "<html" in response.text():
            check(f"page {url}", url)
    groups: set[str] = set()
    for name, url in screen_steps().items():
        # A screen's markup is the same at every size: at the projector size one
        # screen of each group (same frame and styles) and each kind of step is enough.
        group = name.split(".")[0]
        if viewport is PHONE or not name.startswith("screen ") or group not in groups:
            groups.add(group)
            check(name, url)
    for name, url in (("error 404", "/no-such-page"), ("error 404 step", "/lessons/sms-basics/99"),
                      ("handbook topic", "/handbook/phone"), ("offline page", "/offline")):
        check(name, url)

    page.goto(server.url + "/lessons/sms-basics/1")
    tap(page, "app-phone")
    page.wait_for_selector(".feedback.try")
    check("wrong-answer feedback and hint")
    tap(page, "app-zalo")
    expect(page.locator(".hint")).to_have_count(2)
    tap(page, "app-camera")
    expect(page.locator(".hint")).to_have_count(3)
    page.get_by_role("button", name=re.compile("Cho tôi xem")).click()
    page.wait_for_selector('[data-target="app-messages"].show-me')
    check("show me")
    tap(page, "app-messages")
    page.wait_for_selector(".feedback.good")
    check("right-answer feedback")
    page.goto(server.url + "/lessons/sms-basics/done")
    check("lesson end page")

    page.goto(server.url + "/settings")
    page.get_by_label(re.compile("Rất lớn")).check()
    page.get_by_label(re.compile("Tương phản cao")).check()
    page.get_by_role("button", name=re.compile("Lưu")).click()
    for name in ("home", "step kind tap"):
        check(f"{name}, very large text and high contrast",
              "/" if name == "home" else screen_steps()[name])
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())


def test_keyboard_only_walk_through_a_lesson(server, new_page):
    page = new_page(PHONE)
    log: list[list[dict]] = []
    walk(page, server.url, bundled("sms-basics"), keyboard=True, log=log)
    expect(page.locator(".done-page")).to_be_visible()
    for seen in log:
        shown = [x for x in seen if x["tag"] != "BODY" and x["visible"]]
        assert all(x["outline"] for x in shown), f"focus not visible: {seen}"
        # Between the header (0) and the bottom of the page, the order is the reading
        # order: instruction (1), simulated screen (2), answer buttons (3).
        regions: list[int] = []
        for x in seen:
            if x["region"] == 0 or x["tag"] == "BODY":
                assert regions == sorted(regions), f"focus jumps back and forth: {seen}"
                regions = []
            elif x["region"] in (1, 2, 3):
                regions.append(x["region"])
        assert regions == sorted(regions), f"focus jumps back and forth: {seen}"


def test_simulated_screens_name_their_targets(server, new_page):
    page = new_page(PHONE)
    page.goto(server.url + "/lessons/sms-basics/1")
    phone = page.get_by_role("group", name=re.compile("Màn hình tập luyện"))
    expect(phone.get_by_role("button", name="Tin nhắn")).to_have_attribute(
        "data-target", "app-messages")
    expect(phone.get_by_role("button", name=re.compile("Quay lại"))).to_be_visible()


@pytest.mark.parametrize("size,px", [("normal", 20), ("large", 24), ("xlarge", 30)])
def test_text_sizes_fit_a_small_phone(server, new_page, size, px):
    page = new_page(PHONE)
    page.goto(server.url + "/settings")
    page.locator(f'input[name="text"][value="{size}"]').check()
    page.get_by_role("button", name=re.compile("Lưu")).click()
    for url in ("/", "/settings", "/lessons/sms-basics/1", "/lessons/sms-basics/4",
                "/handbook", "/no-such-page"):
        page.goto(server.url + url)
        body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert body >= px, (url, body)
        width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"{url} scrolls sideways at {size}: {width}"
        cut = page.evaluate(CUT_OFF)
        assert not cut, f"{url} cuts off text at {size}: {cut}"
    page.goto(server.url + "/lessons/sms-basics/1")
    shot(page, f"a11y-text-{size}-phone")


def tiny_wav() -> bytes:
    """A tenth of a second of quiet sound: enough for the browser to play."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"".join(struct.pack("<h", (i % 16) * 200) for i in range(800)))
    return buffer.getvalue()


@pytest.fixture
def audio_lessons(lessons_dir, server_env):
    lessons_dir("vi/a11y-audio.md", lesson_text("a11y-audio", steps=1).replace(
        "tap: app-messages", "tap: app-messages\naudio: a11y-step.wav"))
    (Path(lessons_dir.root) / "audio" / "a11y-step.wav").write_bytes(tiny_wav())
    server_env["TRAINER_LESSONS_DIR"] = str(lessons_dir.root)
    return lessons_dir


def test_listen_plays_the_authors_recording_when_declared(audio_lessons, server, new_page):
    page = new_page(PHONE)
    page.goto(server.url + "/lessons/a11y-audio/1")
    page.locator(".more-toggle").click()  # on a phone "Nghe" is one tap away ("Xem thêm")
    button = page.locator(".listen-step .listen")
    assert '"recorded": "/lessons/audio/a11y-step.wav"' in button.get_attribute("data-parts")
    with page.expect_response(re.compile(r"/lessons/audio/a11y-step\.wav$")) as response:
        button.click()
    assert response.value.ok
    expect(button).to_have_attribute("data-playing", "recorded")
    expect(page.locator(".listen-step .listen-note")).to_be_empty()


def test_auto_read_plays_each_new_step_slower_when_chosen(audio_lessons, server, new_page):
    page = new_page(PHONE)
    page.goto(server.url + "/settings?next=/lessons/a11y-audio/1")
    page.get_by_label(re.compile("Tự đọc to")).check()
    page.get_by_label(re.compile("Đọc chậm hơn")).check()
    with page.expect_response(re.compile(r"/lessons/audio/a11y-step\.wav$")):
        page.get_by_role("button", name=re.compile("Lưu")).click()  # back to the step
    button = page.locator(".listen-step .listen")
    expect(button).to_have_attribute("data-playing", "recorded")  # nobody pressed "Nghe"
    expect(button).to_have_attribute("data-rate", "slow")


def test_listen_buttons_on_instruction_feedback_and_hints_speak_without_a_voice(server,
                                                                                new_page):
    page = new_page(PHONE)
    page.goto(server.url + "/lessons/sms-basics/1")
    tap(page, "app-phone")
    page.wait_for_selector(".feedback.try")
    for where in (".listen-step", ".listen-feedback", ".listen-hint"):
        expect(page.locator(f"{where} .listen")).to_have_count(1)
    button = page.locator(".listen-feedback .listen")
    assert "Điện thoại" in button.get_attribute("data-say")
    button.click()
    voices = page.evaluate("() => speechSynthesis.getVoices().map(v => v.lang)")
    if any(v.lower().startswith("vi") for v in voices):
        expect(button).to_have_attribute("data-playing", "device")
    elif voice.engine():  # Debian chromium has no voices: the server's voice speaks
        expect(button).to_have_attribute("data-playing", "server")
        expect(page.locator(".listen-feedback .listen-note")).to_be_empty()
    else:
        expect(page.locator(".listen-feedback .listen-note")).to_contain_text("chưa có giọng đọc")
        expect(button).to_have_attribute("data-playing", "none")

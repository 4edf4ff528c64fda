"""'Nghe' on this machine's chromium, which has no speech voices: the app's own voice
speaks every step; a volunteer records a text with a (fake) microphone and learners
hear that recording for those words only; nothing plays over a call's ringing."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, CHROMIUM, KIOSK, PHONE, shot, tap, wait_for_step
from tests.browser.test_authors import sign_in
from tests.conftest import FRONT, ROOT
from trainer.cli import check_command
from trainer.speech import voice

pytestmark = pytest.mark.skipif(voice.engine() is None, reason="espeak-ng is not installed")

RINGING = FRONT.format(id="nghe-goi").replace("topic: phone", "topic: scams-family").replace(
    "\n---\n", """
state:
  call: {from: Số lạ, number: "0123 456 789"}
  call_lines:
    - "Tôi là công an phường, [[rush: bác phải chuyển tiền ngay]]."
---
""", 1) + """\

## Có người gọi

Máy đang đổ chuông. Bấm Trả lời.

```step
id: ring
screen: call.incoming
tap: answer
```

## Nghe người gọi

Người gọi nói gì?

```step
id: talk
screen: call.incoming
set: {call_state: talking}
read: Tiếp tục
```
"""


@pytest.fixture
def lessons(tmp_path: Path, server_env: dict[str, str]) -> Path:
    root = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", root)
    (root / "vi" / "nghe-goi.md").write_text(RINGING, encoding="utf-8")
    server_env.update(TRAINER_LESSONS_DIR=str(root),
                      TRAINER_SPEECH_CACHE_DIR=str(tmp_path / "speech"))
    return root


def seconds(body: bytes) -> float:
    """Length of an Ogg Opus (last granule position at 48 kHz) or a WAV file."""
    if body[:4] == b"RIFF":
        rate, size = struct.unpack_from("<I", body, 24)[0], struct.unpack_from("<I", body, 40)[0]
        return size / (rate * 2)
    granule = struct.unpack_from("<q", body, body.rindex(b"OggS") + 6)[0]
    return (granule - struct.unpack_from("<H", body, body.index(b"OpusHead") + 10)[0]) / 48000


def press_listen(page, where: str = ".listen-step"):
    """Press "Nghe" and return the app's answer for the sound it played."""
    button = page.locator(f"#step {where} .listen").first
    toggle = page.locator("#step .more-toggle")
    if not button.is_visible() and toggle.count():  # on a phone "Nghe" is behind "Xem thêm"
        toggle.first.click()
    with page.expect_response(re.compile(r"/speech/vi/(voice|recorded)/")) as sound:
        button.click()
    return button, sound.value


@pytest.mark.parametrize("lesson,number", [("vneid-login", 2), ("portal-login", 1),
                                           ("scam-con-cap-cuu", 1)])
def test_listen_speaks_on_a_browser_without_voices(lessons, server, new_page, lesson, number):
    page = new_page(PHONE)
    page.goto(f"{server.url}/lessons/{lesson}/{number}")
    assert page.evaluate("() => speechSynthesis.getVoices().length") == 0  # this chromium
    button, played = press_listen(page)
    assert played.status in (200, 206)  # the media element asks for "bytes=0-"
    response = page.request.get(played.url)  # the whole file, as a plain GET
    assert response.status == 200
    assert response.headers["content-type"].startswith("audio/")
    body = response.body()
    assert len(body) > 1000 and seconds(body) > 0.5, (len(body), seconds(body))
    expect(button).to_have_attribute("data-playing", "server")
    expect(page.locator("#step .listen-step .listen-note")).to_be_empty()
    expect(button).to_have_attribute("data-played", "1", timeout=60_000)  # heard to the end
    expect(button).to_contain_text("Nghe lại")
    shot(page, f"speech-{lesson}")


def test_nothing_plays_over_the_ringing_and_the_caller_speaks_when_answered(lessons, server,
                                                                           new_page):
    page = new_page(PHONE)
    page.goto(server.url + "/settings?next=/lessons/nghe-goi/1")
    page.get_by_label(re.compile("Tự đọc to")).check()
    page.get_by_role("button", name=re.compile("Lưu")).click()
    wait_for_step(page, 1)
    heard = []
    page.on("request", lambda r: heard.append(r.url) if "/speech/" in r.url else None)
    page.wait_for_timeout(2500)  # auto-read is on, but the phone is ringing
    assert heard == []
    expect(page.locator("#step .listen-step .listen")).not_to_have_attribute("data-playing",
                                                                             re.compile("."))
    tap(page, "answer")
    page.locator("#step .btn-next").click()
    wait_for_step(page, 2)
    caller = page.locator("#step .listen-call .listen")
    expect(caller).to_have_attribute("data-playing", "server")
    said = json.loads(caller.get_attribute("data-parts"))
    assert said[0]["say"] == "Tôi là công an phường, bác phải chuyển tiền ngay."
    assert any(said[0]["voice"] in url for url in heard)
    shot(page, "speech-caller-answered")


@pytest.fixture
def microphone(tmp_path: Path, browser):
    """A browser whose microphone hears a Vietnamese sentence (espeak-ng's voice)."""
    wav = tmp_path / "mic.wav"
    subprocess.run(["espeak-ng", "-v", "vi", "-w", str(wav), "Bác bấm vào nút Đăng nhập."],
                   check=True)
    recorder = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={wav}"])
    context = recorder.new_context(viewport=KIOSK, permissions=["microphone"])
    context.set_default_timeout(15_000)
    yield context.new_page()
    recorder.close()


def test_a_volunteer_records_a_text_and_learners_hear_it_for_those_words_only(
        lessons, server, microphone, new_page):
    page = microphone
    sign_in(server, page)
    page.goto(server.url + "/authors/translations")
    expect(page.locator('#recordings [data-language="vi"]')).to_contain_text("0/")
    page.locator("#recordings details summary").first.click()  # each lesson, Vietnamese
    page.locator('a[href="/authors/record/vneid-login?lang=vi"]').first.click()
    item = page.locator('[data-role="tap-login.say"]')
    expect(item).to_contain_text("Chưa thu")
    item.locator(".record-start").click()
    expect(item).to_have_class(re.compile("is-recording"))
    page.wait_for_timeout(2500)
    item.locator(".record-stop").click()
    expect(item.locator(".record-take")).to_be_visible()  # listen back before saving
    assert item.locator(".record-take").get_attribute("src").startswith("blob:")
    item.locator(".record-keep").click()
    expect(item).to_have_class(re.compile("state-recorded"))
    expect(item.locator(".record-saved")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    item.screenshot(path=str(ARTIFACTS / "speech-record-saved.png"))
    saved = list((lessons / "audio" / "vi" / "vneid-login").glob("tap-login.say.*"))
    assert sorted(p.suffix for p in saved) == [".json", ".webm"]
    webm = next(p for p in saved if p.suffix == ".webm").read_bytes()
    assert webm[:4] == b"\x1a\x45\xdf\xa3" and len(webm) > 5000

    learner = new_page(PHONE)
    learner.goto(server.url + "/lessons/vneid-login/2")
    button, played = press_listen(learner)
    assert "/recorded/" in played.url and played.status in (200, 206)
    response = learner.request.get(played.url)
    assert response.status == 200
    assert response.headers["content-type"] == "audio/webm" and response.body() == webm
    expect(button).to_have_attribute("data-playing", "recorded")
    for other in (1, 3):  # other steps' words: the server's voice, never this recording
        learner.goto(f"{server.url}/lessons/vneid-login/{other}")
        assert "/recorded/" not in learner.locator("#step .listen-step .listen").get_attribute(
            "data-parts")

    # The author rewrites that instruction: check calls the recording outdated,
    # and learners hear the new words from the server's voice.
    source = lessons / "vi" / "vneid-dang-nhap.md"
    text = source.read_text(encoding="utf-8")
    heading = re.search(r"## Chọn Đăng nhập\n\n(.+)\n", text).group(1)
    source.write_text(text.replace(heading, heading + " Nút ở giữa màn hình."), encoding="utf-8")
    result = CliRunner().invoke(check_command, [str(lessons)])
    assert result.exit_code == 0
    assert "audio/vi/vneid-login/tap-login.say.webm is outdated" in result.output

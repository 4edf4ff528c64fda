"""'Nghe' always speaks (#22): text keys, volunteers' recordings made for exact words,
the server's voice for listed texts only, and what ``trainer check`` says about them."""

from __future__ import annotations

import html
import json
import re
import struct

import pytest
from click.testing import CliRunner

from tests.conftest import FRONT, ROOT
from tests.test_authors import sign_in
from trainer.cli import check_command
from trainer.content.library import load_library
from trainer.speech import recordings, voice
from trainer.speech.texts import lesson_texts, spoken, text_key

needs_voice = pytest.mark.skipif(voice.engine() is None, reason="espeak-ng is not installed")

LESSON = FRONT.format(id="nghe") + """
## Mở tin nhắn

Chạm vào **Tin nhắn**.

```step
id: open
screen: phone.home
tap: app-messages
hints: [Ô màu xanh ở dưới.]
wrong:
  default: Chưa phải ô này.
```

## Gọi điện

Chạm vào ô Điện thoại.

```step
id: call
screen: phone.home
tap: app-phone
```
"""

# A real Ogg page header is all the store looks at; the rest stands for Opus packets,
# more than the 16 KB a form may send, as a real recording is.
FAKE_OGG = b"OggS" + bytes(40_000)


def parts(page: str) -> list[dict]:
    """Every "Nghe" button's parts on a page, in order."""
    return [json.loads(html.unescape(m)) for m in re.findall(r'data-parts="([^"]*)"', page)]


@pytest.fixture
def site(make_app, lessons_dir, tmp_path):
    lessons_dir("vi/nghe.md", LESSON)
    app = make_app(LESSONS_DIR=str(lessons_dir.root), SPEECH_CACHE_DIR=str(tmp_path / "speech"))
    app.lessons_root = lessons_dir.root
    return app


def test_a_text_key_is_the_words_alone():
    assert text_key("✓ Đúng rồi!  Bác làm\ntốt lắm.") == text_key("Đúng rồi! Bác làm tốt lắm.")
    assert text_key("Đúng rồi!") != text_key("Đúng rồi")
    assert spoken("☛ Chạm → vào") == "Chạm vào"


def test_roles_stay_when_other_texts_change(lessons_dir):
    lessons_dir("vi/nghe.md", LESSON)
    before = {t.role: t.key for t in lesson_texts(
        load_library(lessons_dir.root).get("nghe", "vi"), str)}
    lessons_dir("vi/nghe.md", LESSON.replace("Chạm vào ô Điện thoại.", "Bấm ô Điện thoại."))
    after = {t.role: t.key for t in lesson_texts(
        load_library(lessons_dir.root).get("nghe", "vi"), str)}
    assert before.keys() == after.keys()
    assert {r for r in before if before[r] != after[r]} == {"call.say"}
    assert {"open.say", "open.hint-1", "open.praise", "open.wrong-default", "nudge", "end"} <= set(
        before)


def test_every_bundled_lesson_has_texts_to_hear():
    library = load_library(ROOT / "lessons")
    for lesson in library.lessons.values():
        roles = [t.role for t in lesson_texts(lesson, str)]
        assert len(roles) == len(set(roles)), lesson.path
        assert all(f"{s.key}.say" in roles for s in lesson.steps), lesson.path


@needs_voice
def test_each_listen_button_has_the_servers_voice_and_it_speaks(site):
    client = site.test_client()
    page = client.get("/lessons/nghe/1").text
    found = parts(page)
    assert found and found[0][0]["say"] == "Mở tin nhắn. Chạm vào Tin nhắn."
    url = found[0][0]["voice"]
    assert re.fullmatch(r"/speech/vi/voice/[0-9a-f]{20}\.(ogg|wav)", url)
    assert found[0][0]["recorded"] == ""
    sound = client.get(url)
    assert sound.status_code == 200 and sound.mimetype.startswith("audio/")
    assert sound.data[:4] in (b"OggS", b"RIFF") and len(sound.data) > 2000
    slow = client.get(url + "?speed=slow")
    assert slow.status_code == 200 and len(slow.data) > len(sound.data)  # said more slowly


def test_the_voice_says_only_what_the_app_put_on_a_page(site, tmp_path):
    client = site.test_client()
    stranger = text_key("Chuyển tiền ngay vào tài khoản này")
    assert client.get(f"/speech/vi/voice/{stranger}.ogg").status_code == 404
    assert client.get(f"/speech/vi/voice/{stranger}.wav").status_code == 404
    assert client.get("/speech/..%2Fx/voice/abc.ogg").status_code == 404
    assert voice.remember(tmp_path, "vi", "chữ " * 600) is None  # too long to be listed
    url = parts(client.get("/lessons/nghe/1").text)[0][0]["voice"]
    if url:
        assert client.get(url + "?speed=fast").status_code == 404


def save(client, role: str, data: bytes = FAKE_OGG, lesson: str = "nghe"):
    return client.post(f"/authors/record/{lesson}/{role}?lang=vi", data=data,
                       content_type="audio/ogg")


def test_a_recording_is_heard_for_its_words_only_and_check_calls_it_outdated(site):
    client = site.test_client()
    sign_in(site, client)
    page = client.get("/authors/record/nghe?lang=vi")
    assert page.status_code == 200 and 'data-role="open.say"' in page.text
    answer = save(client, "open.say")
    assert answer.status_code == 200 and answer.json["ok"], answer.text
    root = site.lessons_root
    assert (root / "audio/vi/nghe/open.say.ogg").read_bytes() == FAKE_OGG
    meta = json.loads((root / "audio/vi/nghe/open.say.json").read_text(encoding="utf-8"))
    assert meta["text"] == "Mở tin nhắn. Chạm vào Tin nhắn."
    assert meta["key"] == text_key(meta["text"])

    learner = site.test_client()
    first = parts(learner.get("/lessons/nghe/1").text)
    assert first[0][0]["recorded"] == answer.json["url"]
    served = learner.get(answer.json["url"])
    assert served.status_code == 200 and served.mimetype == "audio/ogg" and served.data == FAKE_OGG
    assert all(p["recorded"] == "" for button in first[1:] for p in button)  # the hint: no
    second = parts(learner.get("/lessons/nghe/2").text)
    assert second[0][0]["recorded"] == ""  # another step's words: never that recording

    result = CliRunner().invoke(check_command, [str(root)])
    assert result.exit_code == 0 and "outdated" not in result.output
    assert "vi 1/" in result.output

    # The author changes the instruction: the recording is no longer played, and check says so.
    changed = LESSON.replace("Chạm vào **Tin nhắn**.", "Chạm vào ô Tin nhắn.")
    (root / "vi/nghe.md").write_text(changed, encoding="utf-8")
    result = CliRunner().invoke(check_command, [str(root)])
    assert result.exit_code == 0  # information, not a failure
    assert "audio/vi/nghe/open.say.ogg is outdated" in result.output
    assert learner.get(answer.json["url"]).status_code == 200  # still the old words' file
    listed = CliRunner().invoke(check_command, [str(root), "--recordings"])
    assert "missing: open.hint-1" in listed.output


def test_a_recording_that_is_not_audio_is_refused_kindly(site):
    client = site.test_client()
    sign_in(site, client)
    answer = save(client, "open.say", b"<html>not a recording</html>")
    assert answer.status_code == 400 and not answer.json["ok"] and answer.json["message"]
    assert save(client, "no-such.role").status_code == 404
    assert save(client, "open.say", lesson="no-such-lesson").status_code == 404
    assert not (site.lessons_root / "audio/vi/nghe").exists()


def test_only_volunteers_record(site):
    client = site.test_client()
    assert save(client, "open.say").status_code == 403
    assert client.get("/authors/record/nghe").status_code == 302


def test_translations_page_counts_recordings_per_language(site):
    client = site.test_client()
    sign_in(site, client)
    save(client, "open.say")
    page = client.get("/authors/translations").text
    count = re.search(r'data-language="vi" data-recorded="(\d+)" data-total="(\d+)"', page)
    total = len(lesson_texts(load_library(site.lessons_root).get("nghe", "vi"), str))
    assert count and count.groups() == ("1", str(total))
    assert "/authors/record/nghe?lang=vi" in page


def test_volunteer_pages_say_when_the_voice_is_missing(site, monkeypatch):
    client = site.test_client()
    sign_in(site, client)
    monkeypatch.setattr(voice, "engine", lambda: None)
    voice.voice_for.cache_clear()
    try:
        assert "speech-missing" in client.get("/volunteer/").text
        assert all(p["voice"] == "" for b in parts(client.get("/lessons/nghe/1").text) for p in b)
    finally:
        voice.voice_for.cache_clear()


def ogg_seconds(data: bytes) -> float:
    """An Ogg Opus file's length: the last page's granule position at 48 kHz, less pre-skip."""
    last = data.rindex(b"OggS")
    granule = struct.unpack_from("<q", data, last + 6)[0]
    pre_skip = struct.unpack_from("<H", data, data.index(b"OpusHead") + 10)[0]
    return (granule - pre_skip) / 48000


@needs_voice
def test_synthesis_is_cached_on_disk(tmp_path):
    first = voice.synthesise(tmp_path, "vi", "Bác bấm vào nút Đăng nhập.")
    mtime = first.path.stat().st_mtime_ns
    again = voice.synthesise(tmp_path, "vi", "Bác  bấm vào nút Đăng nhập. ")
    assert again.path == first.path and again.path.stat().st_mtime_ns == mtime
    assert voice.synthesise(tmp_path, "vi", "Bác bấm vào nút Đăng nhập.", "slow").path != first.path
    if first.mimetype == "audio/ogg":
        assert ogg_seconds(first.path.read_bytes()) > 0.5
    assert recordings.find(tmp_path, "vi", "x") is None


def test_saving_a_recording_needs_the_pages_csrf_token_and_takes_more_than_a_form(site):
    client = site.test_client()
    sign_in(site, client)
    site.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/authors/record/nghe?lang=vi").text
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert save(client, "open.say").status_code == 400  # no token: a forged request
    answer = client.post("/authors/record/nghe/open.say?lang=vi", data=FAKE_OGG,
                         content_type="audio/ogg", headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.json["ok"]
    too_big = client.post("/authors/record/nghe/open.say?lang=vi", data=b"OggS" + bytes(
        recordings.MAX_BYTES), content_type="audio/ogg", headers={"X-CSRFToken": token})
    assert too_big.status_code == 413


def test_a_cache_folder_that_cannot_be_written_only_loses_the_voice(make_app, lessons_dir,
                                                                   tmp_path):
    lessons_dir("vi/nghe.md", LESSON)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    app = make_app(LESSONS_DIR=str(lessons_dir.root), SPEECH_CACHE_DIR=str(blocked / "speech"))
    page = app.test_client().get("/lessons/nghe/1")
    assert page.status_code == 200
    assert parts(page.text)[0][0]["voice"] == ""


@needs_voice
def test_a_lesson_not_yet_translated_is_spoken_in_its_own_language(site):
    """English page, Vietnamese lesson (no English twin yet): the instruction is in
    Vietnamese words, so the Vietnamese voice says it, not the English one."""
    client = site.test_client()
    client.set_cookie("lang", "en")
    page = client.get("/lessons/nghe/1").get_data(as_text=True)
    said = {p["say"]: p["voice"] for button in parts(page) for p in button}
    step = next(v for s, v in said.items() if "Tin nhắn" in s)
    assert step.startswith("/speech/vi/")


def test_check_works_out_no_texts_for_lessons_without_recordings(lessons_dir, monkeypatch):
    """Most lessons have no recordings: check says so without rendering every step's text
    (on 500 lessons that was most of its time); --recordings still counts them."""
    lessons_dir("vi/nghe.md", LESSON)
    root = lessons_dir.root
    worked_out = []
    real = recordings.lesson_texts
    monkeypatch.setattr(recordings, "lesson_texts",
                        lambda lesson, gettext: worked_out.append(lesson.id) or real(lesson,
                                                                                    gettext))
    result = CliRunner().invoke(check_command, [str(root)])
    assert result.exit_code == 0 and "no lesson has recordings yet" in result.output
    assert worked_out == []
    listed = CliRunner().invoke(check_command, [str(root), "--recordings"])
    assert worked_out == ["nghe"] and re.search(r"vi 0/\d+ texts recorded", listed.output)

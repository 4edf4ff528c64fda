"""Cẩm nang (issue 7): the handbook of a topic printed to PDF by Chromium:
A4, each lesson on its own page(s), every step's words there, no buttons."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import KIOSK, LIBRARY, shot
from tests.conftest import FRONT

A4 = (595, 842)  # points
RUNNING_HEAD = "Cẩm nang Tập Số"


def squash(text: str) -> str:
    """PDF text comes out with spaces around Vietnamese marks: compare without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def print_pdf(page, url: str, path: Path) -> list[str]:
    page.goto(url)
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=True)
    reader = PdfReader(str(path))
    for sheet in reader.pages:
        width, height = (round(float(x)) for x in sheet.mediabox.upper_right)
        assert abs(width - A4[0]) <= 2 and abs(height - A4[1]) <= 2
    return [squash(sheet.extract_text()) for sheet in reader.pages]


def lesson(lesson_id: str, title: str, steps: int, topic: str = "phone") -> str:
    text = FRONT.format(id=lesson_id).replace("title: Bài thử", f"title: {title}")
    text = text.replace("topic: phone", f"topic: {topic}")
    for n in range(1, steps + 1):
        text += (f"\n## Bước thử {n} của {title}\n\nChạm vào Tin nhắn lần {n}.\n\n"
                 f"```step\nid: s{n}\nscreen: phone.home\ntap: app-messages\n```\n")
    return text


@pytest.fixture
def handbook_lessons(lessons_dir, server_env):
    lessons_dir("vi/hb-one.md", lesson("hb-one", "Bài Một", 3))
    lessons_dir("vi/hb-two.md", lesson("hb-two", "Bài Hai", 2).replace("order: 1", "order: 2"))
    lessons_dir("vi/hb-other.md", lesson("hb-other", "Bài Khác", 1, topic="scams"))
    server_env["TRAINER_LESSONS_DIR"] = str(lessons_dir.root)


def test_handbook_prints_one_page_per_lesson(handbook_lessons, server, new_page, tmp_path):
    page = new_page(KIOSK)
    page.goto(server.url + "/handbook")
    page.get_by_role("link", name="Làm quen điện thoại").click()
    shot(page, "a11y-handbook-screen")
    pages = print_pdf(page, page.url, tmp_path / "handbook.pdf")
    assert len(pages) == 2
    assert squash("Bài Một") in pages[0] and squash("Bài Hai") not in pages[0]
    assert squash("Bài Hai") in pages[1] and squash("Bài Một") not in pages[1]
    for n in (1, 2, 3):
        assert squash(f"Bước thử {n} của Bài Một") in pages[0]
        assert squash(f"Chạm vào Tin nhắn lần {n}.") in pages[0]
    assert squash("Màn hình tập luyện") in pages[0]  # the picture of the practice screen
    everything = "".join(pages)
    assert squash("Bài Khác") not in everything  # another topic
    for button in ("Nghe", "In cẩm nang", "Cỡ chữ", "Gợi ý", "Trang chủ"):
        assert squash(button) not in everything, button


def test_bundled_topic_handbook_has_every_step(server, new_page, tmp_path):
    library = LIBRARY
    topic, lessons = library.by_topic("vi")[0]
    page = new_page(KIOSK)
    pages = print_pdf(page, f"{server.url}/handbook/{topic.id}", tmp_path / "topic.pdf")
    starts = [i for i, text in enumerate(pages) if text.startswith(squash(RUNNING_HEAD))]
    assert len(starts) == len(lessons)  # every lesson begins a new page
    assert len(lessons) <= len(pages) <= 2 * len(lessons)
    for start, end, item in zip(starts, [*starts[1:], len(pages)], lessons, strict=True):
        text = "".join(pages[start:end])
        assert squash(item.title) in text
        for step in item.steps:
            assert squash(step.heading) in text, step.heading

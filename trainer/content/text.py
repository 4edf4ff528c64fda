"""Lesson text to safe HTML: Python-Markdown with a small extension set, then nh3.

Lesson files are written by volunteers and may be shared around, so they are
untrusted: whatever the Markdown produces is cleaned to a short allow-list.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata

import markdown
import nh3

EXTENSIONS = ["sane_lists"]
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code",
    "blockquote", "h3", "h4", "span", "kbd", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_WRAPPING_P = re.compile(r"^<p>(.*)</p>$", re.S)
_MARKUP = re.compile(r"[*_`\[\]<>&!#\\]|\n|^\s*(\d+[.)]|[-+])\s|https?:")


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown converter per thread: building one costs far more than converting."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return md


def render_markdown(text: str) -> str:
    """Block Markdown (paragraphs, lists) to sanitised HTML."""
    if not (text or "").strip():
        return ""
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "tel"},
        link_rel="noopener noreferrer",
    )


def render_inline(text: str) -> str:
    """One line of Markdown (an option, a hint) without the wrapping paragraph."""
    text = str(text).strip()
    if not _MARKUP.search(text):  # plain words (most hints): no need for Markdown
        return html.escape(text, quote=False)
    out = render_markdown(text)
    match = _WRAPPING_P.match(out)
    return match.group(1) if match else out


def plain(text: str) -> str:
    """Text with tags and Markdown emphasis removed, for read-aloud."""
    stripped = html.unescape(nh3.clean(render_markdown(text), tags=set()))
    return re.sub(r"\s+", " ", stripped).strip()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form of Vietnamese text ("Đà Lạt" -> "da lat")."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare).strip()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")

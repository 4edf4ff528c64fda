"""Channels scammers use: phone and video calls, a Zalo-like chat, a web page,
an "unknown source" install prompt, a payment QR and a paper letter (declared in
``templates/screens/{call,chat,web,app,pay,paper}/screens.yaml``).

Each screen reads a few plain state keys so an author can build a scenario in
the front matter and change it step by step (``set:`` replaces a key, ``add:``
appends to a list). Any text may mark parts as ``[[name: words]]`` so a spot
step can ask for them. Every number and domain in a scenario must look fake
(``0123…``, ``.example``) unless it is a verified official contact.
"""

from markupsafe import Markup, escape

from trainer.screens import template_filter


@template_filter
def call_line(line: object) -> dict:
    """A caller's line as ``{text, audio}`` whether the author wrote a text or a mapping."""
    if isinstance(line, dict):
        return {"text": str(line.get("text", "")), "audio": line.get("audio")}
    return {"text": str(line), "audio": None}


@template_filter
def paragraphs(text: object) -> list[str]:
    """Split an author's text on blank lines (each paragraph goes through ``spans``)."""
    return [p.strip() for p in str(text or "").split("\n\n") if p.strip()]


@template_filter
def address_breaks(address: object) -> Markup:
    """A full web address that may wrap only between the parts of its domain name and
    after a slash, never inside a name: the ending the lessons teach her to check
    (".gov.vn", ".example") always stays whole."""
    text = str(address or "")
    scheme, sep, rest = text.rpartition("://") if "://" in text else ("", "", text)
    host, slash, path = rest.partition("/")
    parts = host.split(".")
    parts = [*parts[:-2], ".".join(parts[-2:])] if len(parts) > 2 else parts  # "gov.vn" whole
    labels = ".<wbr>".join(f'<span class="addr-part">{escape(x)}</span>' for x in parts)
    tail = str(escape(slash + path)).replace("/", "/<wbr>")
    return Markup(f"{escape(scheme + sep)}<wbr>{labels}{tail}")

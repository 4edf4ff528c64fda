"""QR codes as SVG, drawn on the server (no JavaScript, no internet)."""

from __future__ import annotations

import io

import segno


def svg_inline(data: str) -> str:
    """An <svg> element to put in a page; it scales to any size (viewBox, no fixed width)."""
    return segno.make(data, error="m").svg_inline(scale=1, border=4, omitsize=True,
                                                   dark="#000", light="#fff")


def svg_file(data: str) -> bytes:
    """A standalone SVG file (with its namespace) for an <img>."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=1, border=4, omitsize=True,
                                     xmldecl=False, dark="#000", light="#fff")
    return buffer.getvalue()

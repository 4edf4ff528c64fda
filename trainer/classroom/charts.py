"""Bar charts laid out on the server and drawn as inline SVG: no chart script to load,
and they print and work offline. Used by the practice history and volunteer reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    value: str  # above the bar, in words or figures


def bars(points: Sequence[tuple[str, float, str]], width: int, height: int, *,
         left: int = 0, right: int = 0, top: int = 0, bottom: int = 0,
         scale: float | None = None, min_height: float = 0) -> list[Bar]:
    """One bar per ``(label, amount, value text)``; ``scale`` is the amount of a full bar
    (the largest amount when not given)."""
    if not points:
        return []
    full = scale or max(amount for _, amount, _ in points) or 1
    slot = (width - left - right) / len(points)
    room = height - top - bottom
    out = []
    for i, (label, amount, value) in enumerate(points):
        h = max(min_height, room * amount / full)
        out.append(Bar(x=left + i * slot + slot * .15, y=height - bottom - h, width=slot * .7,
                       height=h, label=label, value=value))
    return out

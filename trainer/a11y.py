"""A learner's reading and viewing preferences: text size, contrast, motion, read-aloud.

Plain data with a compact text form, so the same value fits in a cookie (before
the learner exists) and in one column of the ``learner`` row (after). Nothing
here knows about Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT_SIZES = ("normal", "large", "xlarge")  # body text 20 / 24 / 30 px
FLAGS = ("contrast", "calm", "autoread", "slow")  # calm = reduced motion
MAX_ENCODED = 60


@dataclass(frozen=True)
class Prefs:
    text: str = "normal"
    contrast: bool = False
    calm: bool = False
    autoread: bool = False
    slow: bool = False

    def encode(self) -> str:
        """``large.contrast.slow``: short, readable, safe in a cookie."""
        return ".".join([self.text, *(f for f in FLAGS if getattr(self, f))])

    @classmethod
    def decode(cls, raw: str | None) -> Prefs:
        """Tolerant: anything unknown or tampered with falls back to the defaults."""
        if not raw or not isinstance(raw, str) or len(raw) > MAX_ENCODED:
            return cls()
        parts = raw.split(".")
        text = parts[0] if parts[0] in TEXT_SIZES else "normal"
        return cls(text=text, **{f: f in parts[1:] for f in FLAGS})

    @classmethod
    def from_form(cls, form) -> Prefs | None:
        """The settings form; ``None`` when a value is not one the form offers."""
        text = form.get("text", "normal")
        if text not in TEXT_SIZES:
            return None
        flags = {}
        for name in FLAGS:
            value = form.get(name, "0")
            if value not in ("0", "1"):
                return None
            flags[name] = value == "1"
        return cls(text=text, **flags)

    @property
    def html_class(self) -> str:
        """Classes on ``<html>``: the stylesheet and app.js read them."""
        names = [f"text-{self.text}"] + [f for f in FLAGS if getattr(self, f)]
        return " ".join(names)


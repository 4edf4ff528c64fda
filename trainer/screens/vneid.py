"""Template filters of the VNeID app's screens (declared in
``templates/screens/vneid/screens.yaml``)."""

from __future__ import annotations

import re

from trainer.screens import template_filter

PASSWORD_RULES = (  # label, pattern: one source for the server and the live checklist (app.js)
    ("Từ 8 đến 20 ký tự", r"^.{8,20}$"),
    ("Có chữ hoa (A–Z)", r"[A-Z]"),
    ("Có chữ thường (a–z)", r"[a-z]"),
    ("Có chữ số (0–9)", r"[0-9]"),
    ("Có ký tự đặc biệt (ví dụ @ # !)", r"[^A-Za-z0-9\s]"),
)


@template_filter
def password_rules(password: str | None) -> list[tuple[str, str, bool]]:
    """The app's password rules, their patterns and whether ``password`` meets each."""
    text = password or ""
    return [(label, pattern, bool(text) and re.search(pattern, text) is not None)
            for label, pattern in PASSWORD_RULES]


@template_filter
def practice_card(card: object) -> object:
    """The lesson's practice card, or the default one where a screen is drawn without a
    lesson (the authors' catalogue), so identity screens always have something to show."""
    from trainer.content.practice_card import CARDS

    return card if hasattr(card, "id_number") else CARDS["default"]

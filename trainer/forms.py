"""Forms: what a posted form may contain, checked in one place."""

from __future__ import annotations


def submission_id(form) -> str | None:  # noqa: ANN001 - any Mapping of form fields
    """The random ``sid`` every answer form carries, so a double-submitted answer is
    recorded once."""
    sid = form.get("sid", "")
    return sid[:40] if sid else None

"""The screen registry holds exactly the screens, targets, fields, descriptions and
examples declared before they moved from Python to data."""

from __future__ import annotations

import json
from pathlib import Path

from trainer.screens import SCREENS

# Every screen as the Python register() calls declared it, before the move to YAML.
# A screen changed on purpose: change this file with it.
BEFORE = Path(__file__).with_name("data") / "screens.json"


def test_the_registry_holds_the_screens_declared_before():
    now = {name: {"title": s.title, "targets": sorted(s.targets), "fields": sorted(s.fields),
                  "frame": s.frame, "description": s.description, "example": s.example}
           for name, s in SCREENS.items()}
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    assert sorted(now) == sorted(before)
    for name in before:
        assert now[name] == before[name], name

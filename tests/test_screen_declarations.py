"""Screens declared as data (``templates/screens/<group>/screens.yaml``): the registry
holds exactly what the Python declarations held, and a malformed declaration stops
the start-up with its ``file:line``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.screens import SCREENS, ScreenError, read_declarations

# Every screen as the Python register() calls declared it, before the move to YAML.
# A screen changed on purpose: change this file with it.
BEFORE = Path(__file__).with_name("data") / "screens.json"


def test_the_registry_holds_the_screens_declared_before():
    from trainer.screens.kit import APPS

    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    now = {name: {"title": s.title, "targets": sorted(s.targets), "fields": sorted(s.fields),
                  "frame": s.frame, "description": s.description, "example": s.example}
           for name, s in SCREENS.items() if s.kit is None}  # kit apps: tests/test_screen_kit.py
    home = set(now["phone.home"]["targets"])
    added = home - set(before["phone.home"]["targets"])
    assert added <= {a.target for a in APPS.values()}  # the home screen adds kit apps only
    now["phone.home"]["targets"] = sorted(home - added)
    assert sorted(now) == sorted(before)
    for name in before:
        assert now[name] == before[name], name


def test_computed_targets_join_the_declared_ones():
    assert {"portal-home", "address", "proc-khai-sinh", "field-ho-tich"} <= \
        SCREENS["portal.procedures"].targets
    assert "photo-can-cuoc" in SCREENS["portal.attach"].targets
    assert {"child_name", "purpose", "phone"} <= SCREENS["portal.form"].fields


def declare(tmp_path: Path, text: str) -> Path:
    """``text`` as ``demo/screens.yaml`` beside a template ``demo/one.html``."""
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "one.html").write_text("<p>one</p>")
    path = folder / "screens.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_declaration_reads_like_the_registry_docstring(tmp_path):
    path = declare(tmp_path, "- name: demo.one\n  title: One\n  frame: browser\n"
                             "  targets: [back, next]\n  fields: [reply]\n"
                             "  description: >-\n    Two\n    lines.\n"
                             "  example: |\n    id: x\n    screen: demo.one\n")
    [(where, screen)] = read_declarations(path)
    assert where == f"{path}:1"
    assert (screen.title, screen.frame, screen.description) == ("One", "browser", "Two lines.")
    assert screen.targets == {"back", "next"} and screen.fields == {"reply"}
    assert screen.example == "id: x\nscreen: demo.one"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("- name: demo.one\n  title: One\n  target: [back]\n", 3, "unknown key 'target'"),
    ("- name: demo.one\n  description: No title.\n", 1, "screen demo.one has no title"),
    ("- name: demo.one\n  title: One\n  title: Two\n", 3, "'title' is given twice"),
    ("- name: other.one\n  title: One\n", 1, "needs a name 'demo.<template>'"),
    ("- name: demo.two\n  title: Two\n", 1, "no template demo/two.html"),
    ("- name: demo.one\n  title: One\n  targets: back\n", 3, "must be a list of names"),
    ("- name: demo.one\n  title: One\n  frame: tablet\n", 3, "frame of demo.one must be"),
    ("name: demo.one\n", 1, "expected a list of screens"),
    ("- name: demo.one\n  title: [One\n", 3, "not valid YAML"),
])
def test_a_malformed_declaration_says_where(tmp_path, text, line, message):
    path = declare(tmp_path, text)
    with pytest.raises(ScreenError, match=message) as caught:
        read_declarations(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_name_declared_twice_says_where_both_are(tmp_path, monkeypatch):
    from trainer import screens

    declare(tmp_path, "- name: demo.one\n  title: One\n\n- name: demo.one\n  title: Again\n")
    monkeypatch.setattr(screens, "SCREENS", {})
    with pytest.raises(ScreenError, match=r"screens.yaml:4: screen demo.one is declared twice "
                                          r"\(first: .*screens.yaml:1\)"):
        screens.load_declarations(tmp_path)

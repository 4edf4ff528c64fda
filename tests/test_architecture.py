"""The layout rules a newcomer relies on (docs/architecture.md): a view module never
imports another, app-wide hooks live in ``web.init_app``, each blueprint owns one area of
URLs, and the top of ``trainer/`` stays short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from trainer.web import safe_next

TRAINER = Path(__file__).resolve().parent.parent / "trainer"
VIEWS = sorted(p for p in (TRAINER / "views").glob("*.py") if p.name != "__init__.py")


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_a_view_module_never_imports_another_view_module(path):
    assert not {m for m in _imported(path) if m.startswith("trainer.views")}


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_views_register_no_app_wide_hooks(path):
    """before_app_request & co. belong in web.init_app, where each says why it exists."""
    text = path.read_text(encoding="utf-8")
    assert ".app_" not in text and "after_app_request" not in text


def test_at_most_twelve_plain_modules_at_the_top():
    assert len(list(TRAINER.glob("*.py"))) <= 12


AREAS = {"home": None, "lessons": {"lessons"}, "practice": {"practice"},
         "classroom": {"join", "class"}, "volunteer": {"volunteer"}, "kiosk": {"kiosk"},
         "authors": {"authors"}, "kit": {"kit"}}


def test_each_blueprint_owns_its_area_of_urls(app):
    by_area: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        area, _, _ = rule.endpoint.partition(".")
        by_area.setdefault(area, set()).add(rule.rule.strip("/").split("/")[0])
    for area, prefixes in AREAS.items():
        if prefixes is not None:
            assert by_area[area] == prefixes, area
    # nobody else serves under another area's prefix
    owned = {p: a for a, ps in AREAS.items() if ps for p in ps}
    for area, prefixes in by_area.items():
        for prefix in prefixes:
            assert owned.get(prefix, area) == area, (area, prefix)


@pytest.mark.parametrize("old, new", [("/card/", "/practice-card/default"),
                                      ("/card/default?size=a6", "/practice-card/default"),
                                      ("/card", "/my-card")])
def test_the_two_card_pages_say_what_they_are_and_old_links_still_work(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"].startswith(new)
    if "size=a6" in old:
        assert "size=a6" in response.headers["Location"]


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "/%09/evil.example".replace("%09", "\t"),
    "/\n/evil.example", "https://evil.example/", "javascript:alert(1)", "evil", "", None,
    "/\x7f/x",
])
def test_safe_next_keeps_people_on_this_site(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/lessons/x/2", "/volunteer/?a=1", "/"])
def test_safe_next_lets_paths_of_this_site_through(target):
    assert safe_next(target, "/home") == target

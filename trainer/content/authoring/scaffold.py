"""``trainer new``: a new lesson in Vietnamese and English that already passes
``trainer check``, written from the files in ``trainer/data/scaffolds/``."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path

from trainer.content.authoring.translations import source_hash
from trainer.content.library import DEFAULT_LOCALE, load_library
from trainer.content.parser import ID_RE


class ScaffoldError(ValueError):
    """Why ``trainer new`` cannot write the files (shown to the author as is)."""


def scaffold(root: Path, topic: str, slug: str, today: dt.date | None = None) -> list[Path]:
    """Write ``vi/<slug>.md`` and ``en/<slug>.md``: a lesson that passes ``trainer check``
    with one step of each kind, every line explained in comments."""
    root = Path(root)
    if not ID_RE.match(slug):
        raise ScaffoldError(f"'{slug}' cannot be a lesson name: use lower-case letters, digits "
                            "and '-', like 'lua-dao-qua-zalo'.")
    topics = load_library(root).topics
    if topic not in topics:
        raise ScaffoldError(f"Unknown topic '{topic}'. Use one of: {', '.join(sorted(topics))}, "
                            "or add it to lessons/topics.yaml first.")
    paths = [root / DEFAULT_LOCALE / f"{slug}.md", root / "en" / f"{slug}.md"]
    existing = [str(p) for p in paths if p.exists()]
    if existing:
        raise ScaffoldError(f"{', '.join(existing)} already exists; choose another name.")
    checked = (today or dt.date.today()).isoformat()
    vi = _template("vi").format(slug=slug, topic=topic, checked=checked)
    en = _template("en").format(slug=slug, topic=topic, checked=checked, hash=source_hash(vi))
    for path, text in zip(paths, (vi, en), strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return paths


def _template(locale: str) -> str:
    """``lesson.<locale>.md``: a lesson with one step of each kind, every line explained
    in comments, and ``{slug}``, ``{topic}``, ``{checked}`` (``{hash}``) to fill in."""
    return files("trainer").joinpath("data", "scaffolds", f"lesson.{locale}.md").read_text(
        encoding="utf-8")

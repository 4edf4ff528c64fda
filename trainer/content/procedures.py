"""The practice catalogue of administrative procedures and its forgiving search.

Older learners type the way they speak: without diacritics, with a slip of one
letter, in capitals. Search therefore compares words after ``fold`` (no case,
no diacritics) and accepts one edit (a wrong, missing, extra or swapped
letter) in words of three letters or more. Plain module: no Flask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA

from trainer.content.lesson import Source
from trainer.content.text import fold

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "procedures.yaml"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: read on every start-up

# Words people add around what they want ("thủ tục làm khai sinh online"): they
# narrow nothing, so they are dropped from the query.
FILLER = frozenset({"thu", "tuc", "lam", "xin", "nop", "ho", "so", "online", "truc", "tuyen",
                    "o", "dau", "nao", "gi"})
MIN_FUZZY = 3  # shorter words must match exactly ("tu" must not find "tru")


@dataclass(frozen=True)
class Procedure:
    id: str
    name: str
    field: str
    agency: str
    conditions: tuple[str, ...]
    documents: tuple[str, ...]
    fee: str
    time: str
    keywords: tuple[str, ...]
    source: Source
    checked: dt.date | None = None

    @property
    def target(self) -> str:
        """The screen target that opens this procedure in a results list."""
        return f"proc-{self.id}"

    def words(self) -> tuple[str, ...]:
        text = " ".join((self.name, self.field, *self.keywords))
        return tuple(dict.fromkeys(fold(text).replace(",", " ").split()))


def _procedure(data: dict) -> Procedure:
    source = data.get("source") or {}
    return Procedure(
        id=str(data["id"]), name=str(data["name"]), field=str(data["field"]),
        agency=str(data["agency"]), conditions=tuple(map(str, data.get("conditions") or ())),
        documents=tuple(map(str, data.get("documents") or ())),
        fee=str(data.get("fee") or "Theo quy định."), time=str(data.get("time") or ""),
        keywords=tuple(map(str, data.get("keywords") or ())),
        source=Source(str(source.get("title", "")), str(source.get("url", ""))),
        checked=data.get("checked"),
    )


@cache
def catalogue(path: Path = CATALOGUE) -> tuple[Procedure, ...]:
    """Every procedure, in the file's order (the order of the portal's list)."""
    with path.open(encoding="utf-8") as f:
        return tuple(_procedure(item) for item in yaml.load(f, Loader=_Loader))


def get(procedure_id: str | None) -> Procedure | None:
    return next((p for p in catalogue() if p.id == procedure_id), None)


def fields() -> list[str]:
    return list(dict.fromkeys(p.field for p in catalogue()))


def agencies() -> list[str]:
    return list(dict.fromkeys(p.agency for p in catalogue()))


def _word_cost(term: str, words: tuple[str, ...]) -> int | None:
    """0 if ``term`` is one of ``words`` (or starts one), 1 for a one-letter slip, else None."""
    if any(w == term or (len(term) >= MIN_FUZZY and w.startswith(term)) for w in words):
        return 0
    if len(term) >= MIN_FUZZY and any(OSA.distance(term, w, score_cutoff=1) <= 1
                                      for w in words):
        return 1
    return None


def _cost(terms: list[str], procedure: Procedure) -> int | None:
    words = procedure.words()
    total = 0
    for term in terms:
        cost = _word_cost(term, words)
        if cost is None:
            return None
        total += cost
    return total


def search(query: str | None, field: str | None = None, agency: str | None = None,
           items: tuple[Procedure, ...] | None = None) -> list[Procedure]:
    """Procedures matching every word of ``query``, exact matches first.

    An empty query lists everything (still filtered by ``field`` and ``agency``,
    compared without case or diacritics).
    """
    items = catalogue() if items is None else items
    if field:
        items = tuple(p for p in items if fold(p.field) == fold(field))
    if agency:
        items = tuple(p for p in items if fold(p.agency) == fold(agency))
    terms = [t for t in fold(query or "").replace(",", " ").split() if t not in FILLER]
    if not terms:
        return list(items)
    scored = [(cost, i, p) for i, p in enumerate(items)
              if (cost := _cost(terms, p)) is not None]
    phrase = " ".join(terms)
    best = min((cost for cost, _, _ in scored), default=0)
    return [p for cost, i, p in sorted(scored, key=lambda x: (
        x[0], phrase not in fold(x[2].name), x[1])) if cost == best]

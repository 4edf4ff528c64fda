"""The forgiving procedure search, over the whole practice catalogue: older learners
type without diacritics, in capitals, with a slip of one letter, and still find it."""

from __future__ import annotations

import pytest

from trainer.content import procedures
from trainer.content.text import fold

CATALOGUE = procedures.catalogue()
IDS = [p.id for p in CATALOGUE]


def ids(results) -> list[str]:
    return [p.id for p in results]


def longest_word(p: procedures.Procedure) -> str:
    return max(fold(p.name).replace(",", " ").split(), key=len)


def slips(word: str) -> list[str]:
    """One-letter slips in the middle of ``word``: wrong, missing, extra, swapped letter."""
    i = len(word) // 2
    wrong = word[:i] + ("x" if word[i] != "x" else "z") + word[i + 1:]
    return [wrong, word[:i] + word[i + 1:], word[:i] + "a" + word[i:],
            word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]]


def test_the_catalogue_has_enough_complete_procedures():
    assert len(CATALOGUE) >= 15
    assert len(set(IDS)) == len(IDS)
    for p in CATALOGUE:
        assert p.conditions and p.documents and p.fee and p.source.title, p.id


@pytest.mark.parametrize("p", CATALOGUE, ids=IDS)
def test_exact_name_finds_it_first(p):
    assert ids(procedures.search(p.name))[0] == p.id


@pytest.mark.parametrize("p", CATALOGUE, ids=IDS)
def test_without_diacritics_and_in_any_case(p):
    bare = fold(p.name)
    assert p.id in ids(procedures.search(bare))
    assert p.id in ids(procedures.search(bare.upper()))
    assert p.id in ids(procedures.search(p.name.upper()))


@pytest.mark.parametrize("p", CATALOGUE, ids=IDS)
def test_one_letter_slip_still_finds_it(p):
    name = fold(p.name)
    word = longest_word(p)
    assert len(word) >= 4, p.id
    for slip in slips(word):
        query = name.replace(word, slip, 1)
        assert p.id in ids(procedures.search(query)), (p.id, query)


@pytest.mark.parametrize("p", CATALOGUE, ids=IDS)
def test_filters_by_field_and_agency_keep_it(p):
    assert p.id in ids(procedures.search("", field=p.field))
    assert p.id in ids(procedures.search(fold(p.name), field=fold(p.field).upper()))
    assert p.id in ids(procedures.search("", agency=p.agency))


@pytest.mark.parametrize("field", procedures.fields())
def test_a_field_filter_shows_only_that_field(field):
    found = procedures.search("", field=field)
    assert found and all(p.field == field for p in found)


def test_the_examples_older_learners_type():
    assert ids(procedures.search("ly lich tu phap")) == ["ly-lich-tu-phap"]
    assert ids(procedures.search("LY LICH"))[0] == "ly-lich-tu-phap"
    assert ids(procedures.search("ly lcih tu phap")) == ["ly-lich-tu-phap"]  # swapped letters
    assert ids(procedures.search("khai snh"))[0] == "khai-sinh"  # a letter missing
    assert ids(procedures.search("thủ tục làm khai sinh"))[0] == "khai-sinh"  # filler words
    assert ids(procedures.search("bang lai xe")) == ["doi-gplx"]  # everyday words
    assert ids(procedures.search("cccd")) == ["can-cuoc"]


def test_exact_matches_hide_near_misses():
    assert ids(procedures.search("ho chieu")) == ["ho-chieu"]  # not "phiếu" (one letter off)


def test_short_words_must_match_exactly():
    assert procedures.search("tu phap") and "thuong-tru" not in ids(procedures.search("tu"))


def test_nothing_matches_nonsense_and_empty_lists_everything():
    assert procedures.search("xyzxyz qqq") == []
    assert ids(procedures.search("")) == IDS
    assert ids(procedures.search("   ")) == IDS


def test_filters_combine_with_words_and_with_each_other():
    found = ids(procedures.search("dang ky", agency="cong an cap xa"))
    assert found == ["thuong-tru", "tam-tru"]
    assert procedures.search("khai sinh", field="Cư trú") == []

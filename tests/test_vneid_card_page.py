"""The printable practice card for classes: A4 (four to cut) and A6, Vietnamese and English."""

from __future__ import annotations

from trainer.content.practice_card import CARDS


def test_card_page_prints_four_cards_on_a4_and_one_on_a6(client):
    card = CARDS["default"]
    a4 = client.get("/practice-card/").get_data(as_text=True)
    assert a4.count('class="print-card"') == 4
    assert card.id_number in a4 and card.phone in a4 and card.health_insurance in a4
    assert "css/card.css" in a4 and "THẺ TẬP LUYỆN" in a4
    a6 = client.get("/practice-card/default?size=a6").get_data(as_text=True)
    assert a6.count('class="print-card"') == 1


def test_card_page_speaks_english_when_chosen(client):
    client.set_cookie("lang", "en")
    html = client.get("/practice-card/").get_data(as_text=True)
    assert CARDS["default"].id_number in html and '<html lang="en"' in html


def test_unknown_card_or_paper_size_is_a_friendly_404(client):
    assert client.get("/practice-card/nobody").status_code == 404
    assert client.get("/practice-card/?size=letter").status_code == 404


def test_the_line_a_step_asks_for_is_marked_on_the_card_beside_it(client):
    html = client.get("/lessons/vneid-activate/4").get_data(as_text=True)  # the phone number
    assert 'class="card-ask" data-card="phone"' in html
    assert 'class="card-ask" data-card="id_number"' not in html

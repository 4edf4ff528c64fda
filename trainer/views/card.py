"""The printable practice card ("Thẻ tập luyện") for classes: a fake identity that learners
type from, on one A6 card or four to an A4 sheet for cutting. No data, no login."""

from __future__ import annotations

from flask import Blueprint, abort, request

from trainer.practice_card import CARDS
from trainer.web import render

bp = Blueprint("card", __name__, url_prefix="/card")

SIZES = {"a6": 1, "a4": 4}  # paper size -> cards on one sheet


@bp.get("/")
@bp.get("/<key>")
def printable(key: str = "default"):
    card = CARDS.get(key)
    size = request.args.get("size", "a4")
    if card is None or size not in SIZES:
        abort(404)
    return render("card/print.html", "card/print.html", card=card, size=size,
                  copies=SIZES[size], sizes=SIZES)

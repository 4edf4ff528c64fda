"""Identity fields in the VNeID lessons take only the practice card's numbers: anything else
gets the practice-card message, is never echoed back, and nothing typed reaches the database."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, String, Text, select

from tests.conftest import feedback, htmx
from trainer.answers import Submission, check
from trainer.content.lesson import Step, Type
from trainer.content.practice_card import CARDS

PRACTICE_MESSAGE = "Bác hãy dùng số trên thẻ tập luyện — không nhập số thật ở đây."
ACTIVATE_ID_STEP = "/lessons/vneid-activate/3"  # "Gõ số định danh", bound to the card


def _step(card: str) -> Step:
    return Step(key="s", heading="h", body_md="", screen="vneid.account_form",
                interaction=Type(field="f", card=card), line=1)


@pytest.mark.parametrize("card, typed, reason", [
    ("id_number", "079158012345", "practice-card"),  # looks like a real ID
    ("id_number", "12345", "far"),  # just wrong
    ("password", "MatKhauThat@1", "far"),  # maybe the learner's own password
    ("passcode", "135790", "far"),
])
def test_a_far_answer_in_a_card_field_is_never_echoed_back(card, typed, reason):
    verdict = check(_step(card), Submission(text=typed))
    assert verdict.reason == reason and not verdict.correct and not verdict.keeps_text
    assert typed not in verdict.detail and verdict.feedback == ""
    assert check(_step(card), Submission(text=getattr(CARDS["default"], card))).correct


def test_a_slip_in_a_card_field_is_a_near_miss_kept_in_the_field():
    verdict = check(_step("health_insurance"), Submission(text="HT0000000000002"))
    assert verdict.reason == "typo" and verdict.keeps_text and verdict.detail == "typed"
    assert [(d.position, d.expected, d.typed) for d in verdict.differences] == [(15, "1", "2")]


def _every_text_value(app) -> list[str]:
    engine = app.extensions["engine"]
    meta = MetaData()
    meta.reflect(engine)
    values = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if columns:
                values += [str(v) for row in conn.execute(select(*columns)) for v in row if v]
    return values


def test_a_real_looking_number_gets_the_practice_card_message_and_is_not_stored(app, client):
    real = "079158012345"
    client.get(ACTIVATE_ID_STEP)
    response = htmx(client, ACTIVATE_ID_STEP, answer=real, target="send-request")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert feedback(html) == PRACTICE_MESSAGE
    assert real not in html  # not echoed back into the field
    assert 'class="practice-card"' in html  # the card to copy from is right there
    stored = _every_text_value(app)
    assert "practice-card" in stored  # the wrong answer was recorded, as right/wrong only
    assert not any(real in value for value in stored)

    right = htmx(client, ACTIVATE_ID_STEP, answer=CARDS["default"].id_number,
                 target="send-request")
    assert "Đúng rồi" in feedback(right.get_data(as_text=True))
    assert not any(real in value for value in _every_text_value(app))

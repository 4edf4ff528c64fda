"""Cẩm nang: the printable handbook that volunteers hand out after a class.

One section per lesson of a topic (a new A4 page each), with every step's
heading, instruction and a picture of its simulated screen: the screen partial
drawn with ``ScreenUI(taps=False)`` and the answer pointed at.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, abort
from flask_babel import get_locale
from markupsafe import Markup

from trainer.answers import accepted_answers
from trainer.lesson import Lesson, Spot, Step, Tap, Type
from trainer.screens import SCREENS, ScreenUI
from trainer.views.player import draw_screen
from trainer.web import library, render

log = logging.getLogger(__name__)
bp = Blueprint("handbook", __name__, url_prefix="/handbook")


@dataclass(frozen=True)
class Page:
    """One step as printed: its words and the picture of its screen."""

    number: int
    step: Step
    picture: Markup


@bp.get("")
def index():
    locale = str(get_locale())
    return render("handbook/index.html", "handbook/index.html",
                  groups=library().by_topic(locale), locale=locale)


@bp.get("/<topic_id>")
def topic(topic_id: str):
    locale = str(get_locale())
    groups = dict((t.id, (t, lessons)) for t, lessons in library().by_topic(locale))
    if topic_id not in groups:
        abort(404)
    found, lessons = groups[topic_id]
    chapters = [(lesson, [_page(lesson, i) for i in range(len(lesson.steps))])
                for lesson in lessons]
    return render("handbook/topic.html", "handbook/topic.html", topic=found,
                  chapters=chapters, locale=locale)


def _page(lesson: Lesson, index: int) -> Page:
    step = lesson.steps[index]
    return Page(index + 1, step, _picture(lesson, index))


def _picture(lesson: Lesson, index: int) -> Markup:
    """The step's screen as a picture, the answer marked; never breaks the whole page."""
    step = lesson.steps[index]
    interaction = step.interaction
    screen = SCREENS.get(step.screen)
    if screen is None:
        return Markup("")
    typed = ""
    if isinstance(interaction, Type):
        answers = accepted_answers(interaction, lesson.card)
        typed = answers[0] if answers else ""
    ui = ScreenUI(
        taps=False,
        highlight=interaction.target if isinstance(interaction, Tap) else None,
        reveal=frozenset(interaction.flags) if isinstance(interaction, Spot) else frozenset(),
        field=interaction.field if isinstance(interaction, Type) else None,
        value=typed,
    )
    try:
        return draw_screen(lesson, index, ui)
    except Exception:  # one odd screen must not cost the volunteer the whole handbook
        log.exception("handbook: screen %s of %s failed", step.screen, lesson.id)
        return Markup("")

"""Drawing a step: the one place that turns a lesson step and a learner's progress into
what ``_step.html`` and the simulated screens need.

The player, scam practice rounds, the presenter, the handbook and the authors' preview all
draw steps through here, so a step looks the same wherever it appears.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from flask import Response, current_app, render_template, url_for
from markupsafe import Markup, escape

from trainer import progress
from trainer.answers import Verdict, first_answer
from trainer.content.lesson import Choose, Interaction, Judge, Lesson, Read, Spot, Tap, Type
from trainer.content.practice_card import CARDS
from trainer.screens import SCREENS, ScreenUI
from trainer.screens.kit import KitApp, app_styles, kit_icon
from trainer.web import asset_url, current_learner, dev_mode, get_db, render_kept

SHOW_ME_AFTER = 3  # wrong answers before "show me" is offered (one per hint)


def screen_ui(lesson: Lesson, interaction: Interaction, *, taps: bool = True,
              point: bool = False, say_answer: bool = False,
              found: frozenset[str] = frozenset(), reveal: frozenset[str] = frozenset(),
              value: str = "") -> ScreenUI:
    """How to draw a step's screen. ``point`` marks the target (or every red flag), as
    "show me", the presenter's highlight and the handbook do; ``say_answer`` also shows
    what to type."""
    is_spot = isinstance(interaction, Spot)
    return ScreenUI(
        taps=taps,
        highlight=interaction.target if point and isinstance(interaction, Tap) else None,
        found=found if is_spot else frozenset(),
        reveal=frozenset(interaction.flags) if point and is_spot else reveal,
        field=interaction.field if isinstance(interaction, Type) else None,
        value=value,
        show_answer=first_answer(interaction, lesson.card) if say_answer else "",
        spot=is_spot,
    )


def step_context(lesson: Lesson, index: int, status: progress.StepStatus,
                 verdict: Verdict | None = None, typed: str | None = None,
                 asked: str | None = None) -> dict:
    """Everything ``_step.html`` needs; no database, so the authors' preview draws a step
    exactly as a learner sees it."""
    step = lesson.steps[index]
    helped = status.wrong + status.hints
    hints = step.hints[:min(len(step.hints), helped)]
    interaction = step.interaction
    showing = status.shown
    offer_show = not showing and (status.wrong >= SHOW_ME_AFTER or
                                  (helped > 0 and len(hints) == len(step.hints)))
    if isinstance(interaction, Spot) and verdict is None and status.finished:
        reveal = frozenset(interaction.flags) - status.found
    else:
        reveal = verdict.missed if verdict else frozenset()
    ui = screen_ui(lesson, interaction, point=showing, say_answer=showing,
                   found=status.found, reveal=reveal, value=typed or "")
    number = index + 1
    finished = status.finished or bool(verdict and verdict.finished)
    tapped = ""
    if (isinstance(interaction, Tap) and verdict is not None and verdict.reason == "wrong"
            and verdict.detail not in step.wrong):  # the author said nothing about this tap
        tapped = tapped_label(lesson, index, verdict.detail)
    following = (url_for("lessons.step", lesson_id=lesson.id, number=number + 1)
                 if number < len(lesson.steps) else url_for("lessons.done", lesson_id=lesson.id))
    return dict(
        lesson=lesson, step=step, number=number, total=len(lesson.steps), ui=ui,
        card=CARDS[lesson.card], status=status, verdict=verdict, hints=hints,
        offer_show=offer_show, showing=showing, asked=asked, finished=finished,
        following=following, sid=uuid.uuid4().hex, kind=interaction.kind,
        interaction=interaction, is_choose=isinstance(interaction, Choose),
        is_judge=isinstance(interaction, Judge), is_read=isinstance(interaction, Read),
        is_spot=isinstance(interaction, Spot),
        needs_card=isinstance(interaction, Type) and bool(interaction.card),
        act=act_on(interaction, finished, verdict), tapped=tapped,
    )


def act_on(interaction: Interaction, finished: bool, verdict: Verdict | None = None) -> str:
    """A CSS selector (inside ``#step``) for what the learner must act on now: the page
    keeps it in the viewport on arrival and after every answer, hint or "show me"."""
    if finished:
        return ".btn-next"
    if isinstance(interaction, Spot) and verdict is not None and re.fullmatch(
            r"[\w-]+", verdict.detail):  # a red flag found: stay where she is searching
        return f'.device-form [name="target"][value="{verdict.detail}"]'

    if isinstance(interaction, Tap) and re.fullmatch(r"[\w-]+", interaction.target):
        return f'.device-form [data-target="{interaction.target}"]'
    if isinstance(interaction, Type):
        return '.device-form input[name="answer"]'
    if isinstance(interaction, Choose | Judge):
        return ".answer-panel .options"
    if isinstance(interaction, Read):
        return '.answer-panel button[name="done"]'
    return ".device-form"  # spot the red flags (and a target no selector can name)


class _Label(HTMLParser):
    """The words a learner sees on one target of a drawn screen: its ``aria-label``,
    else its text without the parts hidden from screen readers (icons)."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target, self.depth, self.hidden_at, self.words = target, 0, None, []
        self.label: str | None = None

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "meta", "source",
                      "track", "wbr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
            if self.hidden_at is None and found.get("aria-hidden") == "true":
                self.hidden_at = self.depth
        elif found.get("data-target") == self.target and self.label is None:
            self.depth = 1
            self.label = found.get("aria-label") or ""

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            if self.hidden_at == self.depth:
                self.hidden_at = None
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and self.hidden_at is None:
            self.words.append(data)


def target_label(html: str, target: str) -> str:
    """What the tapped part of a screen says ("Zalo", "Quay lại"), so a wrong tap can be
    named in the screen's own words; "" if it has none."""
    parser = _Label(target)
    parser.feed(html)
    parser.close()
    words = parser.label or " ".join("".join(parser.words).split())
    return words.strip(" ◁○▷←→·")


def draw_screen(lesson: Lesson, index: int, ui: ScreenUI, finished: bool = False) -> Markup:
    """Step ``index``'s simulated screen, drawn as ``ui`` says. It depends only on the
    lesson file, the language and ``ui``, never on who is looking, so it is kept; a screen
    showing what someone typed is drawn fresh."""
    step = lesson.steps[index]
    screen = SCREENS[step.screen]

    def draw() -> str:
        return render_template(screen.template, lesson=lesson, step=step, screen=screen,
                               s=lesson.state_at(index), ui=ui, card=CARDS[lesson.card],
                               finished=finished, interaction=step.interaction,
                               kind=step.interaction.kind)

    if ui.value:
        return Markup(draw())
    return render_kept(lesson, ("screen", index, ui, finished), draw)


def resume_url(lesson: Lesson) -> str:
    """Where this learner goes on in ``lesson``: the first unfinished step, or the end
    page. Joining a class sends a phone straight there (one round trip fewer)."""
    db = get_db()
    attempt = progress.current_attempt(db, current_learner(), lesson.id)
    state = progress.lesson_progress(lesson, progress.finished_steps(db, attempt),
                                     attempt is not None)
    if state.finished:
        return url_for("lessons.done", lesson_id=lesson.id)
    return url_for("lessons.step", lesson_id=lesson.id, number=state.resume + 1)


@cache
def _screen_styles(static_dir: str, sheets: tuple[str, ...], mtimes: tuple[float, ...],
                   colours: str) -> tuple[str, str]:
    """``mtimes`` is only part of the cache key: a changed sheet gets a new entry."""
    text = "\n".join([*((Path(static_dir) / s).read_text(encoding="utf-8") for s in sheets),
                      colours])
    return text, hashlib.sha1(text.encode()).hexdigest()[:10]


def screen_styles() -> tuple[str, str]:
    """The simulated screens' one stylesheet and its hash: every group's sheet
    (static/css/screens/*.css) and the kit apps' colours, merged when asked. A step page
    waits for this one sheet, not seven (each is a round trip on a cheap phone's slow
    network), and the phone keeps it for every later step. Made from the static folder
    itself, so a fresh clone and an installed wheel need no build step."""
    config = current_app.config
    sheets = tuple(config["SCREEN_CSS"])
    static = Path(config["STATIC_DIR"])
    mtimes = tuple((static / s).stat().st_mtime for s in sheets) if dev_mode() else ()
    return _screen_styles(str(static), sheets, mtimes, app_styles())


def screen_stylesheet() -> Response:
    """``/static/screens.css``: ``screen_styles``, cached for a year (its hash is in the URL)."""
    response = Response(screen_styles()[0], mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def screen_css_url() -> str:
    """The URL of ``screen_styles``; a changed sheet or app file gets a new URL."""
    return url_for("screen_css", v=screen_styles()[1])


def kit_app_icon(app: KitApp) -> str:
    """A kit app's icon on the home screen: a bundled one, or the author's own file."""
    if app.icon_file is not None:
        return url_for("kit.icon", app=app.id)
    return asset_url(kit_icon(app.icon))


def tapped_label(lesson: Lesson, index: int, target: str) -> str:
    """What a tapped part of step ``index``'s screen says ("Zalo" for ``app-zalo``), in the
    screen's own words, so a wrong tap is named to the learner ("Đó là Zalo") and on the
    volunteer's board; "" when the screen draws no such part. Kept like the screen, and
    only for parts it draws, so made-up names in a tampered form cannot fill the cache."""
    screen = draw_screen(lesson, index, screen_ui(lesson, lesson.steps[index].interaction))
    if f'data-target="{escape(target)}"' not in screen:
        return ""
    return str(render_kept(lesson, ("tapped", index, target),
                           lambda: target_label(str(screen), target)[:60]))  # plain text


def tapped_words(lesson: Lesson, index: int, target: str) -> str:
    """For the board's "bấm …": the tapped part's words, else the target's name."""
    return tapped_label(lesson, index, target) or target

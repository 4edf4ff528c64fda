"""Pages for lesson authors (volunteers): the screen catalogue, a live preview of a
lesson file with its problems in place, and the translation status.

In development mode (``trainer serve --dev`` or ``flask run --debug``) the
lesson library is reloaded whenever a lesson file changes, so an author who
saves a file sees the change in the preview and in the lesson itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from jinja2 import TemplateError
from markupsafe import Markup

from trainer.classroom.auth import volunteer_required
from trainer.content import messages
from trainer.content.authoring.catalogue import CatalogueEntry, apps, catalogue, components
from trainer.content.authoring.preview import lesson_files, resolve_lesson_path, signature
from trainer.content.authoring.preview import preview as preview_file
from trainer.content.authoring.translations import translation_status
from trainer.content.languages import languages
from trainer.content.library import display_path
from trainer.content.text import render_inline
from trainer.progress import StepStatus
from trainer.screens import ScreenUI
from trainer.screens.render import draw_screen, step_context
from trainer.web import dev_mode, fresh_library, render

bp = Blueprint("authors", __name__, url_prefix="/authors")


@bp.before_request
def problems_in_the_authors_language() -> None:
    """Problems in a lesson file read in the page's language (Vietnamese, or English)."""
    messages.use(str(get_locale()))

NO_PROGRESS = StepStatus(0, 0, False, False, frozenset())
_NAMED = re.compile(r'(<(?:button|input)\b[^>]*\bdata-(target|field)="([^"]+)"[^>]*>)')


@bp.get("/")
@volunteer_required
def index():
    return render_template("authors/index.html", dev=dev_mode())


@bp.get("/screens")
@volunteer_required
def screens():
    entries = [(entry, _screen_html(entry), Markup(render_inline(entry.screen.description)))
               for entry in catalogue()]
    kit = [(c, _render_or_problem(c.screen.template, partial(
                render_template, c.screen.template, screen=c.screen, s={},
                ui=ScreenUI(taps=False))))
           for c in components()]
    return render_template("authors/screens.html", entries=entries, kit=kit, apps=apps())


@bp.get("/preview")
@volunteer_required
def preview():
    root = Path(current_app.config["LESSONS_DIR"])
    wanted = request.args.get("path", "")
    if not wanted:
        problems = Counter(p.path for p in fresh_library().problems)
        files = [(f"{root.name}/{p.relative_to(root)}", problems[display_path(p)])
                 for p in lesson_files(root)]
        return render_template("authors/picker.html", files=files)
    path = resolve_lesson_path(root, wanted[:300])
    if path is None:
        abort(404)
    return render("authors/preview.html", "authors/_preview.html", **_preview_context(root, path))


@bp.get("/preview/poll")
@volunteer_required
def poll():
    """Asked every 2 s by an open preview: 204 (nothing to do) until a file changes."""
    root = Path(current_app.config["LESSONS_DIR"])
    path = resolve_lesson_path(root, request.args.get("path", "")[:300])
    if path is None:
        abort(404)
    if request.args.get("since") == signature(root):
        return "", 204
    return render_template("authors/_preview.html", **_preview_context(root, path))


@bp.get("/translations")
@volunteer_required
def translations():
    config = current_app.config
    statuses = translation_status(
        fresh_library(), Path(config["TRANSLATIONS_DIR"]),
        languages(config["TRANSLATIONS_DIR"], config["DEFAULT_LOCALE"]))
    return render_template("authors/translations.html", statuses=statuses)


def _preview_context(root: Path, path: Path) -> dict:
    found = preview_file(fresh_library(), path)
    head, sections = found.sections()
    views = {}
    if found.lesson is not None:
        views = {i: _render_or_problem("_step.html", partial(
                     render_template, "_step.html",
                     **step_context(found.lesson, i, NO_PROGRESS)))
                 for i in range(len(found.lesson.steps))}
    return dict(preview=found, head_problems=head, sections=sections, views=views,
                since=signature(root), dev=dev_mode())


def _screen_html(entry: CatalogueEntry) -> Markup:
    """The example drawn like a picture, each target and field tagged with its name."""
    if entry.lesson is None:
        return Markup("")
    ui = ScreenUI(taps=False, reveal=frozenset(entry.spans))
    drawn = _render_or_problem(entry.screen.template, lambda: draw_screen(entry.lesson, 0, ui))
    return Markup(_NAMED.sub(_name_tag, drawn))


def _render_or_problem(template: str, draw: Callable[[], str]) -> Markup:
    """A screen that fails to draw is shown as a problem, so the rest of the page still
    helps the author (the tests draw every screen, so this never reaches learners)."""
    try:
        return Markup(draw())
    except TemplateError as exc:
        current_app.logger.warning("%s does not render: %s", template, exc)
        return Markup('<p class="problem" role="alert">{}</p>').format(
            f"{template}: {exc.__class__.__name__}: {exc}")


def _name_tag(match: re.Match) -> str:
    """Put the name a lesson uses right after a button's or input's opening tag
    (the name comes from an attribute Jinja already escaped)."""
    tag, kind, name = match.group(1), match.group(2), match.group(3)
    return f'{tag}<span class="name-tag name-{kind}">{name}</span>'

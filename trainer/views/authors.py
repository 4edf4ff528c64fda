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
from functools import partial, wraps
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from jinja2 import TemplateError
from markupsafe import Markup
from sqlalchemy import select

from trainer import web
from trainer.classroom.auth import (
    admin_required,
    author_required,
    can_author,
    current_volunteer,
    volunteer_required,
)
from trainer.content import messages
from trainer.content.authoring import editor
from trainer.content.authoring.catalogue import CatalogueEntry, apps, catalogue, components
from trainer.content.authoring.preview import lesson_files, resolve_lesson_path, signature
from trainer.content.authoring.preview import preview as preview_file
from trainer.content.authoring.translations import translation_status
from trainer.content.languages import languages
from trainer.content.library import display_path
from trainer.content.text import render_inline
from trainer.models import Volunteer
from trainer.progress import StepStatus
from trainer.screens import ScreenUI
from trainer.screens.render import draw_screen, step_context
from trainer.speech import recordings
from trainer.speech.texts import lesson_texts, ui_gettext

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
    volunteer = current_volunteer()
    return render_template("authors/index.html", dev=web.dev_mode(), author=can_author(volunteer),
                           admin=volunteer.role == "admin")


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
        problems = Counter(p.path for p in web.fresh_library().problems)
        files = [(f"{root.name}/{p.relative_to(root)}", problems[display_path(p)])
                 for p in lesson_files(root)]
        # Vietnamese first: it is the source every translation follows
        files.sort(key=lambda f: (f[0].split("/")[1] != current_app.config["DEFAULT_LOCALE"],
                                  f[0]))
        return render_template("authors/picker.html", files=files,
                               author=can_author(current_volunteer()))
    path = resolve_lesson_path(root, wanted[:300])
    if path is None:
        abort(404)
    return web.render("authors/preview.html", "authors/_preview.html",
                      **_preview_context(root, path))


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
        web.fresh_library(), Path(config["TRANSLATIONS_DIR"]),
        languages(config["TRANSLATIONS_DIR"], config["DEFAULT_LOCALE"]))
    return render_template("authors/translations.html", statuses=statuses)


@bp.route("/edit/<path:wanted>", methods=["GET", "POST"])
@author_required
def edit(wanted: str):
    """Edit one lesson (or app) file in the browser: line numbers, the live preview and
    the problems beside it; saved only when it passes the check, else kept as a draft."""
    root = Path(current_app.config["LESSONS_DIR"])
    path = editor.editable_path(root, wanted[:300])
    if path is None:
        abort(404)
    draft = editor.draft_of(path)
    status = ""
    if request.method == "GET":
        use_draft = request.args.get("draft") == "1" and draft.is_file()
        text = (draft if use_draft else path).read_text(encoding="utf-8", errors="replace")
        status = "draft-open" if use_draft else ""
    else:
        text = request.form.get("text", "").replace("\r\n", "\n")
        action = request.form.get("action", "check")
        if action == "download":
            return Response(text, mimetype="text/plain; charset=utf-8", headers={
                "Content-Disposition": f'attachment; filename="{path.name}"'})
    problems = editor.check(web.fresh_library(), path, text)
    if request.method == "POST":
        if action == "save" and not problems:
            editor.save(path, text)
            status = "saved"
        elif action == "save":
            status = "refused"
        elif action == "draft":
            editor.save_draft(path, text)
            status = "draft"
    context = _editor_context(root, path, text, problems, status)
    code = 422 if status == "refused" else 200
    return web.render("authors/edit.html", "authors/_editor_result.html", code, **context)


@bp.route("/access", methods=["GET", "POST"])
@admin_required
def access():
    """Admins choose which volunteers may edit lessons in the browser."""
    db = web.get_db()
    if request.method == "POST":
        volunteer = db.get(Volunteer, request.form.get("volunteer", type=int) or 0)
        if volunteer is None:
            abort(404)
        volunteer.author = request.form.get("author") == "1"
        db.commit()
        return redirect(url_for("authors.access"))
    volunteers = db.scalars(select(Volunteer).order_by(Volunteer.username)).all()
    return render_template("authors/access.html", volunteers=volunteers)


def _editor_context(root: Path, path: Path, text: str, problems: list, status: str) -> dict:
    relative = str(path.relative_to(root.resolve()))
    context = dict(relative=relative, shown=f"{root.name}/{relative}", text=text,
                   line_count=text.count("\n") + 1, problems=sorted(problems,
                                                                   key=lambda p: p.line),
                   status=status, has_draft=editor.draft_of(path).is_file(),
                   is_app=editor.is_app(path), preview=None, editing=True, dev=web.dev_mode())
    if not editor.is_app(path):
        context.update(_preview_context(root, path, text))
    return context


def _preview_context(root: Path, path: Path, text: str | None = None) -> dict:
    found = preview_file(web.fresh_library(), path, text)
    head, sections = found.sections()
    views = {}
    if found.lesson is not None:
        views = {i: _render_or_problem("_step.html", partial(
                     render_template, "_step.html",
                     **step_context(found.lesson, i, NO_PROGRESS)))
                 for i in range(len(found.lesson.steps))}
    return dict(preview=found, head_problems=head, sections=sections, views=views,
                since=signature(root), dev=web.dev_mode(), author=can_author(current_volunteer()))


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


# --- Recording the texts a learner hears, in the volunteer's own voice (#22) ---------


def _recordable(lesson_id: str):
    """The lesson (in ``?lang=``, default Vietnamese) and its texts, or 404."""
    lang = request.args.get("lang", current_app.config["DEFAULT_LOCALE"])[:20]
    lesson = web.fresh_library().lessons.get((lesson_id, lang))
    if lesson is None:
        abort(404)
    return lesson, lesson_texts(lesson, _ui_words(lesson.locale))


def _ui_words(lang: str):
    """The app's own words around the author's, in ``lang`` (one Babel may not know)."""
    return ui_gettext(Path(current_app.config["TRANSLATIONS_DIR"]), lang)


@bp.get("/record/<lesson_id>")
@volunteer_required
def record(lesson_id: str):
    lesson, texts = _recordable(lesson_id)
    root = Path(current_app.config["LESSONS_DIR"])
    saved = recordings.load(root, lesson.locale, lesson.id)
    rows = []
    for said in texts:
        rec = saved.get(said.role)
        state = "missing" if rec is None else ("recorded" if rec.key == said.key else "outdated")
        url = (url_for("speech.recorded", lang=lesson.locale, key=rec.key, ext=rec.ext)
               if state == "recorded" else "")
        rows.append({"said": said, "state": state, "url": url,
                     "save": url_for("authors.save_recording", lesson_id=lesson.id,
                                     role=said.role, lang=lesson.locale)})
    return render_template("authors/record.html", lesson=lesson, rows=rows,
                           done=sum(r["state"] == "recorded" for r in rows))


def _recording_upload(view: Callable) -> Callable:
    """A recording is bigger than any form (16 KB; ``web.LARGER_UPLOADS`` allows its size
    for this view only): check the CSRF token (the X-CSRFToken header) once the body may
    be read, as for every other POST."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_app.config["WTF_CSRF_ENABLED"]:
            web.csrf.protect()
        return view(*args, **kwargs)

    return wrapped


@bp.post("/record/<lesson_id>/<role>")
@web.csrf.exempt  # checked by _recording_upload, once the body may be as big as a recording
@_recording_upload
@volunteer_required
def save_recording(lesson_id: str, role: str):
    """The recording, as the request body (Opus in WebM or Ogg, from MediaRecorder)."""
    lesson, texts = _recordable(lesson_id)
    said = next((t for t in texts if t.role == role), None)
    if said is None:
        abort(404)
    rec = recordings.save(Path(current_app.config["LESSONS_DIR"]), lesson.locale, lesson.id,
                          said, request.get_data(cache=False))
    if rec is None:
        return jsonify(ok=False, message=gettext(
            "Không lưu được: tệp không phải là bản thu âm. Bác thu lại nhé.")), 400
    return jsonify(ok=True, url=url_for("speech.recorded", lang=lesson.locale, key=rec.key,
                                        ext=rec.ext), message=gettext("Đã lưu bản thu âm."))


@bp.context_processor
def _recording_coverage() -> dict:
    """For /authors/translations: how much of each language can be heard recorded."""

    def coverage(lang: str) -> list[recordings.Coverage]:
        root = Path(current_app.config["LESSONS_DIR"])
        lessons = [x for (_, locale), x in sorted(web.fresh_library().lessons.items())
                   if locale == lang]
        return [recordings.coverage(root, x, _ui_words(lang)) for x in lessons]

    return {"recording_coverage": coverage}

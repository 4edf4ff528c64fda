"""The learner's settings: text size, contrast, motion and read-aloud.

Remembered on the learner's row once they exist (so on a shared kiosk each
learner keeps their own), and in the signed session cookie before that.
Every page gets the choice as classes on ``<html>`` via ``a11y``.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, request, session, url_for

from trainer.a11y import TEXT_SIZES, Prefs
from trainer.web import current_learner, get_db, render

bp = Blueprint("settings", __name__, url_prefix="/settings")

SESSION_KEY = "a11y"


def current_prefs() -> Prefs:
    """The learner's own choice if stored, else this browser's, else the defaults."""
    if "a11y_prefs" not in g:
        learner = current_learner() if session.get("learner") else None
        stored = learner.settings if learner is not None else None
        g.a11y_prefs = Prefs.decode(stored if stored is not None else session.get(SESSION_KEY))
    return g.a11y_prefs


@bp.app_context_processor
def _inject() -> dict:
    return {"a11y": current_prefs()}


@bp.after_app_request
def _adopt(response):
    """A learner created after choosing settings (first answer) takes them along."""
    if request.method == "POST" and SESSION_KEY in session and session.get("learner"):
        learner = current_learner()
        if learner is not None and learner.settings is None:
            learner.settings = session.pop(SESSION_KEY)
            get_db().commit()
    return response


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("main.home")
    return target


@bp.get("")
def show():
    return render("settings/settings.html", "settings/settings.html", prefs=current_prefs(),
                  sizes=TEXT_SIZES, next=_safe_next(request.args.get("next")))


@bp.post("")
def save():
    prefs = Prefs.from_form(request.form)
    if prefs is None:
        abort(400)
    learner = current_learner() if session.get("learner") else None
    if learner is not None:
        learner.settings = prefs.encode()
        get_db().commit()
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = prefs.encode()
        session.permanent = True
    return redirect(_safe_next(request.form.get("next")), code=303)

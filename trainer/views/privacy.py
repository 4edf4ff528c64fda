"""A learner's own data: what is kept, and "delete my data" (Decree 13/2023)."""

from __future__ import annotations

from flask import Blueprint, session

from trainer import privacy
from trainer.web import current_learner, get_db, render

bp = Blueprint("privacy", __name__, url_prefix="/my-data")


@bp.get("/")
def show():
    """What we keep about this browser's learner, with the delete button."""
    learner = current_learner()
    started = len({a.lesson_id for a in learner.attempts}) if learner else 0
    return render("privacy/my_data.html", "privacy/my_data.html", learner=learner,
                  started=started)


@bp.post("/delete")
def delete():
    """Delete the learner row and everything hanging off it, then forget the cookie."""
    learner = current_learner()
    if learner is not None:
        db = get_db()
        privacy.delete_learner(db, learner)
        db.commit()
    session.clear()
    return render("privacy/deleted.html", "privacy/deleted.html")

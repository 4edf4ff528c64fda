"""Working without a connection: the service worker (served from the site root
so it may look after every page) and the page it shows for pages never opened."""

from __future__ import annotations

import mimetypes

from flask import Blueprint, current_app, send_from_directory

from trainer.web import render

mimetypes.add_type("application/manifest+json", ".webmanifest")
bp = Blueprint("offline", __name__)


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.config["STATIC_DIR"], "sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches learners at once
    return response


@bp.get("/offline")
def page():
    return render("offline.html", "offline.html")

"""What apps written with the screen kit need from the web beyond their colours (those
are merged into /static/screens.css): an author's own icon, served as an image only
(``<img>`` never runs an SVG's scripts, and the file was checked when it was read)."""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from trainer.screens.kit import APPS

bp = Blueprint("kit", __name__, url_prefix="/kit")


@bp.get("/icon/<app>.svg")
def icon(app: str):
    found = APPS.get(app)
    if found is None or found.icon_file is None:
        abort(404)
    response = send_file(found.icon_file, mimetype="image/svg+xml", max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response

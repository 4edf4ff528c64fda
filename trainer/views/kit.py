"""What apps written with the screen kit need from the web: their colours as a stylesheet
(the pages' policy allows no inline styles) and an author's own icon, served as an image
only (``<img>`` never runs an SVG's scripts, and the file was checked when it was read)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, send_file, url_for

from trainer.screens.kit import APPS, kit_icon
from trainer.web import asset_url

bp = Blueprint("kit", __name__, url_prefix="/kit")


def _styles() -> str:
    return "".join(f".kit-app-{a.id}{{--kit:{a.colour};--kit-ink:{a.ink}}}\n"
                   for a in sorted(APPS.values(), key=lambda a: a.id))


@bp.get("/apps.css")
def styles():
    response = Response(_styles(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/icon/<app>.svg")
def icon(app: str):
    found = APPS.get(app)
    if found is None or found.icon_file is None:
        abort(404)
    response = send_file(found.icon_file, mimetype="image/svg+xml", max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.app_context_processor
def kit_urls() -> dict:
    def kit_css_url() -> str:
        # the colours are in the URL's hash, so a changed app file gets a new stylesheet
        return url_for("kit.styles", v=hashlib.sha1(_styles().encode()).hexdigest()[:10])

    def kit_app_icon(app) -> str:
        if app.icon_file is not None:
            return url_for("kit.icon", app=app.id)
        return asset_url(kit_icon(app.icon))

    return {"kit_css_url": kit_css_url, "kit_app_icon": kit_app_icon}

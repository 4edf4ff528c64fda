"""Tập Số: practise the digital skills of "Bình dân học vụ số" on simulated screens."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from trainer import config, web
from trainer.library import load_library

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.load(app.instance_path))  # raises ConfigError
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)

    library = load_library(app.config["LESSONS_DIR"])
    for problem in library.problems:  # serve the rest; never refuse to start over one file
        log.warning("lesson skipped: %s", problem)
    app.extensions["library"] = library

    web.init_app(app)
    from trainer.views import main, player

    app.register_blueprint(main.bp)
    app.register_blueprint(player.bp)
    from trainer.views import privacy

    app.register_blueprint(privacy.bp)
    from trainer.views import handbook, offline, settings

    app.register_blueprint(settings.bp)
    app.register_blueprint(handbook.bp)
    app.register_blueprint(offline.bp)
    from trainer.views import classroom, kiosk, reports, volunteer

    app.register_blueprint(volunteer.bp)
    app.register_blueprint(classroom.bp)
    app.register_blueprint(kiosk.bp)
    app.register_blueprint(reports.bp)
    from trainer.views import authors

    app.register_blueprint(authors.bp)
    from trainer.views import practice

    app.register_blueprint(practice.bp)
    from trainer.views import card

    app.register_blueprint(card.bp)
    from trainer import cli

    cli.init_app(app)
    return app

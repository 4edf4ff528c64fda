"""Tập Số: practise the digital skills of "Bình dân học vụ số" on simulated screens."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from trainer import config, web
from trainer.content.library import load_library

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config.instance_dir()),
                instance_relative_config=True, static_folder=None)
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
    from trainer.views import (
        authors,
        classroom,
        home,
        kiosk,
        kit,
        learner,
        lessons,
        practice,
        speech,
        volunteer,
    )

    for area in (home, lessons, practice, learner, classroom, volunteer, kiosk, authors, kit,
                 speech):
        app.register_blueprint(area.bp)
    from trainer import cli

    cli.init_app(app)
    return app

"""Commands that keep learners' data safe: ``trainer backup`` and ``trainer export-data``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer import db as database
from trainer import privacy

PG_DUMP_HELP = """\
This database is PostgreSQL: back it up with PostgreSQL's own tools, e.g.
  pg_dump --format=custom --file=tapso-$(date +%F).dump "$DATABASE_URL"
and restore into an empty database with
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" tapso-YYYY-MM-DD.dump
(see docs/deploy.md)."""


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(destination: Path | None) -> None:
    """Copy the SQLite database safely while the server runs (restore: docs/deploy.md)."""
    engine = current_app.extensions["engine"]
    if engine.url.get_backend_name() != "sqlite":
        click.echo(PG_DUMP_HELP)
        raise SystemExit(2)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = destination or Path(current_app.instance_path) / "backups" / f"tapso-{stamp}.db"
    database.backup_sqlite(engine, dest)
    click.echo(f"Backup written to {dest}")


@click.command("export-data")
@with_appcontext
def export_data_command() -> None:
    """Print everything stored about every learner as JSON (for a data-subject request)."""
    with current_app.extensions["sessionmaker"]() as db:
        click.echo(json.dumps(privacy.export_all(db), ensure_ascii=False, indent=2))

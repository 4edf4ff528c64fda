"""The ``trainer`` command: serve, check lessons, manage the database.

It is Flask's click CLI, so ``trainer routes`` and ``trainer shell`` work too,
and every command here is also available as ``flask --app trainer ...``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import threading
from dataclasses import asdict
from functools import cache
from pathlib import Path

import click
from flask import Flask, current_app, request_finished
from flask.cli import FlaskGroup, with_appcontext

from trainer import db as database
from trainer import privacy
from trainer.content.library import load_library


@click.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print lessons and errors as JSON.")
@click.option("--translations", is_flag=True,
              help="Also list missing or outdated translations (never fails the check).")
@click.option("--recordings", is_flag=True,
              help="Also list, per lesson, the texts nobody has recorded yet (never fails).")
@click.option("--lang", help="Language of the problems: vi (default) or en; else from LANG.")
def check_command(directory: Path | None, as_json: bool, translations: bool = False,
                  recordings: bool = False, lang: str | None = None) -> None:
    """Check every lesson file; exit 1 if any has a problem."""
    from trainer.config import lessons_dir
    from trainer.content import messages

    root = directory or lessons_dir()
    if not root.is_dir():
        raise click.BadParameter(f"{root} is not a folder of lessons", param_hint="DIRECTORY")
    with messages.language(messages.from_environment(lang)):
        _check(root, as_json, translations, recordings)


def _check(root: Path, as_json: bool, translations: bool, recordings: bool = False) -> None:
    from trainer.content.messages import P_, translate

    library = load_library(root)
    if as_json:
        out = {
            "lessons": [{"id": x.id, "locale": x.locale, "topic": x.topic, "title": x.title,
                         "steps": len(x.steps), "path": x.path}
                        for x in sorted(library.lessons.values(), key=lambda x: (x.id, x.locale))],
            "errors": [{"path": p.path, "line": p.line, "message": p.message,
                        "problem": p.problem, "fix": p.how} for p in library.problems],
        }
        if translations:
            out["translations"] = [asdict(s) for s in _translation_status(library)]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for problem in library.problems:
            click.echo(str(problem), err=True)
        click.echo(translate(P_("{ok} lesson files OK, {count} problem(s) in {root}.")).format(
            ok=len(library.lessons), count=len(library.problems), root=root))
        if translations:
            from trainer.content.authoring.translations import status_lines

            click.echo("\n".join(status_lines(_translation_status(library))))
        click.echo("\n".join(_recording_report(library, every_lesson=recordings)))
    sys.exit(1 if library.problems else 0)


@click.command("screens")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the screens as JSON.")
def screens_command(directory: Path | None, as_json: bool) -> None:
    """List every screen a lesson can use: its targets, fields and where it is defined
    (a built-in screens.yaml or an app file under the lessons' apps/ folder)."""
    from trainer.config import lessons_dir
    from trainer.screens import SCREENS

    root = directory or lessons_dir()  # TRAINER_LESSONS_DIR, like check and serve
    library = load_library(root)  # loads the apps in <root>/apps, reporting their problems
    screens = sorted(SCREENS.values(), key=lambda s: s.name)
    if as_json:
        click.echo(json.dumps({
            "screens": [{"name": s.name, "title": s.title, "targets": sorted(s.targets),
                         "fields": sorted(s.fields), "kind": "kit" if s.kit else "built-in",
                         "defined_in": s.source, "reads": sorted(s.reads)} for s in screens],
            "errors": [{"path": p.path, "line": p.line, "message": p.message}
                       for p in library.problems if "/apps/" in f"/{p.path}"],
        }, ensure_ascii=False, indent=2))
        return
    for s in screens:
        click.echo(f"{s.name}  ({s.source or 'built-in'})\n  {s.title}")
        click.echo(f"  tap:   {', '.join(sorted(s.targets)) or '-'}")
        click.echo(f"  type:  {', '.join(sorted(s.fields)) or '-'}")
        if s.reads:
            click.echo(f"  state: {', '.join(sorted(s.reads))}")
    for problem in library.problems:
        if "/apps/" in f"/{problem.path}":
            click.echo(str(problem), err=True)
    click.echo(f"{len(screens)} screens ({sum(1 for s in screens if s.kit)} from apps).")


def _translation_status(library) -> list:
    from trainer.config import resource_dir
    from trainer.content.authoring.translations import translation_status

    return translation_status(library, resource_dir("translations"))


WORKERS_ON_WINDOWS = """\
--workers needs Linux (or macOS): on Windows one process serves a class well (leave
--workers out). For more, start several processes on their own ports, e.g.
  trainer serve --port 5001   and   trainer serve --port 5002
with the same SECRET_KEY and DATABASE_URL, behind nginx (docs/deploy.md)."""


def _recording_report(library, every_lesson: bool) -> list[str]:
    """Outdated recordings (the text changed after recording), and with ``--recordings``
    the missing ones per lesson: information for authors, never a failure."""
    from trainer.config import resource_dir
    from trainer.speech.recordings import report
    from trainer.speech.texts import ui_gettext

    return report(library.root, library.lessons.values(),
                  cache(lambda locale: ui_gettext(resource_dir("translations"), locale)),
                  every_lesson)  # one catalogue per language, not one read per lesson


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="0.0.0.0: phones on the same Wi-Fi or hotspot can join; "
                   "127.0.0.1: only this computer.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int,
              help="Threads per process. More is not faster: Python runs one at a time.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Processes sharing the port (gunicorn, Linux): 2 uses both cores of a "
                   "class laptop.")
@click.option("--dev", is_flag=True, help="For lesson authors: reload lessons when a file changes.")
@with_appcontext
def serve_command(host: str, port: int, threads: int, workers: int = 1,
                  dev: bool = False) -> None:
    """Serve the app: waitress for one process, gunicorn for several."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.config["DEV"] = app.config.get("DEV") or dev
    if workers > 1 and not _has_gunicorn():
        raise click.UsageError(WORKERS_ON_WINDOWS if sys.platform == "win32" else
                               "--workers needs gunicorn: pip install gunicorn")
    _create_database(app)
    click.echo(f"Tập Số on http://{host}:{port}/ ({len(app.extensions['library'].lessons)} "
               f"lesson files, {workers} process(es))")
    _print_phone_addresses(host, port)
    if workers == 1:
        import waitress

        from trainer.web import largest_body

        _compile_templates_soon(app)
        # A class of 300 phones keeps 300 connections open; waitress's default limit of
        # 100 would leave the rest waiting (benchmarks/results.md, classroom load).
        # Bodies beyond the largest the app takes are refused by waitress itself, which
        # would otherwise read up to 1 GiB before Flask answers 413.
        waitress.serve(app, host=host, port=port, threads=threads, ident="tapso",
                       connection_limit=1000, max_request_body_size=largest_body(app))
    else:
        _compile_templates(app)  # once, before the fork: every worker starts with them
        _serve_gunicorn(app, host, port, workers, threads)


def _has_gunicorn() -> bool:
    import importlib.util

    return hasattr(os, "fork") and importlib.util.find_spec("gunicorn") is not None


def _serve_gunicorn(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Several processes on one port, managed by gunicorn's master: a worker that dies is
    replaced, and workers leave when the master is gone (within a second), so the port is
    free for a restart. Safe because nothing that matters lives in process memory
    (progress, sessions and rate limits are in the database or the signed cookie)."""
    from gunicorn.app.base import BaseApplication

    def post_fork(_server: object, _worker: object) -> None:
        app.extensions["engine"].dispose(close=False)  # each worker its own connections

    options = {
        "bind": [f"{host}:{port}"], "workers": workers, "worker_class": "gthread",
        "threads": threads, "backlog": 1024, "worker_connections": 1000,  # as waitress
        # A phone taps every few seconds on one kept-alive connection. gunicorn's default
        # (close after 2 s idle) races her next tap: the connection closes as the POST
        # leaves and the answer is lost in transit. Keep it open as waitress does.
        "keepalive": 120,
        "preload_app": True, "post_fork": post_fork, "proc_name": "tapso",
        "accesslog": None, "errorlog": "-", "loglevel": "warning",
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app  # built once in this process; the workers inherit it

    Server().run()


def _create_database(app: Flask) -> None:
    """An SQLite database is created (or brought up to date) by the first start, so
    that ``pip install`` then ``trainer serve`` is all a volunteer does. A shared
    PostgreSQL database is upgraded once per release with ``trainer db upgrade``."""
    from alembic.util import CommandError

    engine = app.extensions["engine"]
    if engine.url.get_backend_name() == "sqlite":
        try:
            if database.current_revision(engine) != database.head_revision():
                database.upgrade(engine, secret_key=app.config["SECRET_KEY"])
        except CommandError as exc:  # e.g. written by a newer version of Tập Số
            raise click.ClickException(f"The database cannot be upgraded: {exc}") from exc
    elif not database.is_usable(engine):
        click.echo("Warning: the database is not reachable or not up to date; run "
                   "`trainer db upgrade` (docs/deploy.md).", err=True)


def _print_phone_addresses(host: str, port: int) -> None:
    """Tell the volunteer what the phones open, with a QR to scan from the terminal, and
    how to keep the server to this computer."""
    from trainer.classroom.addresses import serving_urls

    click.echo(f"On this computer: http://127.0.0.1:{port}/")
    urls = serving_urls(host, port)
    if urls:
        click.echo("Phones on the same Wi-Fi or hotspot open (Điện thoại mở):")
        for url in urls:
            click.echo(f"    {url}")
        with contextlib.suppress(Exception):  # a terminal that cannot draw it: the text is enough
            import segno

            segno.make(urls[0], error="m").terminal(compact=True)
        click.echo("Only this computer: trainer serve --host 127.0.0.1 "
                   "(make run HOST=127.0.0.1)")
    elif host in ("0.0.0.0", "", "::"):
        click.echo("No network found: turn on the laptop's hotspot or join the Wi-Fi, "
                   "then start again so phones can join.")
    else:
        click.echo("Only this computer can open it. For phones: trainer serve "
                   "(listens on every network, 0.0.0.0).")


def _compile_templates(app: Flask) -> None:
    """Compile every template now. Jinja compiles a template on first use, a few
    milliseconds each; a class arriving at once would otherwise wait for the simulated
    screens of every lesson they open to be compiled (benchmarks/results.md, classroom)."""
    env = app.jinja_env
    for name in env.list_templates(extensions=["html"]):
        with contextlib.suppress(Exception):  # a broken one fails where it is used
            env.get_template(name)


def _compile_templates_soon(app: Flask) -> threading.Thread:
    """One process: compile the templates in the background once the server has answered
    its first request, so start-up does not wait for them."""
    thread = threading.Thread(target=_compile_templates, args=(app,),
                              name="compile-templates", daemon=True)

    def start(_sender: Flask, **_extra: object) -> None:
        request_finished.disconnect(start, app)
        with contextlib.suppress(RuntimeError):  # two first requests at once: started
            thread.start()

    request_finished.connect(start, app, weak=False)
    return thread


@click.group("db")
def db_group() -> None:
    """Database migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or upgrade the tables."""
    database.upgrade(current_app.extensions["engine"], revision)
    revision = database.current_revision(current_app.extensions["engine"])
    click.echo(f"Database at revision {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Go back to an older revision ("base" removes every table)."""
    database.downgrade(current_app.extensions["engine"], revision)


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's revision and the newest one."""
    engine = current_app.extensions["engine"]
    click.echo(f"current: {database.current_revision(engine)}  head: "
               f"{database.head_revision()}")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help='What changes, e.g. "class notes".')
@click.option("--autogenerate", is_flag=True,
              help="Write the operations that bring the database to trainer/models.py "
                   "(the database must be upgraded first). Review them before use.")
@with_appcontext
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration into trainer/migrations/versions/, numbered after the newest."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    cfg = database.alembic_config(current_app.extensions["engine"])
    try:
        head = ScriptDirectory.from_config(cfg).get_current_head() or "0000"
        number = f"{int(head) + 1:04d}" if head.isdigit() else None
        script = command.revision(cfg, message, autogenerate=autogenerate, rev_id=number)
    except CommandError as exc:  # several heads, or a database behind the newest revision
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Review {script.path}, then run `trainer db upgrade`.")


@click.command("create-admin")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters (asked for when not given).")
@with_appcontext
def create_admin_command(username: str, password: str) -> None:
    """Create a volunteer account with the admin role (admins add the other volunteers)."""
    from trainer.classroom import auth

    db = current_app.extensions["sessionmaker"]()
    try:
        auth.create_volunteer(db, username, password, role="admin")
        db.commit()
    except auth.AccountError as exc:
        raise click.BadParameter(str(exc)) from exc
    finally:
        db.close()
    click.echo(f"Admin {auth.normalise_username(username)} created.")


@click.command("new")
@click.argument("topic")
@click.argument("slug")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="The lessons folder (default: $TRAINER_LESSONS_DIR, else lessons/ of "
                   "this checkout).")
def new_command(topic: str, slug: str, directory: Path | None) -> None:
    """Start a lesson: write lessons/vi/SLUG.md and its English twin, ready to edit."""
    from trainer.config import BUNDLED, lessons_dir
    from trainer.content.authoring.scaffold import ScaffoldError, scaffold

    folder = directory or lessons_dir()
    if folder.resolve().is_relative_to(BUNDLED):
        raise click.UsageError("The installed lessons are not for editing: give your own "
                               "lessons folder with --dir or TRAINER_LESSONS_DIR.")
    try:
        paths = scaffold(folder, topic, slug)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from exc
    for path in paths:
        click.echo(f"wrote {path}")
    click.echo("Edit them (docs/authoring.md), preview them at /authors/preview, then run "
               "`trainer check`.")


PG_DUMP_HELP = """\
This database is PostgreSQL: back it up with PostgreSQL's own tools, e.g.
  pg_dump --format=custom --file=tapso-$(date +%F).dump "$DATABASE_URL"
and restore into an empty database with
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" tapso-YYYY-MM-DD.dump
(see docs/deploy.md)."""


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--encrypt-to", "recipient", metavar="RECIPIENT",
              help="Encrypt for this age public key (age1…) or gpg key id/e-mail; the "
                   "unencrypted copy is removed.")
@with_appcontext
def backup_command(destination: Path | None, recipient: str | None) -> None:
    """Copy the SQLite database safely while the server runs (restore: docs/deploy.md).

    The copy holds names and birth years: it is written readable by this user only
    (mode 0600, in a folder of mode 0700) and can be encrypted with age or gpg."""
    engine = current_app.extensions["engine"]
    if engine.url.get_backend_name() != "sqlite":
        click.echo(PG_DUMP_HELP)
        raise SystemExit(2)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = destination or Path(current_app.instance_path) / "backups" / f"tapso-{stamp}.db"
    old_umask = os.umask(0o077)  # the file is never readable by others, not even briefly
    try:
        if not dest.parent.exists():
            dest.parent.mkdir(parents=True, mode=0o700)
        database.backup_sqlite(engine, dest)
        dest.chmod(0o600)
        if recipient:
            dest = _encrypt(dest, recipient)
    finally:
        os.umask(old_umask)
    click.echo(f"Backup written to {dest}")


def _encrypt(path: Path, recipient: str) -> Path:
    """``path`` encrypted with age (an age1… key) or gpg; the plain copy is removed."""
    import shutil
    import subprocess

    tool = "age" if recipient.startswith("age1") else "gpg"
    if shutil.which(tool) is None:
        path.unlink()
        raise click.ClickException(f"{tool} is not installed; no backup kept unencrypted.")
    out = path.with_name(path.name + (".age" if tool == "age" else ".gpg"))
    command = (["age", "--recipient", recipient, "--output", str(out), str(path)]
               if tool == "age" else
               ["gpg", "--batch", "--yes", "--trust-model", "always", "--recipient",
                recipient, "--output", str(out), "--encrypt", str(path)])
    try:
        subprocess.run(command, check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        raise click.ClickException(
            f"{tool} failed: {exc.stderr.decode(errors='replace')}") from exc
    finally:
        path.unlink()
    out.chmod(0o600)
    return out


def _months(text: str) -> int:
    if not text.endswith("m") or not text[:-1].isdigit() or int(text[:-1]) < 1:
        raise click.BadParameter("months, e.g. 12m")
    return int(text[:-1])


@click.command("purge")
@click.option("--inactive", required=True, metavar="MONTHS",
              help="Delete learners with nothing stored for this long, e.g. 12m.")
@click.option("--dry-run", is_flag=True, help="Only say how many would be deleted.")
@with_appcontext
def purge_command(inactive: str, dry_run: bool) -> None:
    """Delete learners inactive for months, with everything stored about them (Decree
    13/2023: personal data is kept no longer than needed). Run it from cron monthly."""
    from trainer.models import utcnow

    before = utcnow() - dt.timedelta(days=31 * _months(inactive))
    with current_app.extensions["sessionmaker"]() as db:
        gone = privacy.inactive_learners(db, before)
        if not dry_run:
            for learner in gone:
                privacy.delete_learner(db, learner)
            db.commit()
    click.echo(f"{len(gone)} learner(s) inactive since {before:%Y-%m-%d} "
               f"{'would be' if dry_run else ''} deleted.".replace("  ", " "))


@click.command("unlock")
@click.argument("username")
@with_appcontext
def unlock_command(username: str) -> None:
    """Let a volunteer locked out by wrong passwords try again at once."""
    from trainer.classroom import auth

    with current_app.extensions["sessionmaker"]() as db:
        cleared = auth.unlock(db, username)
        db.commit()
    click.echo(f"{auth.normalise_username(username)}: {cleared} lock(s) cleared.")


@click.command("export-data")
@with_appcontext
def export_data_command() -> None:
    """Print everything stored about every learner as JSON (for a data-subject request)."""
    with current_app.extensions["sessionmaker"]() as db:
        click.echo(json.dumps(privacy.export_all(db), ensure_ascii=False, indent=2))



@click.command("export")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only what happened on or after this day (YYYY-MM-DD); default everything.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write (default tapso-<day>.tapso in this folder).")
@with_appcontext
def export_command(since: dt.datetime | None, output: Path | None) -> None:
    """Write this laptop's classes and practice to a signed file for the provincial server."""
    from trainer.classroom import archive

    config = current_app.config
    key = archive.archive_key(config["SECRET_KEY"], config["ARCHIVE_KEY"])
    with current_app.extensions["sessionmaker"]() as db:
        blob = archive.export_archive(db, key, since.date() if since else None,
                                      origin=config.get("PUBLIC_URL") or socket.gethostname())
    output = output or Path(f"tapso-{dt.date.today().isoformat()}.tapso")
    output.write_bytes(blob)
    click.echo(f"Wrote {output} ({len(blob) // 1024} KB)")


@click.command("import")
@click.argument("archive_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(archive_file: Path) -> None:
    """Merge a file from `trainer export` into this database (twice changes nothing)."""
    from trainer.classroom import archive

    config = current_app.config
    key = archive.archive_key(config["SECRET_KEY"], config["ARCHIVE_KEY"])
    with current_app.extensions["sessionmaker"]() as db:
        try:
            result = archive.import_archive(db, archive_file.read_bytes(), key)
        except archive.ArchiveError as exc:
            db.rollback()
            raise click.ClickException(ARCHIVE_PROBLEMS[exc.reason]) from exc
        db.commit()
    click.echo(", ".join(f"{kind}: {result.added[kind]} new, {result.already[kind]} already here"
                         for kind in archive.KINDS))


ARCHIVE_PROBLEMS = {
    "format": "This is not a file from `trainer export`; nothing was imported.",
    "truncated": "The file is incomplete (cut off while copying?); copy it again. "
                 "Nothing was imported.",
    "signature": "The file's signature does not match: it was changed, or it comes from a "
                 "laptop with another TRAINER_ARCHIVE_KEY. Nothing was imported.",
    "newer": "The file comes from a newer version of Tập Số; update this one first. "
             "Nothing was imported.",
}

COMMANDS = (check_command, serve_command, db_group, create_admin_command, backup_command,
            export_data_command, new_command, export_command, import_command, screens_command,
            purge_command, unlock_command)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from trainer import create_app

    return create_app()


def utf8_console() -> None:
    """A Windows console or a redirected stream may use a code page such as cp1258 that
    cannot write "Tập Số": write UTF-8 instead, and replace what still cannot be written,
    so that no banner, lesson title or JSON stops a command."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


class TrainerGroup(FlaskGroup):
    def main(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - click's signature
        utf8_console()
        return super().main(*args, **kwargs)


@click.group(cls=TrainerGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """Tập Số trainer."""


# Registered on the group itself too, so `trainer check` and `trainer new` find their
# command without building the app (which parses every bundled lesson first).
for _command in COMMANDS:
    main.add_command(_command)

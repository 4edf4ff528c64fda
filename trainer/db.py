"""Engine, sessions and migrations. SQLite (WAL, busy timeout) by default,
PostgreSQL through ``DATABASE_URL``.

Alembic is imported where it is used: ``trainer check`` and the lesson tools
never need it, and it costs a tenth of a second to import.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        # hide_parameters: an error in the log never carries a learner's name.
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine | None = None, secret_key: str | None = None) -> Config:
    """Alembic's configuration; ``secret_key`` is for revisions that hash stored values
    with SECRET_KEY (0012: kiosk card codes), the app's own when none is given."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    if secret_key is None:
        from flask import current_app, has_app_context

        secret_key = current_app.config.get("SECRET_KEY") if has_app_context() else None
    cfg.attributes["secret_key"] = secret_key
    return cfg


def upgrade(engine: Engine, revision: str = "heads", secret_key: str | None = None) -> None:
    from alembic import command

    command.upgrade(alembic_config(engine, secret_key), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return heads[0] if len(heads) == 1 else (",".join(sorted(heads)) or None)


@functools.cache
def head_revision() -> str | None:
    """The newest migration. Read once per process: loading the migration scripts
    takes longer than the rest of a health check, and they do not change while
    the server runs."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return heads[0] if len(heads) == 1 else ",".join(sorted(heads))


def is_usable(engine: Engine) -> bool:
    """The database answers and its schema is up to date."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return current_revision(engine) == head_revision()
    except Exception:  # noqa: BLE001 - any failure means "not usable"
        return False


def backup_sqlite(engine: Engine, dest: Path) -> None:
    """Copy a live SQLite database with SQLite's online backup API: safe while
    learners keep answering (a plain file copy of a WAL database is not)."""
    import sqlite3
    from contextlib import closing

    source = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not source:
        raise ValueError("backup_sqlite needs an SQLite database file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source, timeout=30)) as src, \
            closing(sqlite3.connect(dest)) as out:
        src.backup(out)

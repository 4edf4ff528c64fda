"""What the migrations in ``versions/`` write the same way, written once.

Every table has an integer ``id`` key; constraint and index names follow the naming
convention of ``trainer.models`` (``pk_<table>``, ``fk_<table>_<column>_<target>``,
``uq_<table>_<column>``, ``ix_<table>_<column>``); columns are added and dropped in batch
mode (SQLite needs it to change a table, PostgreSQL runs plain ALTERs).

Deployed databases have already run the migrations that call these helpers, and a fresh
one must end up the same: never change what a helper emits. A migration that needs
something else writes it out or gets a new helper.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def create_table(name: str, *items: sa.SchemaItem) -> sa.Table:
    """``op.create_table`` with the integer ``id`` primary key as the first column."""
    return op.create_table(name, sa.Column("id", sa.Integer(), nullable=False), *items,
                           sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")))


def created_at() -> sa.Column:
    """When the row was written (set by the models, never empty)."""
    return sa.Column("created_at", sa.DateTime(), nullable=False)


def foreign_key(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    """``table.column`` refers to ``target.id``; ``ondelete`` is CASCADE (the row goes
    with its parent) or SET NULL (the row outlives it)."""
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def unique(table: str, column: str) -> sa.UniqueConstraint:
    """One column whose values never repeat in ``table``."""
    return sa.UniqueConstraint(column, name=op.f(f"uq_{table}_{column}"))


def create_indexes(table: str, *columns: str) -> None:
    """An index on each column by itself (lookups and joins by that column)."""
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def drop_indexes(table: str, *columns: str) -> None:
    """What :func:`create_indexes` made, dropped in the order given."""
    for column in columns:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)


def add_columns(table: str, *columns: sa.Column) -> None:
    """Columns added to an existing table, in the order given."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.add_column(column)


def drop_columns(table: str, *names: str) -> None:
    """Columns dropped from a table, in the order given."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name in names:
            batch_op.drop_column(name)


def create_login_failure() -> None:
    """The failed-login table as 0003 made it: 0009 drops it, and its downgrade brings
    it back the same."""
    create_table(
        "login_failure",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        created_at(),
    )
    op.create_index("ix_login_failure_username_at", "login_failure", ["username", "created_at"])
    create_indexes("login_failure", "created_at")


def drop_login_failure() -> None:
    """What :func:`create_login_failure` made (0003's downgrade, 0009's upgrade)."""
    drop_indexes("login_failure", "created_at")
    op.drop_index("ix_login_failure_username_at", table_name="login_failure")
    op.drop_table("login_failure")

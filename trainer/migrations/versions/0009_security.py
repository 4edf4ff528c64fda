"""security (issue 20): learner cards, try counters, volunteer session generation, class
lock

Failed-login rows are dropped (they only ever mattered for 15 minutes). Kiosk
secrets hashed with scrypt stay valid: they are checked the old way once and then stored
as an HMAC (trainer.classroom.kiosk).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

from trainer.migrations.helpers import (
    add_columns,
    create_indexes,
    create_login_failure,
    create_table,
    created_at,
    drop_columns,
    drop_indexes,
    drop_login_failure,
    foreign_key,
    unique,
)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_columns("volunteer", sa.Column("session_generation", sa.Integer(), server_default="0",
                                       nullable=False))
    add_columns("class_session",
                sa.Column("locked", sa.Boolean(), server_default=sa.false(), nullable=False))
    create_table(
        "learner_card",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        created_at(),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        foreign_key("learner_card", "learner_id", "learner", "CASCADE"),
        unique("learner_card", "token_hash"),
    )
    create_indexes("learner_card", "learner_id")
    op.create_table(
        "try_counter",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_try_counter")),
    )
    create_indexes("try_counter", "since")
    drop_login_failure()


def downgrade() -> None:
    create_login_failure()
    drop_indexes("try_counter", "since")
    op.drop_table("try_counter")
    drop_indexes("learner_card", "learner_id")
    op.drop_table("learner_card")
    drop_columns("class_session", "locked")
    drop_columns("volunteer", "session_generation")

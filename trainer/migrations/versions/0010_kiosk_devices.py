"""kiosk devices (a kiosk per browser, revocable) and typed learner-card codes

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from trainer.migrations.helpers import (
    add_columns,
    create_table,
    created_at,
    drop_columns,
    foreign_key,
    unique,
)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "kiosk_device",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        created_at(),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        foreign_key("kiosk_device", "created_by_id", "volunteer", "SET NULL"),
        unique("kiosk_device", "token_hash"),
    )
    create_table(
        "card_code",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        foreign_key("card_code", "learner_id", "learner", "CASCADE"),
        unique("card_code", "learner_id"),
        unique("card_code", "code"),
    )
    add_columns("kiosk_login", sa.Column("chosen_on", sa.String(length=40), nullable=True))


def downgrade() -> None:
    drop_columns("kiosk_login", "chosen_on")
    op.drop_table("card_code")
    op.drop_table("kiosk_device")

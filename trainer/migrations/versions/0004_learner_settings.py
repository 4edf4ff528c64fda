"""learner settings: text size, contrast, motion and read-aloud preferences

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa

from trainer.migrations.helpers import add_columns, drop_columns

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_columns("learner", sa.Column("settings", sa.String(length=60), nullable=True))


def downgrade() -> None:
    drop_columns("learner", "settings")

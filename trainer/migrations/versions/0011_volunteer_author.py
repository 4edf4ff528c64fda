"""volunteer.author: may edit lesson files in the browser (admins always may)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa

from trainer.migrations.helpers import add_columns, drop_columns

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_columns("volunteer",
                sa.Column("author", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    drop_columns("volunteer", "author")

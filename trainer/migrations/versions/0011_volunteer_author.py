"""volunteer.author: may edit lesson files in the browser (admins always may)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_column("author")

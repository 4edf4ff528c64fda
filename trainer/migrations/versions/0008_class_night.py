"""class night: class helpers, organiser, presenter moves, "Đã giúp" and pushes to a phone

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

from trainer.migrations.helpers import (
    add_columns,
    create_indexes,
    create_table,
    drop_columns,
    drop_indexes,
    foreign_key,
)

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "class_helper",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        foreign_key("class_helper", "class_id", "class_session", "CASCADE"),
        foreign_key("class_helper", "volunteer_id", "volunteer", "CASCADE"),
        sa.UniqueConstraint("class_id", "volunteer_id", name="uq_class_helper_class_volunteer"),
    )
    create_indexes("class_helper", "class_id", "volunteer_id")
    add_columns("class_session",
                sa.Column("organiser", sa.String(length=120), nullable=False, server_default=""),
                sa.Column("moved_at", sa.DateTime(), nullable=True))
    add_columns("class_member",
                sa.Column("helped_at", sa.DateTime(), nullable=True),
                sa.Column("sent", sa.String(length=10), nullable=False, server_default=""))


def downgrade() -> None:
    drop_columns("class_member", "sent", "helped_at")
    drop_columns("class_session", "moved_at", "organiser")
    drop_indexes("class_helper", "volunteer_id", "class_id")
    op.drop_table("class_helper")

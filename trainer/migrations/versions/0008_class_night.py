"""class night: class helpers, organiser, presenter moves, "Đã giúp" and pushes to a phone

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_helper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["class_session.id"], ondelete="CASCADE",
                                name=op.f("fk_class_helper_class_id_class_session")),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"], ondelete="CASCADE",
                                name=op.f("fk_class_helper_volunteer_id_volunteer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_helper")),
        sa.UniqueConstraint("class_id", "volunteer_id", name="uq_class_helper_class_volunteer"),
    )
    op.create_index(op.f("ix_class_helper_class_id"), "class_helper", ["class_id"])
    op.create_index(op.f("ix_class_helper_volunteer_id"), "class_helper", ["volunteer_id"])
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organiser", sa.String(length=120), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("moved_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("class_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("helped_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("sent", sa.String(length=10), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("class_member", schema=None) as batch_op:
        batch_op.drop_column("sent")
        batch_op.drop_column("helped_at")
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.drop_column("moved_at")
        batch_op.drop_column("organiser")
    op.drop_index(op.f("ix_class_helper_volunteer_id"), table_name="class_helper")
    op.drop_index(op.f("ix_class_helper_class_id"), table_name="class_helper")
    op.drop_table("class_helper")

"""kiosk devices (a kiosk per browser, revocable) and typed learner-card codes

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["volunteer.id"], ondelete="SET NULL",
                                name=op.f("fk_kiosk_device_created_by_id_volunteer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kiosk_device_token_hash")),
    )
    op.create_table(
        "card_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE",
                                name=op.f("fk_card_code_learner_id_learner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_code")),
        sa.UniqueConstraint("learner_id", name=op.f("uq_card_code_learner_id")),
        sa.UniqueConstraint("code", name=op.f("uq_card_code_code")),
    )
    with op.batch_alter_table("kiosk_login", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chosen_on", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosk_login", schema=None) as batch_op:
        batch_op.drop_column("chosen_on")
    op.drop_table("card_code")
    op.drop_table("kiosk_device")

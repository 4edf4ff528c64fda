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

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0",
                                      nullable=False))
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        "learner_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE",
                                name=op.f("fk_learner_card_learner_id_learner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_card")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_learner_card_token_hash")),
    )
    op.create_index(op.f("ix_learner_card_learner_id"), "learner_card", ["learner_id"])
    op.create_table(
        "try_counter",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_try_counter")),
    )
    op.create_index(op.f("ix_try_counter_since"), "try_counter", ["since"])
    op.drop_index(op.f("ix_login_failure_created_at"), table_name="login_failure")
    op.drop_index("ix_login_failure_username_at", table_name="login_failure")
    op.drop_table("login_failure")


def downgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index("ix_login_failure_username_at", "login_failure", ["username", "created_at"])
    op.create_index(op.f("ix_login_failure_created_at"), "login_failure", ["created_at"])
    op.drop_index(op.f("ix_try_counter_since"), table_name="try_counter")
    op.drop_table("try_counter")
    op.drop_index(op.f("ix_learner_card_learner_id"), table_name="learner_card")
    op.drop_table("learner_card")
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.drop_column("locked")
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_column("session_generation")

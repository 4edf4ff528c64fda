"""volunteers, login failures, classes, class members, kiosk logins

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "volunteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer")),
        sa.UniqueConstraint("username", name=op.f("uq_volunteer_username")),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index("ix_login_failure_username_at", "login_failure",
                    ["username", "created_at"])
    op.create_index(op.f("ix_login_failure_created_at"), "login_failure", ["created_at"])
    op.create_table(
        "class_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("commune", sa.String(length=80), nullable=False),
        sa.Column("village", sa.String(length=80), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("lessons", sa.String(length=1000), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("current_lesson", sa.String(length=80), nullable=False),
        sa.Column("current_step", sa.Integer(), nullable=False),
        sa.Column("highlight", sa.Boolean(), nullable=False),
        sa.Column("follow_on", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"],
                                name=op.f("fk_class_session_volunteer_id_volunteer"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_session")),
        sa.UniqueConstraint("code", name=op.f("uq_class_session_code")),
    )
    op.create_index(op.f("ix_class_session_held_on"), "class_session", ["held_on"])
    op.create_index(op.f("ix_class_session_volunteer_id"), "class_session", ["volunteer_id"])
    op.create_table(
        "class_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("following", sa.Boolean(), nullable=False),
        sa.Column("hand_raised_at", sa.DateTime(), nullable=True),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["class_session.id"],
                                name=op.f("fk_class_member_class_id_class_session"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"],
                                name=op.f("fk_class_member_learner_id_learner"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_member")),
        sa.UniqueConstraint("class_id", "learner_id", name="uq_class_member_class_learner"),
    )
    op.create_index(op.f("ix_class_member_class_id"), "class_member", ["class_id"])
    op.create_index(op.f("ix_class_member_learner_id"), "class_member", ["learner_id"])
    op.create_table(
        "kiosk_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("picture", sa.String(length=20), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("secret_kind", sa.String(length=10), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"],
                                name=op.f("fk_kiosk_login_learner_id_learner"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_login")),
        sa.UniqueConstraint("learner_id", name=op.f("uq_kiosk_login_learner_id")),
    )


def downgrade() -> None:
    op.drop_table("kiosk_login")
    op.drop_index(op.f("ix_class_member_learner_id"), table_name="class_member")
    op.drop_index(op.f("ix_class_member_class_id"), table_name="class_member")
    op.drop_table("class_member")
    op.drop_index(op.f("ix_class_session_volunteer_id"), table_name="class_session")
    op.drop_index(op.f("ix_class_session_held_on"), table_name="class_session")
    op.drop_table("class_session")
    op.drop_index(op.f("ix_login_failure_created_at"), table_name="login_failure")
    op.drop_index("ix_login_failure_username_at", table_name="login_failure")
    op.drop_table("login_failure")
    op.drop_table("volunteer")

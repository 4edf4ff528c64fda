"""volunteers, login failures, classes, class members, kiosk logins

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:35:00
"""
import sqlalchemy as sa
from alembic import op

from trainer.migrations.helpers import (
    create_indexes,
    create_login_failure,
    create_table,
    created_at,
    drop_indexes,
    drop_login_failure,
    foreign_key,
    unique,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "volunteer",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        created_at(),
        unique("volunteer", "username"),
    )
    create_login_failure()
    create_table(
        "class_session",
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
        created_at(),
        foreign_key("class_session", "volunteer_id", "volunteer", "CASCADE"),
        unique("class_session", "code"),
    )
    create_indexes("class_session", "held_on", "volunteer_id")
    create_table(
        "class_member",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("following", sa.Boolean(), nullable=False),
        sa.Column("hand_raised_at", sa.DateTime(), nullable=True),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        foreign_key("class_member", "class_id", "class_session", "CASCADE"),
        foreign_key("class_member", "learner_id", "learner", "CASCADE"),
        sa.UniqueConstraint("class_id", "learner_id", name="uq_class_member_class_learner"),
    )
    create_indexes("class_member", "class_id", "learner_id")
    create_table(
        "kiosk_login",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("picture", sa.String(length=20), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("secret_kind", sa.String(length=10), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        created_at(),
        foreign_key("kiosk_login", "learner_id", "learner", "CASCADE"),
        unique("kiosk_login", "learner_id"),
    )


def downgrade() -> None:
    op.drop_table("kiosk_login")
    drop_indexes("class_member", "learner_id", "class_id")
    op.drop_table("class_member")
    drop_indexes("class_session", "volunteer_id", "held_on")
    op.drop_table("class_session")
    drop_login_failure()
    op.drop_table("volunteer")

"""scam practice: rounds, their scenarios and the Leitner boxes

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from trainer.migrations.helpers import create_indexes, create_table, drop_indexes, foreign_key

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "practice_round",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submission", sa.String(length=40), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        foreign_key("practice_round", "learner_id", "learner", "CASCADE"),
        sa.UniqueConstraint("learner_id", "submission",
                            name="uq_practice_round_learner_submission"),
    )
    create_indexes("practice_round", "learner_id")
    create_table(
        "practice_item",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=True),
        foreign_key("practice_item", "attempt_id", "attempt", "SET NULL"),
        foreign_key("practice_item", "round_id", "practice_round", "CASCADE"),
        sa.UniqueConstraint("round_id", "position", name="uq_practice_item_round_position"),
    )
    create_indexes("practice_item", "round_id")
    create_table(
        "practice_box",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=False),
        sa.Column("box", sa.Integer(), nullable=False),
        sa.Column("due_round", sa.Integer(), nullable=False),
        sa.Column("last_round", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        foreign_key("practice_box", "learner_id", "learner", "CASCADE"),
        sa.UniqueConstraint("learner_id", "lesson_id", name="uq_practice_box_learner_lesson"),
    )


def downgrade() -> None:
    op.drop_table("practice_box")
    drop_indexes("practice_item", "round_id")
    op.drop_table("practice_item")
    drop_indexes("practice_round", "learner_id")
    op.drop_table("practice_round")

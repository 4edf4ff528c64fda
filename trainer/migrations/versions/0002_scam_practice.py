"""scam practice: rounds, their scenarios and the Leitner boxes

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submission", sa.String(length=40), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"],
                                name=op.f("fk_practice_round_learner_id_learner"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_round")),
        sa.UniqueConstraint("learner_id", "submission",
                            name="uq_practice_round_learner_submission"),
    )
    op.create_index(op.f("ix_practice_round_learner_id"), "practice_round", ["learner_id"])
    op.create_table(
        "practice_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"],
                                name=op.f("fk_practice_item_attempt_id_attempt"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["practice_round.id"],
                                name=op.f("fk_practice_item_round_id_practice_round"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_item")),
        sa.UniqueConstraint("round_id", "position", name="uq_practice_item_round_position"),
    )
    op.create_index(op.f("ix_practice_item_round_id"), "practice_item", ["round_id"])
    op.create_table(
        "practice_box",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=False),
        sa.Column("box", sa.Integer(), nullable=False),
        sa.Column("due_round", sa.Integer(), nullable=False),
        sa.Column("last_round", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"],
                                name=op.f("fk_practice_box_learner_id_learner"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_box")),
        sa.UniqueConstraint("learner_id", "lesson_id", name="uq_practice_box_learner_lesson"),
    )


def downgrade() -> None:
    op.drop_table("practice_box")
    op.drop_index(op.f("ix_practice_item_round_id"), table_name="practice_item")
    op.drop_table("practice_item")
    op.drop_index(op.f("ix_practice_round_learner_id"), table_name="practice_round")
    op.drop_table("practice_round")

"""resume codes: a hashed "mã học tiếp" on the learner, and wrong tries for the rate limit

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

from trainer.migrations.helpers import create_table, created_at

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_learner_resume_hash", ["resume_hash"])
    create_table("resume_try", sa.Column("address", sa.String(length=64), nullable=False),
                 created_at())
    with op.batch_alter_table("resume_try", schema=None) as batch_op:
        batch_op.create_index("ix_resume_try_address_at", ["address", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_resume_try_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("resume_try", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resume_try_created_at"))
        batch_op.drop_index("ix_resume_try_address_at")
    op.drop_table("resume_try")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_constraint("uq_learner_resume_hash", type_="unique")
        batch_op.drop_column("resume_hash")

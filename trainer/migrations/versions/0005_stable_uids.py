"""stable uids on classes, members, attempts and step events, so that laptops' work
merges into one server (trainer export / trainer import)

Revision ID: 0005
Revises: 0004
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("class_session", "class_member", "attempt", "step_event")


def upgrade() -> None:
    conn = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("uid", sa.String(length=36), nullable=True))
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("uid", sa.String))
        ids = [row.id for row in conn.execute(sa.select(rows.c.id))]
        if ids:
            conn.execute(rows.update().where(rows.c.id == sa.bindparam("row_id"))
                         .values(uid=sa.bindparam("new_uid")),
                         [{"row_id": i, "new_uid": str(uuid.uuid4())} for i in ids])
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("uid", existing_type=sa.String(length=36), nullable=False)
            batch_op.create_unique_constraint(f"uq_{table}_uid", ["uid"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_uid", type_="unique")
            batch_op.drop_column("uid")

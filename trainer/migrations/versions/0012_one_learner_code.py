"""one code per learner, cards shown again, one rate limiter (issues 17 and 20)

- ``learner_code``: the one code of a learner card ("mã học tiếp", also typed on a
  kiosk), stored as HMAC(SECRET_KEY, code). Existing codes keep working: every
  ``learner.resume_hash`` (already that HMAC) and every kiosk ``card_code`` (stored in
  plain until now, hashed here with SECRET_KEY) become rows without a seed, accepted on
  ``/resume`` and on a kiosk until the learner prints a new card. Then ``card_code``
  and ``learner.resume_hash`` are dropped: no code is left in plain.
- ``learner_card.seed``: cards made from now on can be shown again; older cards keep
  working until revoked.
- ``resume_try`` is dropped: learner codes are limited by ``try_counter`` like every
  other guess (its rows only ever mattered for 15 minutes).

Downgrade: one code hash per learner goes back to ``learner.resume_hash`` (her
"mã học tiếp" keeps working); kiosk codes cannot be un-hashed, so ``card_code`` comes
back empty (the old version makes a new code when a card is printed).

Revision ID: 0012
Revises: 0011
"""
import hashlib
import hmac

import sqlalchemy as sa
from alembic import op

from trainer.migrations.helpers import (
    create_card_code,
    add_columns,
    create_indexes,
    create_table,
    created_at,
    drop_columns,
    drop_indexes,
    foreign_key,
    unique,
)

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _code_hash(secret: str, code: str) -> str:
    # as trainer.classroom.cards.code_hash (copied: a revision must not change later)
    return hmac.new(secret.encode(), code.encode(), hashlib.sha256).hexdigest()


def upgrade() -> None:
    conn = op.get_bind()
    kiosk_codes = conn.execute(sa.text("SELECT learner_id, code FROM card_code")).all()
    secret = op.get_context().config.attributes.get("secret_key")
    if kiosk_codes and not secret:  # before any change (SQLite does not undo DDL)
        raise RuntimeError("Migration 0012 hashes the kiosk card codes with SECRET_KEY: "
                           "run it through `trainer db upgrade` (or `trainer serve`).")
    create_table(
        "learner_code",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.String(length=32), nullable=True),
        created_at(),
        foreign_key("learner_code", "learner_id", "learner", "CASCADE"),
        unique("learner_code", "code_hash"),
    )
    create_indexes("learner_code", "learner_id")
    add_columns("learner_card", sa.Column("seed", sa.String(length=32), nullable=True))

    conn.execute(sa.text(
        "INSERT INTO learner_code (learner_id, code_hash, created_at) "
        "SELECT id, resume_hash, CURRENT_TIMESTAMP FROM learner WHERE resume_hash IS NOT NULL"))
    # Kiosk codes (8 letters, unique) never hash like a resume code (6 letters).
    for learner_id, code in kiosk_codes:
        conn.execute(sa.text("INSERT INTO learner_code (learner_id, code_hash, created_at) "
                             "VALUES (:learner, :digest, CURRENT_TIMESTAMP)"),
                     {"learner": learner_id, "digest": _code_hash(secret, code)})

    op.drop_table("card_code")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_constraint("uq_learner_resume_hash", type_="unique")
        batch_op.drop_column("resume_hash")
    with op.batch_alter_table("resume_try", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resume_try_created_at"))
        batch_op.drop_index("ix_resume_try_address_at")
    op.drop_table("resume_try")


def downgrade() -> None:
    create_table("resume_try", sa.Column("address", sa.String(length=64), nullable=False),
                 created_at())
    with op.batch_alter_table("resume_try", schema=None) as batch_op:
        batch_op.create_index("ix_resume_try_address_at", ["address", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_resume_try_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_learner_resume_hash", ["resume_hash"])
    op.execute(
        "UPDATE learner SET resume_hash = (SELECT code_hash FROM learner_code "
        "WHERE learner_code.id = (SELECT max(c.id) FROM learner_code c "
        "WHERE c.learner_id = learner.id))")
    create_card_code()
    drop_columns("learner_card", "seed")
    drop_indexes("learner_code", "learner_id")
    op.drop_table("learner_code")

"""teams, places (seeded with Quảng Ninh's 54 commune-level units) and 1-to-1 visits

Revision ID: 0006
Revises: 0005
"""
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

import trainer
from trainer.migrations.helpers import (
    create_indexes,
    create_table,
    created_at,
    drop_indexes,
    foreign_key,
    unique,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SEED = Path(trainer.__file__).parent / "data" / "places-quang-ninh.yaml"


def upgrade() -> None:
    create_table(
        "team",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        unique("team", "name"),
    )
    place = create_table(
        "place",
        sa.Column("province", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("province", "name", name="uq_place_province_name"),
    )
    create_table(
        "support_visit",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("person", sa.String(length=60), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("commune", sa.String(length=80), nullable=False),
        sa.Column("kinds", sa.String(length=200), nullable=False),
        created_at(),
        foreign_key("support_visit", "volunteer_id", "volunteer", "CASCADE"),
        unique("support_visit", "uid"),
    )
    create_indexes("support_visit", "volunteer_id", "held_on")
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_volunteer_team_id_team"), "team", ["team_id"],
                                    ["id"], ondelete="SET NULL")
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    op.bulk_insert(place, [{"province": seed["province"], "kind": kind, "name": name,
                            "active": True}
                           for kind, names in seed["units"].items() for name in names])


def downgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_volunteer_team_id_team"), type_="foreignkey")
        batch_op.drop_column("team_id")
    drop_indexes("support_visit", "held_on", "volunteer_id")
    op.drop_table("support_visit")
    op.drop_table("place")
    op.drop_table("team")

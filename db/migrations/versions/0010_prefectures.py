"""prefectures as tenants: each municipality belongs to one prefecture (or consortium), which owns its shared
channel, licence pool and digest slot

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

Existing municipalities move to a prefecture of the name their free-text `prefecture` held; those without one
join the only such prefecture, or one named `default` when there is none or several. A single-channel setup so
becomes one tenant, whose digest still goes to DXBOT_DIGEST_CHANNEL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = db.models.UTCDateTime(timezone=True)
DEFAULT_NAME = "default"  # db.prefectures.DEFAULT_NAME, frozen here as the migration ran


def upgrade() -> None:
    prefectures = op.create_table(
        "prefectures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "shared_channel_id", sa.String(length=32), nullable=True, comment="its municipalities' shared channel"
        ),
        sa.Column(
            "slack_team_id",
            sa.String(length=32),
            nullable=True,
            comment="OAuth mode: the workspace whose installation posts its digest",
        ),
        sa.Column("licences", sa.Integer(), nullable=True, comment="the Udemy Business licences it procured"),
        sa.Column(
            "digest_cron",
            sa.String(length=100),
            nullable=True,
            comment="its digest's slot; DXBOT_DIGEST_CRON if none",
        ),
        sa.Column("created_at", UTC_DATETIME, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prefectures")),
        sa.UniqueConstraint("name", name=op.f("uq_prefectures_name")),
    )
    # A table of its own, not a column: SQLite adds a foreign-key column only by batch mode, which copies and drops
    # `municipalities` (with foreign keys on, the drop cascades), and cannot drop one again on downgrade.
    links = op.create_table(
        "municipality_prefectures",
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("prefecture_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_municipality_prefectures_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prefecture_id"], ["prefectures.id"], name=op.f("fk_municipality_prefectures_prefecture_id_prefectures")
        ),
        sa.PrimaryKeyConstraint("municipality_id", name=op.f("pk_municipality_prefectures")),
    )
    op.create_index(
        op.f("ix_municipality_prefectures_prefecture_id"), "municipality_prefectures", ["prefecture_id"], unique=False
    )
    _move_municipalities(prefectures, links)
    op.drop_column("municipalities", "prefecture")  # a plain column: SQLite drops it in place


def _move_municipalities(prefectures: sa.Table, links: sa.Table) -> None:
    connection = op.get_bind()
    municipalities = sa.table("municipalities", sa.column("id"), sa.column("prefecture"))
    rows = connection.execute(sa.select(municipalities.c.id, municipalities.c.prefecture)).all()
    named = sorted({prefecture for _, prefecture in rows if prefecture})
    home_of_unnamed = named[0] if len(named) == 1 else DEFAULT_NAME
    names = set(named) | ({home_of_unnamed} if any(p is None for _, p in rows) else set())
    for name in sorted(names):
        connection.execute(sa.insert(prefectures).values(name=name))
    ids = dict(connection.execute(sa.select(prefectures.c.name, prefectures.c.id)).all())
    for municipality_id, prefecture in rows:
        connection.execute(
            sa.insert(links).values(municipality_id=municipality_id, prefecture_id=ids[prefecture or home_of_unnamed])
        )


def downgrade() -> None:
    op.add_column("municipalities", sa.Column("prefecture", sa.String(length=20), nullable=True))
    connection = op.get_bind()
    municipalities = sa.table("municipalities", sa.column("id"), sa.column("prefecture"))
    links = sa.table("municipality_prefectures", sa.column("municipality_id"), sa.column("prefecture_id"))
    prefectures = sa.table("prefectures", sa.column("id"), sa.column("name"))
    name = (
        sa.select(sa.func.substr(prefectures.c.name, 1, 20))
        .join(links, links.c.prefecture_id == prefectures.c.id)
        .where(links.c.municipality_id == municipalities.c.id)
        .scalar_subquery()
    )
    connection.execute(sa.update(municipalities).values(prefecture=name))
    op.drop_index(op.f("ix_municipality_prefectures_prefecture_id"), table_name="municipality_prefectures")
    op.drop_table("municipality_prefectures")
    op.drop_table("prefectures")

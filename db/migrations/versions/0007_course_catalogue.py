"""course catalogue: the organisation's Udemy Business courses beside the learning paths'

Courses keep their readings, so matching needs only the database. A catalogue course has no track or requirement (it is on no path), and carries its Udemy id, headline, locale
and length in minutes. `updated_at` tells processes that the catalogue changed, so they rebuild its index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.alter_column("track", existing_type=sa.String(length=16), nullable=True)
        batch.alter_column("requirement", existing_type=sa.String(length=16), nullable=True)
        batch.add_column(sa.Column("readings", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("udemy_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("headline", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "updated_at",
                db.models.UTCDateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            )
        )
        batch.create_unique_constraint(batch.f("uq_courses_udemy_id"), ["udemy_id"])
        batch.create_index(batch.f("ix_courses_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    # Before 0007 every course was a path course: completions of catalogue courses keep their title as free text.
    catalogue = "SELECT id FROM courses WHERE track IS NULL"
    op.execute(f"UPDATE completions SET course_id = NULL WHERE course_id IN ({catalogue})")
    op.execute(f"UPDATE shares SET course_id = NULL WHERE course_id IN ({catalogue})")
    op.execute("DELETE FROM courses WHERE track IS NULL")
    with op.batch_alter_table("courses") as batch:
        batch.drop_index(batch.f("ix_courses_updated_at"))
        batch.drop_constraint(batch.f("uq_courses_udemy_id"), type_="unique")
        batch.drop_column("updated_at")
        batch.drop_column("minutes")
        batch.drop_column("locale")
        batch.drop_column("headline")
        batch.drop_column("udemy_id")
        batch.drop_column("readings")
        batch.alter_column("requirement", existing_type=sa.String(length=16), nullable=False)
        batch.alter_column("track", existing_type=sa.String(length=16), nullable=False)

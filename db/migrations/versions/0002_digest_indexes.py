"""digest indexes: covering indexes for the weekly digest's grouped queries

The week's figures and learners read (completed_at, municipality_id, member_id, hours) from one index; the
all-time count per municipality (milestones) and its history read it municipality first; path progress
reads (course_id, member_id, completed_at). The two narrower indexes they extend are dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WEEK = "ix_completions_completed_at_municipality_id_member_id_hours"
HISTORY = "ix_completions_municipality_id_completed_at_member_id_hours"
PATH = "ix_completions_course_id_member_id_completed_at"


def upgrade() -> None:
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.create_index(WEEK, ["completed_at", "municipality_id", "member_id", "hours"], unique=False)
        batch_op.create_index(HISTORY, ["municipality_id", "completed_at", "member_id", "hours"], unique=False)
        batch_op.create_index(PATH, ["course_id", "member_id", "completed_at"], unique=False)
        batch_op.drop_index("ix_completions_completed_at_municipality_id")
        batch_op.drop_index("ix_completions_course_id_member_id")


def downgrade() -> None:
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_completions_completed_at_municipality_id", ["completed_at", "municipality_id"], unique=False
        )
        batch_op.create_index("ix_completions_course_id_member_id", ["course_id", "member_id"], unique=False)
        batch_op.drop_index(PATH)
        batch_op.drop_index(HISTORY)
        batch_op.drop_index(WEEK)

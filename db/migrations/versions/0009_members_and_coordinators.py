"""members and coordinators: licences and nudge settings per municipality; e-mail, nudge and leave state per
member; the audit log, channel configurations, escalations and skill checks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = db.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    # Columns are added and dropped in place, never by batch mode: SQLite's batch mode copies a table and drops
    # the old one, and with foreign keys on, dropping `members` would cascade to every completion.
    op.add_column(
        "municipalities",
        sa.Column("licences", sa.Integer(), nullable=True, comment="Udemy Business licences allocated to it"),
    )
    op.add_column(
        "municipalities",
        sa.Column("nudge_weeks", sa.Integer(), nullable=True, comment="weeks without a completion before a nudge"),
    )
    op.add_column(
        "members",
        sa.Column("email", sa.String(length=254), nullable=True, comment="from an import, to match Udemy rows again"),
    )
    op.add_column("members", sa.Column("nudges", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("members", sa.Column("on_leave", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("members", sa.Column("last_nudged_at", UTC_DATETIME, nullable=True))
    op.add_column(
        "members", sa.Column("left_at", UTC_DATETIME, nullable=True, comment="left the workspace or was deactivated")
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("actor_team_id", sa.String(length=32), nullable=True),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_audit_log_member_id_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_audit_log_municipality_id_municipalities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_municipality_id_at", "audit_log", ["municipality_id", "at"], unique=False)
    op.create_table(
        "channel_configs",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("answer_all", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("visibility IN ('public', 'ephemeral')", name=op.f("ck_channel_configs_visibility")),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_channel_configs_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "channel_id", name=op.f("pk_channel_configs")),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint("state IN ('open', 'resolved')", name=op.f("ck_escalations_state")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_escalations_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_escalations_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_escalations_question_id_questions"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("channel_id", "thread_ts", name=op.f("uq_escalations_channel_id_thread_ts")),
    )
    op.create_index("ix_escalations_municipality_id_state", "escalations", ["municipality_id", "state"], unique=False)
    op.create_table(
        "skill_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("taken_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_skill_checks_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_checks")),
    )
    op.create_index(op.f("ix_skill_checks_member_id"), "skill_checks", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_skill_checks_member_id"), table_name="skill_checks")
    op.drop_table("skill_checks")
    op.drop_index("ix_escalations_municipality_id_state", table_name="escalations")
    op.drop_table("escalations")
    op.drop_table("channel_configs")
    op.drop_index("ix_audit_log_municipality_id_at", table_name="audit_log")
    op.drop_table("audit_log")
    for column in ("left_at", "last_nudged_at", "on_leave", "nudges", "email"):
        op.drop_column("members", column)
    op.drop_column("municipalities", "nudge_weeks")
    op.drop_column("municipalities", "licences")

"""verified membership: how each municipality takes members (open, its e-mail domains, or a coordinator's
approval), the join requests that wait for approval, and roles that belong to a municipality

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08

Existing municipalities stay open and existing members keep their municipality. A coordinator or admin who
belongs to no municipality had a role that reached anywhere they joined: they become learners, in the audit log
(appoint them again with `dxbot members set-role USER ROLE --municipality NAME`).
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = db.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    # Added in place, never by batch mode (which copies and drops the table: see 0009).
    op.add_column(
        "municipalities", sa.Column("join_policy", sa.String(length=16), server_default="open", nullable=False)
    )
    op.add_column(
        "municipalities",
        sa.Column(
            "email_domains",
            sa.JSON(),
            server_default="[]",
            nullable=False,
            comment="the domain policy's e-mail domains, e.g. city.yokosuka.kanagawa.jp",
        ),
    )
    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTC_DATETIME, nullable=False),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column(
            "decided_by", sa.String(length=32), nullable=True, comment="the Slack user id of who approved or denied"
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'approved', 'denied', 'withdrawn')", name=op.f("ck_join_requests_state")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_join_requests_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_join_requests_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
    )
    op.create_index(op.f("ix_join_requests_member_id"), "join_requests", ["member_id"], unique=False)
    op.create_index(
        "ix_join_requests_municipality_id_state", "join_requests", ["municipality_id", "state"], unique=False
    )
    pending = sa.text("state = 'pending'")
    op.create_index(
        "uq_join_requests_pending_member_id",
        "join_requests",
        ["member_id"],
        unique=True,
        sqlite_where=pending,
        postgresql_where=pending,
    )
    _demote_roles_without_a_municipality()


def _demote_roles_without_a_municipality() -> None:
    connection = op.get_bind()
    members = sa.table(
        "members",
        sa.column("id", sa.Integer),
        sa.column("slack_user_id", sa.String),
        sa.column("role", sa.String),
        sa.column("municipality_id", sa.Integer),
    )
    audit = sa.table(
        "audit_log",
        sa.column("at", UTC_DATETIME),
        sa.column("actor", sa.String),
        sa.column("action", sa.String),
        sa.column("member_id", sa.Integer),
        sa.column("details", sa.JSON),
    )
    roaming = connection.execute(
        sa.select(members.c.id, members.c.slack_user_id, members.c.role).where(
            members.c.role != "learner", members.c.municipality_id.is_(None)
        )
    ).all()
    if not roaming:
        return
    now = datetime.now(UTC)
    because = "roles belong to a municipality (migration 0011)"
    connection.execute(
        sa.insert(audit),
        [
            {
                "at": now,
                "actor": "cli",
                "action": "set_role",
                "member_id": member_id,
                "details": {"user": user, "from": role, "to": "learner", "because": because},
            }
            for member_id, user, role in roaming
        ],
    )
    connection.execute(sa.update(members).where(members.c.id.in_([m[0] for m in roaming])).values(role="learner"))


def downgrade() -> None:
    op.drop_index("uq_join_requests_pending_member_id", table_name="join_requests")
    op.drop_index("ix_join_requests_municipality_id_state", table_name="join_requests")
    op.drop_index(op.f("ix_join_requests_member_id"), table_name="join_requests")
    op.drop_table("join_requests")
    op.drop_column("municipalities", "email_domains")
    op.drop_column("municipalities", "join_policy")

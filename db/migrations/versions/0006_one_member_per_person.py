"""one member per person, one vote per person, municipality readings

Members were keyed by whichever team field a surface carried, so a Slack Connect or Enterprise Grid user
could become several members with the same user id (handlers/identity.py now reads one home for every
surface). Those rows are merged into one: the member who joined a municipality (else the oldest) keeps
every completion, tip and vote. `questions.feedback` (one vote per answer, overwritten by whoever clicked
last) becomes `votes`, one per person; the asker's recorded vote is kept as theirs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities") as batch:
        batch.add_column(
            sa.Column(
                "reading", sa.String(length=100), nullable=True, comment="the name in kana, for よこすか and Yokosuka"
            )
        )
    _merge_duplicate_members()
    askers_votes = _askers_feedback()
    with op.batch_alter_table("questions") as batch:  # on SQLite a copy: votes must not exist yet to cascade
        batch.drop_constraint(op.f("ck_questions_feedback"), type_="check")
        batch.drop_column("feedback")
    op.create_table(
        "votes",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("vote", sa.Integer(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("vote IN (-1, 1)", name=op.f("ck_votes_vote")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_votes_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_votes_question_id_questions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("question_id", "member_id", name=op.f("pk_votes")),
    )
    if askers_votes:  # as read: SQLite hands back its own text for the timestamps
        insert = "INSERT INTO votes (question_id, member_id, vote, voted_at) VALUES (:question, :member, :vote, :at)"
        op.get_bind().execute(sa.text(insert), askers_votes)


def _merge_duplicate_members() -> None:
    connection = op.get_bind()
    people = connection.execute(
        sa.text("SELECT slack_user_id FROM members GROUP BY slack_user_id HAVING COUNT(*) > 1")
    ).scalars()
    for user_id in list(people):
        ids = (
            connection.execute(
                sa.text(
                    "SELECT id FROM members WHERE slack_user_id = :user"
                    " ORDER BY CASE WHEN municipality_id IS NULL THEN 1 ELSE 0 END, id"
                ),
                {"user": user_id},
            )
            .scalars()
            .all()
        )
        keeper, others = ids[0], ids[1:]
        for other in others:
            _move(connection, other, keeper)


def _move(connection, other: int, keeper: int) -> None:
    """Everything of `other` to `keeper`; a course both recorded is kept once, with the earlier date."""
    moved = {"other": other, "keeper": keeper}
    connection.execute(
        sa.text(
            "UPDATE completions SET completed_at = (SELECT MIN(o.completed_at) FROM completions o"
            " WHERE o.member_id IN (:keeper, :other) AND o.course_key = completions.course_key)"
            " WHERE member_id = :keeper AND course_key IN (SELECT course_key FROM completions WHERE member_id = :other)"
        ),
        moved,
    )
    connection.execute(
        sa.text(
            "DELETE FROM completions WHERE member_id = :other AND course_key IN"
            " (SELECT course_key FROM completions WHERE member_id = :keeper)"
        ),
        moved,
    )
    connection.execute(sa.text("UPDATE completions SET member_id = :keeper WHERE member_id = :other"), moved)
    connection.execute(sa.text("UPDATE shares SET member_id = :keeper WHERE member_id = :other"), moved)
    connection.execute(
        sa.text(
            "UPDATE members SET"
            " role = CASE WHEN role = 'learner' THEN (SELECT role FROM members WHERE id = :other) ELSE role END,"
            " track = COALESCE(track, (SELECT track FROM members WHERE id = :other)),"
            " joined_at = COALESCE(joined_at, (SELECT joined_at FROM members WHERE id = :other))"
            " WHERE id = :keeper"
        ),
        moved,
    )
    connection.execute(sa.text("DELETE FROM members WHERE id = :other"), moved)


def _askers_feedback() -> list[dict]:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT q.id, m.id, q.feedback, q.asked_at FROM questions q"
            " JOIN members m ON m.slack_user_id = q.slack_user_id WHERE q.feedback IS NOT NULL"
        )
    )
    return [dict(question=q, member=m, vote=vote, at=at) for q, m, vote, at in rows]


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("feedback", sa.Integer(), nullable=True))
        batch.create_check_constraint(op.f("ck_questions_feedback"), "feedback IS NULL OR feedback IN (-1, 1)")
    op.drop_table("votes")
    with op.batch_alter_table("municipalities") as batch:
        batch.drop_column("reading")

"""Every table dxbot owns, as typed SQLAlchemy 2 models. The schema is created only by migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The newest migration (db/migrations/versions): commands check the database is at it before they use it.
SCHEMA_REVISION = "0011"
ROLES = ("learner", "coordinator", "admin")
TRACKS = ("ict", "business", "common")
REQUIREMENTS = ("required", "recommended")
COMPLETION_SOURCES = ("slash", "import", "coordinator")
SURFACES = ("mention", "dm", "command", "assistant", "cli")
DIGEST_STATES = ("pending", "posted", "failed")
JOB_LANES = ("reply", "ask")
JOB_STATES = ("queued", "running", "failed")
ANSWER_VISIBILITY = ("public", "ephemeral")
ESCALATION_STATES = ("open", "resolved")
# How a municipality takes new members: anyone (a pilot), staff at its e-mail domains, or whom a coordinator approves.
JOIN_POLICIES = ("open", "domain", "approval")
JOIN_STATES = ("pending", "approved", "denied", "withdrawn")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("dxbot stores aware datetimes only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class Prefecture(Base):
    """A tenant: a prefecture (or any consortium) that procures Udemy Business for its municipalities. It owns them,
    their shared channel, its licence pool and its digest's slot; nothing of one reaches another's channel."""

    __tablename__ = "prefectures"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    shared_channel_id: Mapped[str | None] = mapped_column(String(32), comment="its municipalities' shared channel")
    slack_team_id: Mapped[str | None] = mapped_column(
        String(32), comment="OAuth mode: the workspace whose installation posts its digest"
    )
    licences: Mapped[int | None] = mapped_column(Integer, comment="the Udemy Business licences it procured")
    digest_cron: Mapped[str | None] = mapped_column(String(100), comment="its digest's slot; DXBOT_DIGEST_CRON if none")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary="municipality_prefectures", back_populates="prefecture"
    )


class MunicipalityPrefecture(Base):
    """Which prefecture a municipality belongs to: one each."""

    __tablename__ = "municipality_prefectures"

    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True)
    prefecture_id: Mapped[int] = mapped_column(ForeignKey("prefectures.id"), index=True)


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(6), unique=True, comment="全国地方公共団体コード")
    reading: Mapped[str | None] = mapped_column(String(100), comment="the name in kana, for よこすか and Yokosuka")
    slack_team_id: Mapped[str | None] = mapped_column(String(32))
    digest_channel_id: Mapped[str | None] = mapped_column(String(32))
    licences: Mapped[int | None] = mapped_column(Integer, comment="Udemy Business licences allocated to it")
    nudge_weeks: Mapped[int | None] = mapped_column(Integer, comment="weeks without a completion before a nudge")
    join_policy: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    email_domains: Mapped[list[str]] = mapped_column(
        default=list, server_default="[]", comment="the domain policy's e-mail domains, e.g. city.yokosuka.kanagawa.jp"
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    # Through a table of its own: SQLite cannot add or drop a foreign-key column in place (see migration 0010).
    prefecture: Mapped[Prefecture | None] = relationship(
        secondary="municipality_prefectures", back_populates="municipalities"
    )
    members: Mapped[list[Member]] = relationship(back_populates="municipality")


class Member(Base):
    """One person. `slack_team_id` is their home, read by handlers/identity.py: their Enterprise Grid
    organisation (E…) when they belong to one, else their own workspace (T…), never the workspace of the
    channel they happen to write in (Slack Connect)."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("slack_team_id", "slack_user_id"),
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(f"track IS NULL OR {_in('track', TRACKS[:2])}", name="track"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="learner", server_default="learner")
    track: Mapped[str | None] = mapped_column(String(16))
    show_name: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    display_name: Mapped[str | None] = mapped_column(String(100))
    joined_at: Mapped[datetime | None]
    # Slack's profile address (users.info on a join, users.lookupByEmail on an import); the comment is 0009's.
    email: Mapped[str | None] = mapped_column(String(254), comment="from an import, to match Udemy rows again")
    nudges: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    on_leave: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_nudged_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None] = mapped_column(comment="left the workspace or was deactivated")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    municipality: Mapped[Municipality | None] = relationship(back_populates="members")


class Course(Base):
    """A course: one of a learning path's (knowledge/data/courses.yaml, with a track) or of the organisation's Udemy
    Business catalogue (`dxbot courses import` or `sync`, with its Udemy id). A path course found in the catalogue
    keeps its id and track and takes the catalogue's id, link and length."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(_in("track", TRACKS), name="track"),
        CheckConstraint(_in("requirement", REQUIREMENTS), name="requirement"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(500))
    hours: Mapped[float | None] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(100))
    track: Mapped[str | None] = mapped_column(String(16))  # None: in the catalogue, on no learning path
    requirement: Mapped[str | None] = mapped_column(String(16))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    readings: Mapped[list[str]] = mapped_column(default=list)  # hiragana, for きほんじょうほう and "kihon joho"
    udemy_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    headline: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str | None] = mapped_column(String(16))  # ja_JP, en_US
    minutes: Mapped[int | None] = mapped_column(Integer)  # Udemy's estimated_content_length
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class Completion(Base):
    """One member finished one course (catalogue or free text). `course_key` makes it unique either way."""

    __tablename__ = "completions"
    __table_args__ = (
        UniqueConstraint("member_id", "course_key"),
        CheckConstraint(_in("source", COMPLETION_SOURCES), name="source"),
        # Covering indexes for the weekly digest's grouped queries (a week's rows; a municipality's history).
        Index(
            "ix_completions_completed_at_municipality_id_member_id_hours",
            "completed_at",
            "municipality_id",
            "member_id",
            "hours",
        ),
        Index(
            "ix_completions_municipality_id_completed_at_member_id_hours",
            "municipality_id",
            "completed_at",
            "member_id",
            "hours",
        ),
        Index("ix_completions_course_id_member_id_completed_at", "course_id", "member_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id"), comment="the member's municipality when they finished"
    )
    course_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"))
    course_key: Mapped[str] = mapped_column(String(300), comment="course id, or 'free:' + normalised title")
    title_snapshot: Mapped[str] = mapped_column(String(300))
    hours: Mapped[float | None] = mapped_column(Float)
    completed_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16), default="slash")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    member: Mapped[Member] = relationship()
    course: Mapped[Course | None] = relationship()


class Share(Base):
    """A tip or learning note a member shared for the weekly digest."""

    __tablename__ = "shares"
    __table_args__ = (Index("ix_shares_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    course_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Question(Base):
    """Every question asked and what answered it, for coordinators (votes on the answer: `Vote`)."""

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(_in("surface", SURFACES), name="surface"),
        Index("ix_questions_asked_at", "asked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_team_id: Mapped[str | None] = mapped_column(String(32))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    surface: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    answer_text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2), default="ja")
    answered: Mapped[bool] = mapped_column(Boolean)
    source_ids: Mapped[list[str]] = mapped_column(default=list)
    topic: Mapped[str | None] = mapped_column(String(64), comment="the best source's id, for topic counts")
    used_model: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    asked_at: Mapped[datetime]


class Vote(Base):
    """One person's 👍/👎 on one answer: anyone who sees a channel answer may vote, once; a new click changes
    their own vote and nobody else's."""

    __tablename__ = "votes"
    __table_args__ = (CheckConstraint("vote IN (-1, 1)", name="vote"),)

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    vote: Mapped[int] = mapped_column(Integer)
    voted_at: Mapped[datetime]


class ProcessedEvent(Base):
    """Slack event ids already handled, so that Slack's retries are not processed twice."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class DigestRun(Base):
    """One digest post to one channel for one ISO week: claimed before posting, completed after.

    pending: a run is posting (message_ts once the post is out, replies_posted as the thread grows);
    posted: the post is out (an error means the thread is incomplete: the next run resumes it);
    failed: the post itself failed (the next run tries again)."""

    __tablename__ = "digest_runs"
    __table_args__ = (
        UniqueConstraint("iso_week", "channel_id"),
        CheckConstraint(_in("state", DIGEST_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iso_week: Mapped[str] = mapped_column(String(8))
    channel_id: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    replies_posted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class Job(Base):
    """Work promised to a member before the ack and done after it, kept here so that a crash or a deploy
    loses none of it. Finished jobs are deleted; a failed one stays for the operator.

    lane: `reply` for quick Slack calls, `ask` for model answers and other slow work (bounded per process).
    queued: waiting for `run_after`; running: claimed until `lease_until` (a worker that died lets it lapse)."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("lane", JOB_LANES), name="lane"),
        CheckConstraint(_in("state", JOB_STATES), name="state"),
        Index("ix_jobs_lane_state_run_after", "lane", "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lane: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(Text)
    # The workspace whose request queued the job: in OAuth mode its installation's token does the job's calls.
    team_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))


class InstallationMunicipality(Base):
    """A municipality whose staff use the workspace `team_id` (an OAuth installation); a workspace may host several
    municipalities. Removed with the installation when the app is uninstalled."""

    __tablename__ = "installation_municipalities"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True)
    mapped_at: Mapped[datetime]


class AuditEntry(Base):
    """A change one person made to another's records or role (a coordinator's correction, an admin's role change,
    an import, a deletion), kept for the prefecture's audit. `actor` is a Slack user id, or `cli`."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_municipality_id_at", "municipality_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_team_id: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ChannelConfig(Base):
    """A channel a coordinator configured: dxbot answers every question there without a mention (`answer_all`),
    publicly or only to the asker (`visibility`)."""

    __tablename__ = "channel_configs"
    __table_args__ = (CheckConstraint(_in("visibility", ANSWER_VISIBILITY), name="visibility"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"))
    answer_all: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class Escalation(Base):
    """An answer that did not help, handed to the municipality's coordinators in its thread (🆘) until one of them
    marks it resolved."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("channel_id", "thread_ts"),
        CheckConstraint(_in("state", ESCALATION_STATES), name="state"),
        Index("ix_escalations_municipality_id_state", "municipality_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(32))


class SkillCheck(Base):
    """One member's answers to the skill check (knowledge/data/skill_check.yaml), with the track and ordered course
    plan it suggested. The latest is their learning plan."""

    __tablename__ = "skill_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, Any]]
    scores: Mapped[dict[str, Any]]
    track: Mapped[str] = mapped_column(String(16))
    plan: Mapped[list[str]]
    taken_at: Mapped[datetime]


PENDING_ONLY = {f"{dialect}_where": text("state = 'pending'") for dialect in ("sqlite", "postgresql")}


class JoinRequest(Base):
    """A member's wish to join a municipality that takes members by approval: pending until one of its coordinators
    (or an admin of its prefecture) approves or denies it, or the member asks to join elsewhere (withdrawn)."""

    __tablename__ = "join_requests"
    __table_args__ = (
        CheckConstraint(_in("state", JOIN_STATES), name="state"),
        Index("ix_join_requests_municipality_id_state", "municipality_id", "state"),
        # One wish at a time, even when two requests race: at most one pending request per member.
        Index("uq_join_requests_pending_member_id", "member_id", unique=True, **PENDING_ONLY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(32), comment="the Slack user id of who approved or denied")

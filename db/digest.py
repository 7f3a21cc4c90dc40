"""The weekly digest's figures, aggregated in SQL (a handful of GROUP BY queries), and its DigestRun records."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, and_, case, desc, distinct, func, literal, null, or_, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement

from db.models import Completion, Course, DigestRun, Member, Municipality, Question, Share
from db.prefectures import Tenant, municipality_ids
from db.questions_report import UnansweredGroup, questions_report

TOP_COURSES = 3
TOP_TOPICS = 5
TOP_UNANSWERED = 3  # the questions most often left unanswered, quoted for coordinators
MIN_ASKERS_TO_QUOTE = 2  # the shared channel sees a question's words only when several members asked it
SHARES_LIMIT = 50  # a digest is read, not searched: older tips of a busy week stay in the database
MILESTONES = (10, 50, 100, 500, 1000)
TOP_MOVERS = 5  # the municipalities the shared post names for their week: the rest are in its thread, by code
MIN_NAMED_GROUP = 3  # a tip credited to a municipality of fewer members would point at its author
LICENCE_WINDOW = timedelta(days=30)  # a licence is in use while its holder was active within it (repo.active_members)
STALE_AFTER = timedelta(minutes=10)  # a run still pending after this crashed: another may take it over
_WEEK = re.compile(r"(\d{4})-W(\d{2})", re.IGNORECASE)


# --- weeks ----------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week, Monday to Sunday in the municipalities' time zone."""

    monday: date

    @classmethod
    def parse(cls, text: str) -> Week:
        """'2026-W48' → that week; ValueError (with the reason) for anything else or an impossible week."""
        found = _WEEK.fullmatch(text.strip())
        if found is None:
            raise ValueError("write it as YYYY-Www, e.g. 2026-W48")
        year, number = int(found[1]), int(found[2])
        try:
            return cls(date.fromisocalendar(year, number, 1))
        except ValueError as exc:
            raise ValueError(f"{year} has no week {number}") from exc

    @classmethod
    def containing(cls, moment: datetime, tz: ZoneInfo) -> Week:
        day = moment.astimezone(tz).date()
        return cls(day - timedelta(days=day.weekday()))

    @property
    def label(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def shift(self, weeks: int) -> Week:
        return Week(self.monday + timedelta(weeks=weeks))

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[Monday 00:00, next Monday 00:00) local time, as aware UTC datetimes for the query."""
        start = datetime.combine(self.monday, time(), tzinfo=tz)
        end = datetime.combine(self.monday + timedelta(days=7), time(), tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)


# --- what the digest reports -----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseCount:
    title: str
    completions: int


Courses = tuple[CourseCount, ...]


@dataclass(frozen=True)
class MunicipalityWeek:
    id: int
    name: str
    code: str | None
    digest_channel_id: str | None
    completions: int = 0
    hours: float = 0.0
    learners: int = 0
    new_members: int = 0
    members: int = 0
    on_path: int = 0  # members with a track
    path_done: int = 0  # ... who have finished every required course of it
    path_progress: float | None = None  # path_done / on_path, None without anyone on a path
    last_week_completions: int = 0
    last_week_hours: float = 0.0
    shares: int = 0
    top_courses: Courses = ()
    licences: int | None = None  # Udemy Business licences allocated, when set
    licences_used: int = 0  # members active in the LICENCE_WINDOW before the week's end

    @property
    def active(self) -> bool:
        return self.completions > 0 or self.new_members > 0 or self.shares > 0


@dataclass(frozen=True)
class Totals:
    """A prefecture's week, and the week before for the changes."""

    completions: int
    hours: float
    learners: int
    new_members: int
    last_week_completions: int
    active_municipalities: int
    municipalities: int  # those with members: the ones that can be active
    without_members: int = 0
    top_courses: Courses = ()
    last_week_hours: float = 0.0
    last_week_learners: int = 0
    members: int = 0
    licences: int | None = None  # the prefecture's pool, else what its municipalities were allocated; None: unknown
    licences_used: int = 0  # members active in the LICENCE_WINDOW before the week's end


@dataclass(frozen=True)
class Mover:
    """A municipality whose completions rose most for its size: per member, so a town of 8 can lead a city."""

    municipality_id: int
    municipality: str
    change: int  # completions this week minus last week
    per_member: float


@dataclass(frozen=True)
class SharedTip:
    text: str
    municipality_id: int | None
    municipality: str | None
    member_name: str | None  # only for members who opted in (show_name) and have a name
    course_title: str | None
    created_at: datetime


@dataclass(frozen=True)
class Milestone:
    kind: str  # first_completion | cumulative | path_finished
    municipality_id: int
    municipality: str
    value: int  # the threshold crossed, or how many members finished their required courses


@dataclass(frozen=True)
class TopicCount:
    topic: str
    questions: int


@dataclass(frozen=True)
class QuestionStats:
    asked: int
    unanswered: int
    top_topics: tuple[TopicCount, ...]
    top_unanswered: tuple[UnansweredGroup, ...] = ()  # the TOP_UNANSWERED most asked, with their spellings
    not_helpful: int = 0  # answers a member marked 👎


@dataclass(frozen=True)
class DigestData:
    prefecture: str
    week: str
    first_day: date
    last_day: date
    municipalities: tuple[MunicipalityWeek, ...]  # in 市区町村コード order, never a ranking
    totals: Totals
    shares: tuple[SharedTip, ...] = ()
    shares_total: int = 0  # the week's tips, of which `shares` holds the first SHARES_LIMIT
    milestones: tuple[Milestone, ...] = ()
    questions: QuestionStats | None = None
    movers: tuple[Mover, ...] = ()

    def only(self, municipality_ids: Collection[int]) -> DigestData:
        """The slice a municipality's own channel gets: their figures, tips and milestones; totals stay whole."""
        return replace(
            self,
            municipalities=tuple(m for m in self.municipalities if m.id in municipality_ids),
            shares=tuple(s for s in self.shares if s.municipality_id in municipality_ids),
            shares_total=sum(m.shares for m in self.municipalities if m.id in municipality_ids),
            milestones=tuple(m for m in self.milestones if m.municipality_id in municipality_ids),
            movers=tuple(m for m in self.movers if m.municipality_id in municipality_ids),
        )


@dataclass(frozen=True)
class PrefectureTotals:
    prefecture: str
    totals: Totals


@dataclass(frozen=True)
class NationalWeek:
    """Prefectures side by side, in totals only: nothing of any municipality."""

    week: str
    first_day: date
    last_day: date
    prefectures: tuple[PrefectureTotals, ...]


# --- aggregation -----------------------------------------------------------------------------------


@dataclass
class _Figures:
    """Per-municipality figures while the queries fill them in."""

    values: dict[int, dict[str, object]] = field(default_factory=dict)

    def put(self, municipality_id: int | None, **values: object) -> None:
        if municipality_id is not None:
            self.values.setdefault(municipality_id, {}).update(values)

    def get(self, municipality_id: int) -> dict[str, object]:
        return self.values.get(municipality_id, {})


def digest_data(session: Session, week: Week, tz: ZoneInfo, tenant: Tenant) -> DigestData:
    """One prefecture's week: every query keeps to its municipalities (`places`)."""
    start, end = week.bounds(tz)
    previous_start, _ = week.shift(-1).bounds(tz)
    places = municipality_ids(tenant.id)
    figures = _Figures()
    _completion_figures(session, figures, places, previous_start, start, end)
    _member_figures(session, figures, places, start, end)
    _path_figures(session, figures, places, start, end)
    _share_counts(session, figures, places, start, end)
    _licence_figures(session, figures, places, end, pooled=tenant.licences is not None)
    tops, top_overall = _top_courses(session, places, start, end)
    before = _completions_before(session, places, start)
    weeks = [
        _municipality(row, figures.get(row.id), tops.get(row.id, ()))
        for row in session.execute(
            select(
                Municipality.id,
                Municipality.name,
                Municipality.code,
                Municipality.digest_channel_id,
                Municipality.licences,
            ).where(Municipality.id.in_(places))
        )
    ]
    weeks.sort(key=lambda m: (m.code is None, m.code or "", m.name))  # a neutral order, never a ranking
    small = {m.id for m in weeks if m.members < MIN_NAMED_GROUP}
    tips = and_(_in_week(Share.created_at, start, end), Share.municipality_id.in_(places))
    return DigestData(
        prefecture=tenant.name,
        week=week.label,
        first_day=week.monday,
        last_day=week.sunday,
        municipalities=tuple(weeks),
        totals=_totals(session, tenant, weeks, top_overall, places, (previous_start, start, end)),
        shares=tuple(_credited(tip, small) for tip in _shares(session, tips)),
        shares_total=session.scalar(select(func.count()).where(tips)) or 0,
        milestones=_milestones(weeks, before, figures),
        questions=_questions(session, places, start, end),
        movers=top_movers(weeks),
    )


def national_week(session: Session, week: Week, tz: ZoneInfo, tenants: Sequence[Tenant]) -> NationalWeek:
    totals = tuple(PrefectureTotals(t.name, digest_data(session, week, tz, t).totals) for t in tenants)
    return NationalWeek(week.label, week.monday, week.sunday, totals)


def _in_week(column: InstrumentedAttribute[datetime], start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _completion_figures(
    session: Session, figures: _Figures, places: Select, previous: datetime, start: datetime, end: datetime
) -> None:
    this_week = Completion.completed_at >= start
    rows = session.execute(
        select(
            Completion.municipality_id,
            func.sum(case((this_week, 1), else_=0)),
            func.sum(case((this_week, func.coalesce(Completion.hours, 0.0)), else_=0.0)),
            func.count(distinct(case((this_week, Completion.member_id)))),
            func.sum(case((this_week, 0), else_=1)),
            func.sum(case((this_week, 0.0), else_=func.coalesce(Completion.hours, 0.0))),
        )
        .where(_in_week(Completion.completed_at, previous, end), Completion.municipality_id.in_(places))
        .group_by(Completion.municipality_id)
    )
    for municipality_id, completions, hours, learners, last_week, last_week_hours in rows:
        figures.put(
            municipality_id,
            completions=int(completions),
            hours=float(hours),
            learners=int(learners),
            last_week_completions=int(last_week),
            last_week_hours=float(last_week_hours),
        )


def _member_figures(session: Session, figures: _Figures, places: Select, start: datetime, end: datetime) -> None:
    rows = session.execute(
        select(
            Member.municipality_id,
            func.count(),
            func.sum(case((Member.track.is_not(None), 1), else_=0)),
            func.sum(case((_in_week(Member.joined_at, start, end), 1), else_=0)),
        )
        .where(Member.municipality_id.in_(places), _joined_by(end))
        .group_by(Member.municipality_id)
    )
    for municipality_id, members, on_path, new_members in rows:
        figures.put(municipality_id, members=int(members), on_path=int(on_path), new_members=int(new_members))


def _joined_by(end: datetime) -> ColumnElement[bool]:
    """Members as of the week's end (those added without a join date count from the start)."""
    return or_(Member.joined_at.is_(None), Member.joined_at < end)


def _path_figures(session: Session, figures: _Figures, places: Select, start: datetime, end: datetime) -> None:
    """Members who had finished every required course of their track by the week's end, and when."""
    required = session.execute(select(Course.id, Course.track).where(Course.requirement == "required")).all()
    if not required:
        return
    needed = Counter(track for _, track in required)
    # The (course, track) match sits in the aggregates, not the WHERE: PostgreSQL then estimates the join well.
    matched = or_(*(and_(Completion.course_id == course_id, Member.track == track) for course_id, track in required))
    finished = (
        select(Member.municipality_id, func.max(case((matched, Completion.completed_at))).label("finished_at"))
        .join(Member, Member.id == Completion.member_id)
        .where(
            Completion.course_id.in_([course_id for course_id, _ in required]),
            Completion.completed_at < end,
            Member.track.is_not(None),
            Member.municipality_id.in_(places),
            _joined_by(end),
        )
        .group_by(Member.id, Member.municipality_id, Member.track)
        .having(func.sum(case((matched, 1), else_=0)) == case(needed, value=Member.track))
        .subquery()
    )
    rows = session.execute(
        select(
            finished.c.municipality_id,
            func.count(),
            func.sum(case((finished.c.finished_at >= start, 1), else_=0)),
        ).group_by(finished.c.municipality_id)
    )
    for municipality_id, done, this_week in rows:
        figures.put(municipality_id, path_done=int(done), path_finished=int(this_week))


def _licence_figures(session: Session, figures: _Figures, places: Select, end: datetime, *, pooled: bool) -> None:
    """Licences in use at the week's end (repo.active_members' count), in one query for every municipality that
    has licences allocated, or for all when the prefecture holds a pool: a 30-day scan only where it is shown."""
    allocated = (
        places
        if pooled
        else select(Municipality.id).where(Municipality.licences.is_not(None), Municipality.id.in_(places))
    )
    rows = session.execute(
        select(Completion.municipality_id, func.count(distinct(Completion.member_id)))
        .where(_in_week(Completion.completed_at, end - LICENCE_WINDOW, end), Completion.municipality_id.in_(allocated))
        .group_by(Completion.municipality_id)
    )
    for municipality_id, used in rows:
        figures.put(municipality_id, licences_used=int(used))


def _share_counts(session: Session, figures: _Figures, places: Select, start: datetime, end: datetime) -> None:
    rows = session.execute(
        select(Share.municipality_id, func.count())
        .where(_in_week(Share.created_at, start, end), Share.municipality_id.in_(places))
        .group_by(Share.municipality_id)
    )
    for municipality_id, n in rows:
        figures.put(municipality_id, shares=int(n))


def _credited(tip: SharedTip, small: set[int]) -> SharedTip:
    """In a municipality of one or two members, "a member of 葉山町" names the author: say "a member"."""
    if tip.municipality_id in small and tip.member_name is None:
        return replace(tip, municipality=None)
    return tip


def _top_courses(
    session: Session, places: Select, start: datetime, end: datetime
) -> tuple[dict[int, Courses], Courses]:
    """The most completed courses of the week in each municipality and overall, from one pass over the week."""
    counts = (
        select(
            Completion.municipality_id,
            Completion.course_key,
            func.min(Completion.title_snapshot).label("title"),
            func.count().label("n"),
        )
        .where(_in_week(Completion.completed_at, start, end), Completion.municipality_id.in_(places))
        .group_by(Completion.municipality_id, Completion.course_key)
        .cte("counts")
    )
    rank = func.row_number().over(partition_by=counts.c.municipality_id, order_by=(counts.c.n.desc(), counts.c.title))
    ranked = select(counts.c.municipality_id, counts.c.title, counts.c.n, rank.label("rank")).subquery()
    overall = (
        select(func.min(counts.c.title).label("title"), func.sum(counts.c.n).label("n"))
        .group_by(counts.c.course_key)
        .order_by(func.sum(counts.c.n).desc(), func.min(counts.c.title))
        .limit(TOP_COURSES)
        .subquery()
    )
    rows = session.execute(
        union_all(
            select(ranked.c.municipality_id, ranked.c.title, ranked.c.n, ranked.c.rank).where(
                ranked.c.rank <= TOP_COURSES
            ),
            select(null(), overall.c.title, overall.c.n, literal(0)),  # municipality NULL: the overall top
        ).order_by("municipality_id", "rank", desc("n"))
    )
    tops: dict[int | None, list[CourseCount]] = {}
    for municipality_id, title, n, _ in rows:
        tops.setdefault(municipality_id, []).append(CourseCount(title, int(n)))
    overall_top = tuple(tops.pop(None, ()))
    return {key: tuple(value) for key, value in tops.items()}, overall_top


def _completions_before(session: Session, places: Select, start: datetime) -> dict[int, int]:
    """All-time completions per municipality before the week, for its milestones."""
    rows = session.execute(
        select(Completion.municipality_id, func.count())
        .where(Completion.municipality_id.in_(places), Completion.completed_at < start)
        .group_by(Completion.municipality_id)
    )
    return {municipality_id: int(n) for municipality_id, n in rows}


def _municipality(row: Row, values: dict[str, object], tops: Courses) -> MunicipalityWeek:
    on_path, done = int(values.get("on_path", 0)), int(values.get("path_done", 0))
    known = {name: values[name] for name in MunicipalityWeek.__dataclass_fields__ if name in values}
    return MunicipalityWeek(
        **known,
        id=row.id,
        name=row.name,
        code=row.code,
        digest_channel_id=row.digest_channel_id,
        licences=row.licences,
        path_progress=done / on_path if on_path else None,
        top_courses=tops,
    )


def _totals(
    session: Session,
    tenant: Tenant,
    places: Sequence[MunicipalityWeek],
    top: Courses,
    ids: Select,
    bounds: tuple[datetime, datetime, datetime],
) -> Totals:
    previous, start, end = bounds
    this_week = Completion.completed_at >= start
    # Counted once overall: a member who moved municipality mid-week appears in both places' figures.
    learners, last_week_learners = session.execute(
        select(
            func.count(distinct(case((this_week, Completion.member_id)))),
            func.count(distinct(case((Completion.completed_at < start, Completion.member_id)))),
        ).where(_in_week(Completion.completed_at, previous, end), Completion.municipality_id.in_(ids))
    ).one()
    allocated = [m.licences for m in places if m.licences]
    return Totals(
        completions=sum(m.completions for m in places),
        hours=sum(m.hours for m in places),
        learners=int(learners or 0),
        new_members=sum(m.new_members for m in places),
        last_week_completions=sum(m.last_week_completions for m in places),
        active_municipalities=sum(m.active for m in places if m.members),
        municipalities=sum(1 for m in places if m.members),
        without_members=sum(1 for m in places if not m.members),
        top_courses=top,
        last_week_hours=sum(m.last_week_hours for m in places),
        last_week_learners=int(last_week_learners or 0),
        members=sum(m.members for m in places),
        licences=tenant.licences or (sum(allocated) if allocated else None),
        licences_used=sum(m.licences_used for m in places if tenant.licences or m.licences),
    )


def top_movers(places: Sequence[MunicipalityWeek]) -> tuple[Mover, ...]:
    """The TOP_MOVERS municipalities whose completions rose most per member (ties: the larger rise, then code
    order). Only rises, and only where enough members learn that the figure names no one (MIN_NAMED_GROUP)."""
    risen = [
        Mover(
            m.id, m.name, m.completions - m.last_week_completions, (m.completions - m.last_week_completions) / m.members
        )
        for m in places
        if m.members >= MIN_NAMED_GROUP and m.completions > m.last_week_completions
    ]
    order = {m.id: n for n, m in enumerate(places)}
    risen.sort(key=lambda m: (-m.per_member, -m.change, order[m.municipality_id]))
    return tuple(risen[:TOP_MOVERS])


def _shares(session: Session, tips: ColumnElement[bool]) -> tuple[SharedTip, ...]:
    rows = session.execute(
        select(Share, Member.show_name, Member.display_name, Municipality.name, Course.title)
        .join(Member, Member.id == Share.member_id)
        .outerjoin(Municipality, Municipality.id == Share.municipality_id)
        .outerjoin(Course, Course.id == Share.course_id)
        .where(tips)
        .order_by(Share.created_at, Share.id)
        .limit(SHARES_LIMIT)
    )
    return tuple(
        SharedTip(
            text=share.text,
            municipality_id=share.municipality_id,
            municipality=municipality,
            member_name=name if show and name else None,
            course_title=course,
            created_at=share.created_at,
        )
        for share, show, name, municipality, course in rows
    )


def _milestones(places: Sequence[MunicipalityWeek], before: dict[int, int], figures: _Figures) -> tuple[Milestone, ...]:
    found: list[Milestone] = []
    for place in places:
        earlier, now = before.get(place.id, 0), before.get(place.id, 0) + place.completions
        if earlier == 0 and now > 0:
            found.append(Milestone("first_completion", place.id, place.name, now))
        crossed = [n for n in MILESTONES if earlier < n <= now]
        if crossed:
            found.append(Milestone("cumulative", place.id, place.name, crossed[-1]))
        finished = int(figures.get(place.id).get("path_finished", 0))
        if finished:
            found.append(Milestone("path_finished", place.id, place.name, finished))
    return tuple(found)


def _questions(session: Session, places: Select, start: datetime, end: datetime) -> QuestionStats | None:
    week = and_(_in_week(Question.asked_at, start, end), Question.municipality_id.in_(places))
    asked, unanswered = session.execute(
        select(func.count(), func.sum(case((Question.answered, 0), else_=1))).where(week)
    ).one()
    if not asked:
        return None
    topics = session.execute(
        select(Question.topic, func.count().label("n"))
        .where(week, Question.topic.is_not(None))
        .group_by(Question.topic)
        .order_by(func.count().desc(), Question.topic)
        .limit(TOP_TOPICS)
    )
    top_topics = tuple(TopicCount(topic, int(n)) for topic, n in topics)
    gaps = questions_report(session, start, end, places)  # what coordinators could add to the knowledge base
    return QuestionStats(
        asked=int(asked),
        unanswered=int(unanswered or 0),
        top_topics=top_topics,
        top_unanswered=tuple(g for g in gaps.unanswered if g.askers >= MIN_ASKERS_TO_QUOTE)[:TOP_UNANSWERED],
        not_helpful=gaps.not_helpful_count,
    )


def weekly_completions(session: Session, weeks: Sequence[Week], tz: ZoneInfo, tenant: Tenant) -> list[int]:
    """The prefecture's completions in each of `weeks` (consecutive, oldest first), for the chart."""
    bounds = [w.bounds(tz) for w in weeks]
    bucket = case(*((Completion.completed_at < end, i) for i, (_, end) in enumerate(bounds)))
    tagged = (
        select(bucket.label("week"))
        .where(
            _in_week(Completion.completed_at, bounds[0][0], bounds[-1][1]),
            Completion.municipality_id.in_(municipality_ids(tenant.id)),
        )
        .subquery()
    )
    counts = [0] * len(weeks)
    for index, n in session.execute(select(tagged.c.week, func.count()).group_by(tagged.c.week)):
        counts[index] = int(n)
    return counts


# --- digest runs: exactly one post per (week, channel) ----------------------------------------------


@dataclass(frozen=True)
class Claim:
    """The right to post one channel's digest, or to finish posting it, held while `attempts` is unchanged."""

    iso_week: str
    channel_id: str
    attempts: int
    message_ts: str | None  # the post is already out: continue its thread from `replies_posted`
    replies_posted: int = 0
    check_history: bool = False  # an earlier run may have posted without recording it: look before posting


def claim_run(session: Session, iso_week: str, channel_id: str, now: datetime, *, force: bool = False) -> Claim | None:
    """Claim a channel's digest (the caller commits before posting). None when the channel has it, or another
    run is posting right now. A failed run, an unfinished thread, a stale run (no progress for STALE_AFTER)
    and, with `force`, a posted one are taken over by one conditional UPDATE: one claimant wins."""
    try:
        with session.begin_nested():
            session.add(
                DigestRun(iso_week=iso_week, channel_id=channel_id, state="pending", attempts=1, started_at=now)
            )
        return Claim(iso_week, channel_id, attempts=1, message_ts=None)
    except IntegrityError:
        pass
    found = run(session, iso_week, channel_id)
    stale = found.state == "pending" and found.started_at < now - STALE_AFTER
    unfinished_thread = found.state == "posted" and found.error is not None
    repost = force and found.state == "posted"
    if not (stale or unfinished_thread or repost or found.state == "failed"):
        return None
    taken = session.execute(
        update(DigestRun)
        .where(DigestRun.id == found.id, DigestRun.attempts == found.attempts)  # nobody took it since we looked
        .values(
            state="pending",
            attempts=found.attempts + 1,
            started_at=now,
            finished_at=None,
            error=None,
            **({"message_ts": None, "replies_posted": 0} if repost else {}),
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    if repost:
        return Claim(iso_week, channel_id, found.attempts + 1, message_ts=None)
    # A failed or crashed run may still have reached Slack (a reply lost on the way back, a crash before
    # recording): unless its post is recorded, the sender looks for it first.
    return Claim(
        iso_week,
        channel_id,
        found.attempts + 1,
        message_ts=found.message_ts,
        replies_posted=found.replies_posted,
        check_history=found.message_ts is None,
    )


def record_progress(session: Session, claim: Claim, now: datetime, *, message_ts: str, replies_posted: int = 0) -> bool:
    """The post is out (and so many thread replies); also a heartbeat, so a slow run is not taken for crashed.
    False when another run has taken the digest over: this one must stop."""
    updated = session.execute(
        update(DigestRun)
        .where(*_held(claim))
        .values(message_ts=message_ts, replies_posted=replies_posted, started_at=now)
        .execution_options(synchronize_session=False)
    )
    return updated.rowcount == 1


def finish_run(session: Session, claim: Claim, now: datetime, *, error: str | None = None) -> None:
    """Posted when the post is out (an error then says the thread is unfinished); failed otherwise. Nothing
    when another run has taken the digest over."""
    found = session.scalar(select(DigestRun).where(*_held(claim)))
    if found is not None:
        found.state = "posted" if found.message_ts else "failed"
        found.error = error
        found.finished_at = now


def _held(claim: Claim) -> tuple[ColumnElement[bool], ...]:
    return (
        DigestRun.iso_week == claim.iso_week,
        DigestRun.channel_id == claim.channel_id,
        DigestRun.attempts == claim.attempts,
    )


def run(session: Session, iso_week: str, channel_id: str) -> DigestRun | None:
    return session.scalar(select(DigestRun).where(DigestRun.iso_week == iso_week, DigestRun.channel_id == channel_id))

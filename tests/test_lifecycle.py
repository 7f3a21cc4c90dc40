"""A person's data over time: `dxbot members forget` removes every personal trace and keeps the digest's counts;
a member who leaves the workspace (user_change) stops being a coordinator, and comes back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from typer.testing import CliRunner

from db import access, channels, membership, repo, skill_checks, slack_tables
from db.digest import Week, digest_data
from db.models import AuditEntry, Base, Completion, Escalation, Job, JoinRequest, Member, Question
from handlers import delivery
from tests.helpers import only_tenant

PERSON = "UFORGET1"
NAME = "山田花子"
EMAIL = "hanako.yamada@city.example.jp"
TIP = "花子のメモ：動画は1.5倍速で"
QUESTION = "花子の質問：基本情報の勉強時間は？"
FREE_TITLE = "花子が受けた課内の勉強会"  # a course she typed as free text: her own words


def digest_now(services):
    tz = services.settings.tz
    with services.db.scope() as session:
        return digest_data(session, Week.containing(services.now(), tz), tz, only_tenant(session))


def yokosuka(data):
    return next(place for place in data.municipalities if place.name == "横須賀市")


def figures(data) -> tuple:
    place = yokosuka(data)
    totals = data.totals
    return (
        (place.completions, place.hours, place.learners, place.top_courses, place.last_week_completions),
        (totals.completions, totals.hours, totals.learners, totals.top_courses),
    )


def traces(services, *markers: str) -> list[str]:
    """Every row of every table that mentions one of `markers`."""
    found = []
    with services.db.scope() as session:
        for table in (*Base.metadata.sorted_tables, *slack_tables.metadata.sorted_tables):
            for row in session.execute(table.select()):
                if any(marker in str(tuple(row)) for marker in markers):
                    found.append(f"{table.name}: {tuple(row)}")
    return found


def forget(database_url, monkeypatch, *args: str, **options):
    from bot import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(cli.cli, ["members", "forget", *args], **options)


def someone_with_a_history(slack, services) -> None:
    """PERSON, a coordinator of 横須賀市 with completions, a tip, a question, votes, a skill check, an
    escalation, an e-mail and a shown name; and a colleague, U2, with their own."""
    for user in (PERSON, "U2"):
        slack.command("join 横須賀市", user=user)
        slack.command("done ITパスポート", user=user)
    slack.command("done プロセス改革", user=PERSON)
    slack.command(f"share {TIP}", user=PERSON)
    slack.command("share U2のヒント", user="U2")
    now = services.now()
    with services.db.scope() as session:
        person, colleague = repo.member(session, "T1", PERSON), repo.member(session, "T1", "U2")
        person.email, person.show_name, person.display_name = EMAIL, True, NAME
        repo.set_role(session, person, "coordinator")
        asked = {}
        for who, text in ((PERSON, QUESTION), ("U2", "U2の質問")):
            asked[who] = repo.log_question(
                session,
                team_id="T1",
                user_id=who,
                surface="command",
                text=text,
                answer_text="答え",
                language="ja",
                answered=False,
                source_ids=[],
                used_model=False,
                asked_at=now,
            )
        repo.vote(session, asked["U2"], person, 1, now)
        repo.vote(session, asked[PERSON], colleague, -1, now)
        plan = {"answers": {"literacy-dx": 1}, "scores": {"literacy": 8}, "track": "business", "plan": ["x"]}
        skill_checks.save(session, person, now=now, **plan)
        session.add(
            Escalation(
                team_id="T1",
                channel_id="C1",
                thread_ts="1.1",
                question_id=asked[PERSON],
                member_id=person.id,
                municipality_id=person.municipality_id,
                created_at=now,
            )
        )
        access.audit(session, at=now, actor=person, action="record", member=colleague, details={"course": "x"})
        details = {"user": PERSON, "from": "learner", "to": "coordinator"}  # as `dxbot members set-role` keeps it
        access.audit(session, at=now, actor=None, action="set_role", member=person, details=details)
        what_they_did_elsewhere(session, services, person, colleague)


def what_they_did_elsewhere(session, services, person: Member, colleague: Member) -> None:
    """Rows that name PERSON without being theirs: a job of theirs given up (their question and its response_url)
    and a colleague's naming them; a channel they configured; a colleague's escalation, in another municipality,
    they resolved; a join request they decided; the installation they made. And their own join request."""
    now = services.now()
    elsewhere = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
    theirs = {"question": QUESTION, "user_id": PERSON, "reply": {"response_url": "https://hooks.slack.com/x/1"}}
    answered = delivery.respond("https://hooks.slack.com/x/2", {"text": f"{TIP}を共有しました"}, PERSON).payload
    session.add(Job(lane="reply", kind="respond", payload=answered, state="failed", run_after=now, created_at=now))
    earlier = now - timedelta(days=30)  # a week the digest test does not compare
    recorded = access.record_on_behalf(
        session, colleague, person, course_id=None, title=FREE_TITLE, hours=1.5, completed_at=earlier, now=now
    )
    assert recorded.created
    naming = {"text": f"🆘 <@{PERSON}> <@U2> さんの質問です", "user_id": "U2", "resolve": "1:1.1"}
    for payload in (theirs, naming):
        session.add(Job(lane="reply", kind="escalate", payload=payload, state="failed", run_after=now, created_at=now))
    channels.configure_channel(
        session,
        team_id="T1",
        channel_id="CQ",
        municipality_id=person.municipality_id,
        by=PERSON,
        at=now,
        answer_all=True,
    )
    session.add(
        Escalation(
            team_id="T1",
            channel_id="C2",
            thread_ts="2.2",
            member_id=colleague.id,
            state="resolved",
            municipality_id=elsewhere.id,
            created_at=now,
            resolved_at=now,
            resolved_by=PERSON,
        )
    )
    newcomer = repo.member(session, "T1", "UNEW")
    session.add(
        JoinRequest(
            member_id=newcomer.id,
            municipality_id=person.municipality_id,
            state="approved",
            requested_at=now,
            decided_at=now,
            decided_by=PERSON,
        )
    )
    membership.request_to_join(session, person, elsewhere, now)
    session.execute(
        slack_tables.installations.insert().values(
            client_id="1.2",
            app_id="A1",
            team_id="T1",
            user_id=PERSON,
            user_token="xoxp-their-own",
            installed_at=now,
        )
    )


def test_forget_removes_every_personal_trace_and_keeps_the_digest_counts(
    slack, services, municipality, database_url, monkeypatch
):
    someone_with_a_history(slack, services)
    before = digest_now(services)
    assert traces(services, PERSON, NAME, EMAIL, TIP, QUESTION, FREE_TITLE, "hooks.slack.com")

    result = forget(database_url, monkeypatch, PERSON, "--yes")
    assert result.exit_code == 0, result.output
    assert f"{PERSON} forgotten" in result.output and "3 completions kept anonymously" in result.output

    assert traces(services, PERSON, NAME, EMAIL, TIP, QUESTION, FREE_TITLE, "hooks.slack.com") == []
    after = digest_now(services)
    assert figures(after) == figures(before)  # completions, hours, learners, top courses: per week and overall
    assert yokosuka(after).members == 1  # the person is no longer one of its members
    assert [tip.text for tip in after.shares] == ["U2のヒント"]
    with services.db.scope() as session:
        stand_in = session.scalar(select(Member).where(Member.slack_team_id == "forgotten"))
        assert (stand_in.municipality_id, stand_in.role, stand_in.track, stand_in.joined_at) == (
            None,
            "learner",
            None,
            None,
        )
        kept = session.execute(select(Completion.municipality_id).where(Completion.member_id == stand_in.id)).all()
        assert kept == [(municipality.id,)] * 3
        assert session.scalar(select(func.count()).select_from(Question)) == 1
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "forget"))
        assert (entry.actor, entry.municipality_id) == ("cli", municipality.id)
        assert entry.details == {
            "completions_kept": 3,
            "shares": 1,
            "questions": 1,
            "votes": 1,
            "skill_checks": 1,
            "escalations": 1,
        }
        [made] = session.scalars(select(AuditEntry).where(AuditEntry.action == "record"))
        assert (made.actor, made.actor_team_id) == ("forgotten", None)  # what they did stays audited, unnamed
        [appointed] = session.scalars(select(AuditEntry).where(AuditEntry.action == "set_role"))
        assert appointed.details == {"user": "forgotten", "from": "learner", "to": "coordinator"}
        colleague = repo.member(session, "T1", "U2")
        assert len(repo.completions(session, colleague)) == 1
        [kept_job] = session.scalars(select(Job))  # the colleague's, calling the coordinator that was
        assert kept_job.payload["text"] == "🆘 <@forgotten> <@U2> さんの質問です"
        assert channels.channel_config(session, "CQ").updated_by == "forgotten"
        assert session.scalar(select(Escalation.state).where(Escalation.thread_ts == "2.2")) == "resolved"
        assert [r.decided_by for r in session.scalars(select(JoinRequest))] == ["forgotten"]


def test_forget_asks_first_and_names_what_it_cannot_find(slack, services, municipality, database_url, monkeypatch):
    from bot.cli.support import UserError

    slack.command("join 横須賀市", user=PERSON)
    declined = forget(database_url, monkeypatch, PERSON, input="n\n")
    assert declined.exit_code != 0 and "cannot be undone" in declined.output
    assert traces(services, PERSON)
    unknown = forget(database_url, monkeypatch, "U404", "--yes")
    assert isinstance(unknown.exception, UserError) and "U404" in str(unknown.exception)


def user_change(slack, user: str, deleted: bool):
    profile = {"real_name": NAME, "display_name": NAME}
    return slack.event(
        {"type": "user_change", "user": {"id": user, "team_id": "T1", "deleted": deleted, "profile": profile}}
    )


def test_a_coordinator_who_leaves_the_workspace_is_learner_and_marked_left(slack, services, municipality):
    slack.command("join 横須賀市", user="UC1")
    with services.db.scope() as session:
        repo.set_role(session, repo.member(session, "T1", "UC1"), "coordinator")

    assert user_change(slack, "UC1", deleted=True).status == 200
    with services.db.scope() as session:
        who = repo.member(session, "T1", "UC1")
        left_at = who.left_at
        assert left_at is not None and who.role == "learner"
        assert access.coordinators(session, municipality.id) == []
        [entry] = [e for e in access.audit_log(session, municipality.id) if e.action != "join"]
        assert (entry.action, entry.member_id, entry.details["was"], entry.details["role"]) == (
            "role",
            who.id,
            "coordinator",
            "learner",
        )
        assert NAME not in str(entry.details)

    user_change(slack, "UC1", deleted=True)  # Slack's retry, or another profile change while deactivated
    with services.db.scope() as session:
        assert repo.member(session, "T1", "UC1").left_at == left_at
        assert len(access.audit_log(session, municipality.id)) == 2  # the join, and the role taken once

    assert user_change(slack, "UC1", deleted=False).status == 200  # reactivated
    with services.db.scope() as session:
        who = repo.member(session, "T1", "UC1")
        assert who.left_at is None and who.role == "learner"  # a coordinator gives the role back


def test_a_profile_change_of_someone_dxbot_does_not_know_stores_nothing(slack, services):
    assert user_change(slack, "UNEW", deleted=False).status == 200
    assert slack.event({"type": "user_change", "user": "malformed"}).status == 200
    with services.db.scope() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0

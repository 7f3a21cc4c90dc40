"""Who may see and change whose personal data, as one table: every Slack surface that reads or changes another
person's data, against every kind of actor, each cell run over signed HTTP in OAuth mode (three workspaces, two
prefectures) on the suite's database. A listener, a `/dx` sub-command or a CLI command with no row fails.

The data is 横須賀市's (神奈川県): learner UL (an e-mail, a completion, a question, an open 🆘), learner UN (not
started), and UNEW, who asked to join. The actors:
- learner: UL2, a learner of 横須賀市;
- coordinator: UC, 横須賀市's coordinator;
- coordinator_elsewhere: UKC, coordinator of 鎌倉市, the same prefecture;
- admin: UA, an admin of 神奈川県 (who belongs to 鎌倉市);
- admin_elsewhere: UGA, an admin of 群馬県 (前橋市), in 群馬県's workspace;
- other_workspace: UX, in a workspace that installed dxbot but hosts no municipality.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select

from bot.app import BOT_SCOPES
from bot.services import build_services
from db import channels, escalations, membership, prefectures, repo, workspaces
from db.models import Completion, Escalation, Job, JoinRequest
from tests.conftest import SIGNING_SECRET, empty_database, oauth_settings, serving
from tests.fakes.signed import SignedSlack
from tests.helpers import eventually

KANAGAWA, GUNMA, OTHER = "T0KANAGAWA", "T0GUNMA", "T0OTHER"
ACTORS = {
    "learner": (KANAGAWA, "UL2"),
    "coordinator": (KANAGAWA, "UC"),
    "coordinator_elsewhere": (KANAGAWA, "UKC"),
    "admin": (KANAGAWA, "UA"),
    "admin_elsewhere": (GUNMA, "UGA"),
    "other_workspace": (OTHER, "UX"),
}
OWN_CHANNEL, SHARED_CHANNEL, NEW_CHANNEL = "C0YOKOSUKA", "C0KANAGAWA", "C0NEWROOM"
EMAIL = "ul@city.yokosuka.kanagawa.jp"
TITLE = "ULの庁内研修"


@dataclass
class World:
    slack: dict[str, SignedSlack]  # by workspace
    fake: object
    services: object
    question_id: int = 0
    escalation_id: int = 0
    request_id: int = 0

    def as_(self, actor: str) -> tuple[SignedSlack, str]:
        team, user = ACTORS[actor]
        return self.slack[team], user

    def command(self, actor: str, text: str, channel: str = "C1") -> dict:
        signed, user = self.as_(actor)
        before = len(self.fake.of("response_url"))
        signed.command(text, user=user, channel=channel)
        return self.fake.reply(before + 1)

    def click(self, actor: str, action_id: str, value: str, *, on_home: bool = False) -> None:
        signed, user = self.as_(actor)
        payload = signed.block_actions(
            [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}], user
        )
        if on_home:
            del payload["response_url"], payload["channel"]
            payload["container"] = {"type": "view", "view_id": "VHOME"}
        assert signed.form({"payload": json.dumps(payload)}).status == 200

    def settled(self) -> None:
        def idle() -> bool:
            with self.services.db.scope(read_only=True) as session:
                return session.scalar(select(func.count()).select_from(Job)) == 0

        eventually(idle)

    def shown_after(self, start: int) -> str:
        """Everything dxbot sent to Slack since call `start`: replies, posts, views, files."""
        self.settled()
        return json.dumps([call.args for call in self.fake.calls[start:]], ensure_ascii=False, default=_bytes)

    def count(self, model, *where) -> int:
        with self.services.db.scope(read_only=True) as session:
            return session.scalar(select(func.count()).select_from(model).where(*where))


def _bytes(value):
    return value.decode("utf-8-sig", "replace") if isinstance(value, bytes) else str(value)


def member_id(world: World, user: str) -> int:
    with world.services.db.scope(read_only=True) as session:
        return repo.members_by_user(session, user, KANAGAWA)[0].id


# --- the rows ---------------------------------------------------------------------------------------------


def _reads(run: Callable[[World, str], None], marker: str) -> Callable[[World, str], bool]:
    """A surface that shows data: did what `actor` was shown hold `marker` (a name or address of 横須賀市's)?"""

    def probe(world: World, actor: str) -> bool:
        start = len(world.fake.calls)
        run(world, actor)
        return marker in world.shown_after(start)

    return probe


def admin_done(world: World, actor: str) -> bool:
    world.command(actor, "admin done <@UL|ul> 基本情報")
    return world.count(Completion, Completion.member_id == member_id(world, "UL")) == 2


def admin_undo(world: World, actor: str) -> bool:
    world.command(actor, f"admin undo <@UL|ul> {TITLE}")
    return world.count(Completion, Completion.member_id == member_id(world, "UL")) == 0


def record_on_behalf(world: World, actor: str) -> bool:
    signed, user = world.as_(actor)
    values = {
        "record_course": {
            "record_course_search": {"type": "external_select", "selected_option": {"value": "free:代理の研修"}}
        },
        "record_hours": {"hours": {"type": "number_input", "value": "1"}},
        "record_date": {"date": {"type": "datepicker", "selected_date": world.services.today().isoformat()}},
        "record_behalf": {"member": {"type": "users_select", "selected_user": "UL"}},
    }
    signed.form({"payload": json.dumps(signed.view_submission("record_completion", values, user=user))})
    return world.count(Completion, Completion.member_id == member_id(world, "UL")) == 2


def give_role(world: World, actor: str) -> bool:
    world.command(actor, "admin role <@UL|ul> coordinator")
    with world.services.db.scope(read_only=True) as session:
        return repo.members_by_user(session, "UL", KANAGAWA)[0].role == "coordinator"


def join(world: World, actor: str) -> bool:
    world.command(actor, "join 横須賀市")
    team, user = ACTORS[actor]
    with world.services.db.scope(read_only=True) as session:
        found = repo.members_by_user(session, user, team)
        return bool(found) and found[0].municipality is not None and found[0].municipality.name == "横須賀市"


def resolve(world: World, actor: str) -> bool:
    world.click(actor, "escalation_resolve", f"{world.escalation_id}:1.1")
    return world.count(Escalation, Escalation.state == "resolved") == 1


def approve(world: World, actor: str) -> bool:
    world.click(actor, "join_approve", str(world.request_id))
    return world.count(JoinRequest, JoinRequest.state == "approved") == 1


def escalate(world: World, actor: str) -> bool:
    world.click(actor, "escalate", f"{world.question_id}:C1:2.2:2.2")
    return world.count(Escalation) == 2


def share(world: World, actor: str) -> bool:
    world.click(actor, "share_answer", str(world.question_id))
    world.settled()
    return bool(world.fake.of("chat.postMessage"))


def configure(channel: str) -> Callable[[World, str], bool]:
    """`/dx admin channel <#…> answer-all on`, the channel picked from Slack's list as if shared with every actor's
    workspace (it is 神奈川県's: conversations.info says so)."""

    def probe(world: World, actor: str) -> bool:
        world.command(actor, f"admin channel <#{channel}|room> answer-all on")
        with world.services.db.scope(read_only=True) as session:
            found = channels.channel_config(session, channel)
            return found is not None and found.answer_all

    return probe


def home_opened(world: World, actor: str) -> None:
    signed, user = world.as_(actor)
    signed.event({"type": "app_home_opened", "user": user, "tab": "home", "event_ts": "1.1"})


@dataclass(frozen=True)
class Row:
    surface: str
    listeners: tuple[str, ...]  # the listeners (kind:id) or `/dx` words it covers
    allowed: frozenset[str]
    probe: Callable[[World, str], bool]


def allowed(*actors: str) -> frozenset[str]:
    return frozenset(actors)


PREFECTURE_COORDINATORS = allowed("coordinator", "coordinator_elsewhere", "admin")
MATRIX = (
    Row("/dx admin members", ("/dx admin members",), allowed("coordinator"),
        _reads(lambda w, a: w.command(a, "admin members"), "<@UN>")),
    Row("/dx admin audit", ("/dx admin audit",), allowed("coordinator"),
        _reads(lambda w, a: w.command(a, "admin audit"), "<@UN>")),
    Row("/dx export", ("/dx export",), allowed("coordinator"),
        _reads(lambda w, a: w.command(a, "export csv"), EMAIL)),
    Row("the Home's export button", ("action:coordinator_export",), allowed("coordinator"),
        _reads(lambda w, a: w.click(a, "coordinator_export", "csv", on_home=True), EMAIL)),
    Row("the App Home (a coordinator's overview)", ("event:app_home_opened",), allowed("coordinator"),
        _reads(home_opened, "<@UN>")),
    Row("/dx digest (the prefecture's preview)", ("/dx digest",), PREFECTURE_COORDINATORS,
        _reads(lambda w, a: w.command(a, "digest"), "神奈川県")),
    Row("the Home's digest preview", ("action:home_digest_preview",), PREFECTURE_COORDINATORS,
        _reads(lambda w, a: w.click(a, "home_digest_preview", "preview", on_home=True), "神奈川県")),
    Row("/dx admin done", ("/dx admin done",), allowed("coordinator"), admin_done),
    Row("/dx admin undo", ("/dx admin undo",), allowed("coordinator"), admin_undo),
    Row("the record form, on behalf", ("view:record_completion", "action:home_record", "shortcut:dx_record"),
        allowed("coordinator"), record_on_behalf),
    Row("/dx admin role", ("/dx admin role",), allowed("coordinator", "admin"), give_role),
    Row("/dx join (an open municipality)", ("/dx join", "action:home_join", "options:home_join"),
        allowed("learner", "coordinator", "coordinator_elsewhere", "admin"), join),
    Row("🆘 resolved", ("action:escalation_resolve",), allowed("coordinator"), resolve),
    Row("a join request, approved", ("action:join_approve", "action:join_deny"), allowed("coordinator", "admin"),
        approve),
    Row("🆘 on another's answer", ("action:escalate",), allowed(), escalate),
    Row("share another's answer", ("action:share_answer",), allowed(), share),
    Row("/dx admin channel: a municipality's own", ("/dx admin channel",), allowed("coordinator", "admin"),
        configure(OWN_CHANNEL)),
    Row("/dx admin channel: the prefecture's shared", ("/dx admin channel",), allowed("admin"),
        configure(SHARED_CHANNEL)),
    Row("/dx admin channel: nobody's yet", ("/dx admin channel",), allowed("admin"), configure(NEW_CHANNEL)),
)  # fmt: skip

# Listeners that read or change only the clicker's own data (or none): each is named, with why.
OWN_ONLY = {
    "/dx track": "the member's own track",
    "/dx done": "the member's own record",
    "/dx undo": "the member's own record",
    "/dx progress": "the member's own records",
    "/dx ask": "the member's own question",
    "/dx subsidy": "a calculation, no data",
    "/dx share": "the member's own tip",
    "/dx privacy": "the member's own setting",
    "/dx nudges": "the member's own setting",
    "/dx leave": "the member's own setting",
    "/dx check": "the member's own skill check",
    "/dx admin help": "help text",
    "action:re:^done_pick:": "the clicker's own record",
    "action:done_free": "the clicker's own record",
    "action:feedback_up": "the clicker's own vote",
    "action:feedback_down": "the clicker's own vote",
    "action:home_undo": "the clicker's own record",
    "action:home_track": "the clicker's own track",
    "action:home_nudges": "the clicker's own setting",
    "action:home_leave": "the clicker's own setting",
    "action:home_share": "opens the clicker's own tip form",
    "action:skill_check_open": "the clicker's own skill check",
    "action:skill_check_adopt": "the clicker's own track",
    "options:record_course_search": "the catalogue, no personal data",
    "view:share_modal": "the member's own tip",
    "/dx admin": "the router of the /dx admin words, each with its row",
    "view:skill_check": "the member's own skill check",
    "event:app_mention": "the asker's own question",
    "event:message": "the asker's own question",
    "assistant": "the asker's own questions",
    "event:user_change": "Slack's notice of the person's own account",
    "event:app_uninstalled": "Slack's notice: the workspace's installation",
    "event:tokens_revoked": "Slack's notice: the workspace's installation",
}

# Every CLI command: run by an operator of the deployment, with the database's own access, never from Slack.
# Those that read or change personal data say which; the others read none.
CLI_PERSONAL = {
    "members list": "members' ids, roles, records",
    "members set-role": "a member's role and municipality",
    "members role": "a member's role (old name of set-role)",
    "members audit": "the audit log",
    "members forget": "deletes a person's data",
    "export completions": "names, e-mails, records",
    "import udemy": "records and e-mails, from a Udemy report",
    "questions report": "questions members asked (text only, no ids)",
    "digest preview": "names of members who opted in",
    "digest send": "names of members who opted in",
    "installations list": "which workspaces host which municipalities",
    "municipalities list": "member counts only",
}


# --- the world --------------------------------------------------------------------------------------------


def _install(services, team_id: str) -> None:
    services.installations.store.save(
        Installation(
            app_id="A1",
            team_id=team_id,
            team_name=team_id,
            bot_token=f"xoxb-{team_id.lower()}",
            bot_id=f"B{team_id}",
            bot_user_id=f"U{team_id}BOT",
            bot_scopes=list(BOT_SCOPES),
            user_id="UINSTALLER",
        )
    )


def build_world(services, fake, signed: dict[str, SignedSlack]) -> World:
    fake.reset()
    empty_database(services)
    for team in (KANAGAWA, GUNMA, OTHER):
        _install(services, team)
    services.sync_courses()
    world = World(signed, fake, services)
    now = services.now()
    with services.db.scope() as session:
        yokosuka = repo.add_municipality(session, "横須賀市", prefecture="神奈川県", code="142018")
        kamakura = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
        maebashi = repo.add_municipality(session, "前橋市", prefecture="群馬県", code="102016")
        yokosuka.digest_channel_id = OWN_CHANNEL
        kanagawa = prefectures.prefecture_named(session, "神奈川県")
        prefectures.change_prefecture(session, kanagawa, shared_channel_id=SHARED_CHANNEL)
        prefectures.change_prefecture(
            session, prefectures.prefecture_named(session, "群馬県"), shared_channel_id="C0GUNMA"
        )
        for team, place in ((KANAGAWA, yokosuka), (KANAGAWA, kamakura), (GUNMA, maebashi)):
            workspaces.map_installation(session, team, place, now)
        seated = (
            (KANAGAWA, "UL", yokosuka, "learner"),
            (KANAGAWA, "UN", yokosuka, "learner"),
            (KANAGAWA, "UL2", yokosuka, "learner"),
            (KANAGAWA, "UC", yokosuka, "coordinator"),
            (KANAGAWA, "UKC", kamakura, "coordinator"),
            (KANAGAWA, "UA", kamakura, "admin"),
            (GUNMA, "UGA", maebashi, "admin"),
        )
        for team, user, place, role in seated:
            who = repo.member(session, team, user)
            membership.join(session, who, place, now)
            repo.set_role(session, who, role)
        repo.member(session, OTHER, "UX")
        subject = repo.member(session, KANAGAWA, "UL")
        subject.email = EMAIL
        repo.record_completion(session, KANAGAWA, "UL", course_id=None, title=TITLE, hours=1.0, completed_at=now)
        world.question_id = repo.log_question(
            session, team_id=KANAGAWA, user_id="UL", surface="mention", text="ULの質問", answer_text="答え",
            language="ja", answered=True, source_ids=[], used_model=False, asked_at=now,
        )  # fmt: skip
        opened, _ = escalations.escalate(
            session, team_id=KANAGAWA, channel_id="C1", thread_ts="1.1", question_id=world.question_id,
            asker=subject, at=now,
        )  # fmt: skip
        world.escalation_id = opened.id
        newcomer = repo.member(session, KANAGAWA, "UNEW")
        world.request_id = membership.request_to_join(session, newcomer, yokosuka, now)[0].id
    fake.channel_hosts[NEW_CHANNEL] = KANAGAWA  # a channel of 神奈川県's workspace (it may be shared with others)
    fake.reset_calls()
    return world


@pytest.fixture(scope="module")
def matrix_results(oauth_services_module, fake_slack) -> dict[tuple[str, str], bool]:
    """Every cell, each on a world of its own: what each actor reached."""
    services = oauth_services_module
    with serving(services) as url:
        signed = {
            team: SignedSlack(url, SIGNING_SECRET, fake_slack.response_url(), team_id=team, fake=fake_slack)
            for team in (KANAGAWA, GUNMA, OTHER)
        }
        results = {}
        for row in MATRIX:
            for actor in ACTORS:
                world = build_world(services, fake_slack, signed)
                results[(row.surface, actor)] = row.probe(world, actor)
                world.settled()
    return results


@pytest.fixture(scope="module")
def oauth_services_module(database_url, fake_slack):
    built = build_services(oauth_settings(database_url, fake_slack))
    yield built
    empty_database(built)  # as the suite's other tests expect it
    built.db.dispose()


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.surface)
def test_each_actor_reaches_only_what_the_matrix_allows(row: Row, matrix_results):
    reached = {actor for actor in ACTORS if matrix_results[(row.surface, actor)]}
    assert reached == set(row.allowed), f"{row.surface}: reached by {sorted(reached)}, allowed {sorted(row.allowed)}"


# --- every surface has its row ----------------------------------------------------------------------------


class _Recorder:
    """Stands in for the App to list what handlers register: kind and id of every listener."""

    def __init__(self):
        self.found: set[str] = set()

    def _record(self, kind: str):
        def register(constraint=None, *_args, **_kwargs):
            if isinstance(constraint, re.Pattern):
                name = f"re:{constraint.pattern}"
            elif isinstance(constraint, dict):
                name = constraint.get("callback_id") or constraint.get("action_id") or json.dumps(constraint)
            else:
                name = constraint
            self.found.add(f"{kind}:{name}")
            return lambda function: function

        return register

    def __getattr__(self, kind: str):
        if kind == "assistant":
            return lambda _assistant: self.found.add("assistant")
        return self._record(kind)


def test_every_listener_and_sub_command_has_a_row():
    from handlers import admin, commands, register_all

    recorder = _Recorder()
    register_all(recorder)
    covered = {name for row in MATRIX for name in row.listeners} | set(OWN_ONLY)
    listeners = {name.replace("command:/dx", "/dx") for name in recorder.found}
    words = {f"/dx {word}" for word in commands.SUBCOMMANDS} | {f"/dx admin {word}" for word in admin.ACTIONS}
    words |= {"/dx admin help"}
    missing = sorted((listeners - {"/dx"}) - covered) + sorted(words - covered)
    assert not missing, f"surfaces with no row in the authorization matrix: {missing}"
    assert "/dx" in listeners and not (covered - listeners - words - {"/dx admin help"})


def test_every_cli_command_is_an_operators_and_those_with_personal_data_are_named():
    import typer.main

    from bot.cli import cli

    def paths(group, prefix=()) -> set[str]:
        found = set()
        for name, command in typer.main.get_command(group).commands.items():
            if hasattr(command, "commands"):
                found |= {f"{name} {sub}" for sub in command.commands}
            else:
                found.add(name)
        return found

    every = paths(cli)
    assert set(CLI_PERSONAL) <= every, sorted(set(CLI_PERSONAL) - every)
    reading = {path for path in every if path.split()[0] in ("members", "export", "import", "questions")}
    assert reading <= set(CLI_PERSONAL), f"commands on personal data with no row: {sorted(reading - set(CLI_PERSONAL))}"

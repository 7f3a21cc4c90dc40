"""Several workspaces (OAuth install mode) over real HTTP: a workspace installs dxbot through /slack/install and
Slack's redirect back, its installation lands in our database, and everything dxbot then sends there (in the ack,
from the job lanes, the weekly digest) carries that workspace's own token, until it uninstalls."""

from __future__ import annotations

import base64
import http.client
import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import yaml
from slack_sdk.oauth.installation_store import Installation

from bot import digest as sender
from bot.app import BOT_SCOPES, digest_client
from bot.jobs import Workspace
from bot.settings import Settings
from db import prefectures, repo, workspaces
from knowledge.messages import t
from tests.cli_helpers import dxbot
from tests.conftest import OAUTH_CLIENT_ID as CLIENT_ID
from tests.conftest import OAUTH_DIGEST_TEAM, SIGNING_SECRET
from tests.conftest import OAUTH_SECRET as SECRET
from tests.fakes.signed import SignedSlack
from tests.fakes.slack import FakeSlack
from tests.helpers import member_mention

YOKOSUKA, KAMAKURA = OAUTH_DIGEST_TEAM, "T0KAMAKURA"
MANIFEST = Path(__file__).parents[1] / "manifest.yaml"


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    body: str


def get(base_url: str, path: str, headers: dict | None = None) -> Page:
    """One GET, redirects not followed: a browser's first step."""
    address = urlparse(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=15)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Page(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def install(base_url: str, fake: FakeSlack, team_id: str, name: str) -> Page:
    """An admin's browser: the install link, Slack's consent page (the fake hands out the code), the redirect."""
    code = fake.add_workspace(team_id, name)
    started = get(base_url, "/slack/install")
    state = parse_qs(urlparse(started.headers["Location"]).query)["state"][0]
    cookie = started.headers["Set-Cookie"].split(";")[0]
    return get(base_url, "/slack/oauth_redirect?" + urlencode({"code": code, "state": state}), {"Cookie": cookie})


def token_of(fake: FakeSlack, team_id: str) -> str:
    return fake.workspaces[f"code-{team_id}"]["token"]


def signed(url: str, fake: FakeSlack, team_id: str) -> SignedSlack:
    return SignedSlack(url, SIGNING_SECRET, fake.response_url(), team_id=team_id, fake=fake)


def test_install_sets_a_state_cookie_and_sends_the_admin_to_slack(oauth_url):
    page = get(oauth_url, "/slack/install")
    assert page.status == 302
    location = urlparse(page.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://slack.com/oauth/v2/authorize"
    assert query["client_id"] == [CLIENT_ID] and query["scope"] == [",".join(BOT_SCOPES)]
    assert f"slack-app-oauth-state={query['state'][0]}" in page.headers["Set-Cookie"]
    assert get(oauth_url, "/slack/oauth_redirect?code=x&state=forged").status == 400  # no cookie: not this browser


def test_the_redirect_stores_the_installation_in_our_database(oauth_url, oauth_services, fake_slack):
    assert install(oauth_url, fake_slack, YOKOSUKA, "横須賀市役所").status == 200
    [exchange] = fake_slack.of("oauth.v2.access")
    assert exchange.args["code"] == f"code-{YOKOSUKA}"
    assert exchange.headers["Authorization"] == "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    bot = oauth_services.installations.store.find_bot(enterprise_id=None, team_id=YOKOSUKA)
    assert bot.bot_token == token_of(fake_slack, YOKOSUKA) and bot.bot_id == f"B{YOKOSUKA}"
    with oauth_services.db.scope(read_only=True) as session:
        [installed] = workspaces.installed(session)
    assert (installed.team_id, installed.team_name, installed.municipalities) == (YOKOSUKA, "横須賀市役所", [])


def test_each_workspace_is_answered_with_its_own_token(oauth_url, fake_slack):
    for team_id, name in ((YOKOSUKA, "横須賀市役所"), (KAMAKURA, "鎌倉市役所")):
        install(oauth_url, fake_slack, team_id, name)
    for n, team_id in enumerate((YOKOSUKA, KAMAKURA), start=1):
        # Event ids are Slack's, unique across workspaces (each SignedSlack counts from 1).
        assert signed(oauth_url, fake_slack, team_id).event(member_mention(n), f"Ev{team_id}").status == 200
        post = fake_slack.wait_for("chat.postMessage", n)[n - 1]  # the placeholder, from the reply lane
        assert post.headers["Authorization"] == f"Bearer {token_of(fake_slack, team_id)}"
    # The one call an ack makes itself (opening the share form) carries the workspace's token too.
    signed(oauth_url, fake_slack, KAMAKURA).command("share")
    [opened] = fake_slack.wait_for("views.open")
    assert opened.headers["Authorization"] == f"Bearer {token_of(fake_slack, KAMAKURA)}"


def test_a_workspace_that_never_installed_is_told_so(oauth_url, fake_slack):
    assert signed(oauth_url, fake_slack, "T0STRANGER").command("progress").status == 200
    assert fake_slack.reply_text().startswith(t("not_installed"))
    assert not fake_slack.of("chat.postMessage")


def test_app_uninstalled_removes_the_installation_and_its_municipalities(oauth_url, oauth_services, fake_slack):
    install(oauth_url, fake_slack, YOKOSUKA, "横須賀市役所")
    with oauth_services.db.scope() as session:
        city = repo.add_municipality(session, "横須賀市", prefecture="神奈川県", code="142018")
        workspaces.map_installation(session, YOKOSUKA, city, oauth_services.now())
    assert signed(oauth_url, fake_slack, YOKOSUKA).event({"type": "app_uninstalled"}).status == 200
    store = oauth_services.installations.store
    assert store.find_bot(enterprise_id=None, team_id=YOKOSUKA) is None
    assert store.find_installation(enterprise_id=None, team_id=YOKOSUKA) is None
    with oauth_services.db.scope(read_only=True) as session:
        assert workspaces.installed(session) == [] and not workspaces.is_installed(session, YOKOSUKA)
        assert repo.municipality_named(session, "横須賀市") is not None  # the municipality itself stays
    fake_slack.reset_calls()
    signed(oauth_url, fake_slack, YOKOSUKA).event(member_mention(1), "EvAFTER")
    assert not fake_slack.of("chat.postMessage")  # its token is forgotten at once, not after the cache's minute


def test_tokens_revoked_for_the_bot_removes_the_installation(oauth_url, oauth_services, fake_slack):
    install(oauth_url, fake_slack, KAMAKURA, "鎌倉市役所")
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [f"U{KAMAKURA}BOT"]}}
    assert signed(oauth_url, fake_slack, KAMAKURA).event(revoked).status == 200
    assert oauth_services.installations.store.find_bot(enterprise_id=None, team_id=KAMAKURA) is None


def test_the_digest_posts_with_the_shared_channels_workspace_token(oauth_url, oauth_services, fake_slack):
    install(oauth_url, fake_slack, KAMAKURA, "鎌倉市役所")
    install(oauth_url, fake_slack, YOKOSUKA, "横須賀市役所")  # DXBOT_DIGEST_TEAM
    with oauth_services.db.scope() as session:  # 神奈川県 posts as DXBOT_DIGEST_TEAM; 群馬県 as its own workspace
        repo.add_municipality(session, "横須賀市", "神奈川県", "142018")
        kamakura = repo.add_municipality(session, "鎌倉市", "神奈川県", "142042")  # its own channel, in its workspace
        kamakura.digest_channel_id, kamakura.slack_team_id = "CKAMAKURA", KAMAKURA
        repo.add_municipality(session, "前橋市", "群馬県", "102016")
        gunma = prefectures.prefecture_named(session, "群馬県")
        gunma.shared_channel_id, gunma.slack_team_id = "CGUNMA", KAMAKURA
        repo.add_municipality(session, "甲府市", "山梨県", "192015")  # its workspace never installed dxbot
        yamanashi = prefectures.prefecture_named(session, "山梨県")
        yamanashi.shared_channel_id, yamanashi.slack_team_id = "CYAMANASHI", "T0NOTHERE"
    week = sender.Week.containing(oauth_services.now(), oauth_services.settings.tz).shift(-1)
    results = sender.send_digest(oauth_services, partial(digest_client, oauth_services), week)
    assert [(r.prefecture, r.channel, r.state) for r in results] == [
        ("神奈川県", "CSHARED", "posted"),
        ("神奈川県", "CKAMAKURA", "posted"),
        ("群馬県", "CGUNMA", "posted"),
        ("山梨県", "CYAMANASHI", "failed"),  # the others still get theirs
    ], results
    assert "山梨県's workspace T0NOTHERE has no installation of dxbot" in results[-1].error
    tokens = {call.args["channel"]: call.headers["Authorization"] for call in fake_slack.of("chat.postMessage")}
    assert tokens == {
        "CSHARED": f"Bearer {token_of(fake_slack, YOKOSUKA)}",
        "CKAMAKURA": f"Bearer {token_of(fake_slack, KAMAKURA)}",
        "CGUNMA": f"Bearer {token_of(fake_slack, KAMAKURA)}",
    }


def test_the_migrated_tables_are_the_ones_slack_sdks_stores_use(oauth_services):
    """Migration 0008 wrote slack_sdk's tables out by hand: its stores save and find in them (SQLite and
    PostgreSQL), and `alembic check` (tests/test_db.py) holds the columns to slack_sdk's."""
    installations = oauth_services.installations
    installations.store.save(
        Installation(
            app_id="A1",
            enterprise_id="E0GRID",
            team_id=KAMAKURA,
            team_name="鎌倉市役所",
            bot_token="xoxb-kamakura",
            bot_id="B1",
            bot_user_id="UBOT1",
            bot_scopes=list(BOT_SCOPES),
            user_id="UINSTALLER",
            user_token="xoxp-installer",
            user_scopes=["search:read"],
            incoming_webhook_url="https://hooks.slack.com/x",
        )
    )
    found = installations.store.find_installation(enterprise_id="E0GRID", team_id=KAMAKURA)
    assert (found.bot_token, found.user_token, found.bot_scopes) == (
        "xoxb-kamakura",
        "xoxp-installer",
        list(BOT_SCOPES),
    )
    assert installations.team_token(KAMAKURA) == "xoxb-kamakura"  # DXBOT_DIGEST_TEAM needs no organisation id
    state = installations.states.issue()
    assert installations.states.consume(state) and not installations.states.consume(state)
    installations.remove(Workspace(KAMAKURA, "E0GRID"))
    assert installations.bot(Workspace(KAMAKURA, "E0GRID")) is None


def test_installations_cli_lists_and_maps(oauth_url, oauth_services, fake_slack, database_url, tmp_path):
    install(oauth_url, fake_slack, YOKOSUKA, "横須賀市役所")
    with oauth_services.db.scope() as session:
        repo.add_municipality(session, "横須賀市", prefecture="神奈川県", code="142018")
    env = {"DATABASE_URL": database_url}
    mapped = dxbot("installations", "map", YOKOSUKA, "横須賀市", cwd=tmp_path, env=env)
    assert mapped.returncode == 0 and f"{YOKOSUKA} hosts 横須賀市" in mapped.stdout, mapped.stderr
    again = dxbot("installations", "map", YOKOSUKA, "横須賀市", cwd=tmp_path, env=env)
    assert again.returncode == 0 and "already recorded" in again.stdout
    [listed] = json.loads(dxbot("installations", "list", "--json", cwd=tmp_path, env=env).stdout)["installations"]
    assert listed["team_id"] == YOKOSUKA and listed["municipalities"] == ["横須賀市"]
    for args, named in (((YOKOSUKA, "鎌倉市"), "鎌倉市"), (("T0NOBODY", "横須賀市"), "T0NOBODY")):
        refused = dxbot("installations", "map", *args, cwd=tmp_path, env=env)
        assert refused.returncode == 2 and named in refused.stderr and refused.stderr.strip().count("\n") == 0


def test_oauth_mode_is_switched_on_by_the_client_id_and_secret():
    assert not Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}, dotenv_path="/nonexistent").oauth
    oauth = Settings.from_env(
        {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "client-secret", "DXBOT_DIGEST_TEAM": YOKOSUKA},
        dotenv_path="/nonexistent",
    )
    assert oauth.oauth and oauth.digest_team == YOKOSUKA and "client-secret" not in repr(oauth)
    with pytest.raises(Exception, match="DXBOT_DIGEST_TEAM"):
        Settings.from_env({"DXBOT_DIGEST_TEAM": "#general"}, dotenv_path="/nonexistent")


def test_the_install_asks_for_the_manifests_scopes():
    scopes = yaml.safe_load(MANIFEST.read_text())["oauth_config"]["scopes"]["bot"]
    assert tuple(scopes) == BOT_SCOPES


def test_single_token_mode_serves_no_install_pages(app_url):
    assert get(app_url, "/slack/install").status == 404
    assert get(app_url, "/slack/oauth_redirect?code=x&state=y").status == 404


def test_a_workspace_joins_only_the_municipalities_mapped_to_it(oauth_url, oauth_services, fake_slack):
    """Membership is not self-declared: any workspace may install dxbot, but its members join only the
    municipalities `dxbot installations map` gave it (or its organisation)."""
    for team_id, name in ((YOKOSUKA, "横須賀市役所"), (KAMAKURA, "鎌倉市役所")):
        assert install(oauth_url, fake_slack, team_id, name).status == 200
    with oauth_services.db.scope() as session:
        city = repo.add_municipality(session, "横須賀市", prefecture="神奈川県", code="142018")
        workspaces.map_installation(session, YOKOSUKA, city, oauth_services.now())
    signed(oauth_url, fake_slack, KAMAKURA).command("join 横須賀市", user="UK1")
    assert "このワークスペースからは参加できません" in fake_slack.reply_text(1)
    signed(oauth_url, fake_slack, YOKOSUKA).command("join 横須賀市", user="UY1")
    assert "横須賀市の参加メンバーとして登録しました" in fake_slack.reply_text(2)
    with oauth_services.db.scope() as session:
        assert repo.members_by_user(session, "UK1", KAMAKURA)[0].municipality_id is None
        assert repo.members_by_user(session, "UY1", YOKOSUKA)[0].municipality_id == city.id


def test_the_install_page_is_rate_limited_per_client(oauth_url):
    """Every visit stores an OAuth state: a client gets ten a minute, then 429 with Retry-After."""
    pages = [get(oauth_url, "/slack/install") for _ in range(11)]
    assert [page.status for page in pages[:10]] == [302] * 10
    assert pages[10].status == 429 and pages[10].headers["Retry-After"] == "60"
    assert get(oauth_url, "/slack/oauth_redirect?code=x&state=y").status == 400  # an admin's return is not limited
    behind_proxy = {"X-Forwarded-For": "203.0.113.7"}  # nginx on this host: the address it saw is the client
    assert get(oauth_url, "/slack/install", behind_proxy).status == 302


def test_the_client_behind_trusted_proxies_is_the_last_address_they_did_not_add():
    from ipaddress import ip_network

    from bot.wsgi import client_address

    docker = (ip_network("127.0.0.1/32"), ip_network("172.16.0.0/12"))
    through_bridge = {"REMOTE_ADDR": "172.18.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.7"}
    assert client_address(through_bridge, docker) == "203.0.113.7"  # the first hop is whatever the client said
    assert client_address({"REMOTE_ADDR": "198.51.100.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}, docker) == (
        "198.51.100.2"  # not a proxy of ours: its header says nothing
    )
    assert client_address({"REMOTE_ADDR": "172.18.0.1", "HTTP_X_FORWARDED_FOR": "not an address"}, docker) == (
        "not an address"
    )


def test_expired_oauth_states_are_purged_by_the_daily_housekeeping(oauth_url, oauth_services):
    from datetime import timedelta

    from sqlalchemy import func, select

    from bot.scheduler import forget_old_events
    from db import slack_tables

    class Later(type(oauth_services)):
        def now(self):
            return super().now() + timedelta(minutes=11)

    for _ in range(3):
        assert get(oauth_url, "/slack/install").status == 302

    def states() -> int:
        with oauth_services.db.scope(read_only=True) as session:
            return session.scalar(select(func.count()).select_from(slack_tables.oauth_states))

    assert states() == 3
    forget_old_events(oauth_services)
    assert states() == 3  # still within their ten minutes
    forget_old_events(Later(**{f: getattr(oauth_services, f) for f in oauth_services.__dataclass_fields__}))
    assert states() == 0

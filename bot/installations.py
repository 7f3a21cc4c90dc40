"""OAuth install mode: the workspaces dxbot is installed in and their bot tokens, kept by slack_sdk's SQLAlchemy
stores in dxbot's own database (tables from migration 0008). Every request's ack, every job and the digest take
their token from here, so one process serves every workspace."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.jobs import Permanent, Workspace
from bot.settings import Settings
from db import slack_tables, workspaces
from db.session import Database

log = logging.getLogger(__name__)

# A token read is trusted this long: a database read per request or job is saved, and an uninstall seen by
# another process reaches this one within it (until then Slack refuses the revoked token, and the job gives up).
TOKEN_SECONDS = 60.0
STATE_SECONDS = 600  # an installer has ten minutes between /slack/install and Slack's redirect back


class NotInstalled(Permanent):
    """No installation holds a token for the workspace: it never installed dxbot, or uninstalled it."""


@dataclass(frozen=True)
class _Cached:
    bot: Bot
    until: float


class Installations:
    def __init__(self, settings: Settings, db: Database):
        self._db = db
        self.store = SQLAlchemyInstallationStore(
            client_id=settings.slack_client_id,
            engine=db.engine,
            bots_table_name=slack_tables.BOTS,
            installations_table_name=slack_tables.INSTALLATIONS,
        )
        self.states = SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=db.engine, table_name=slack_tables.OAUTH_STATES
        )
        self._bots: dict[Workspace, _Cached] = {}
        self._lock = threading.Lock()  # the ack threads and every lane share the cache

    def bot(self, workspace: Workspace) -> Bot | None:
        """The workspace's installed bot (its token), or None when it has none. A workspace of an Enterprise Grid
        organisation that installed dxbot organisation-wide finds the organisation's."""
        now = time.monotonic()
        with self._lock:
            cached = self._bots.get(workspace)
        if cached is not None and cached.until > now:
            return cached.bot
        found = self._find(workspace)
        with self._lock:
            if found is None:
                self._bots.pop(workspace, None)
            else:
                self._bots[workspace] = _Cached(found, now + TOKEN_SECONDS)
        return found

    def token(self, workspace: Workspace) -> str:
        bot = self.bot(workspace)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"dxbot is not installed in {workspace.team_id or workspace.enterprise_id}")
        return bot.bot_token

    def team_token(self, team_id: str) -> str:
        """The token of a workspace named by its id alone (DXBOT_DIGEST_TEAM): its organisation, if any, is read
        from its installation."""
        with self._db.scope(read_only=True) as session:
            enterprise_id = workspaces.enterprise_of(session, team_id)
        return self.token(Workspace(team_id, enterprise_id))

    def remove(self, workspace: Workspace, *, user_ids: tuple[str, ...] = (), bot: bool = True) -> None:
        """Forget a workspace's tokens: the bot's (and with it the municipalities the workspace hosts) and
        those of the users named. On app_uninstalled everything goes; on tokens_revoked what Slack names."""
        for user_id in user_ids:
            self.store.delete_installation(
                enterprise_id=workspace.enterprise_id, team_id=workspace.team_id, user_id=user_id
            )
        if bot:
            self.store.delete_all(enterprise_id=workspace.enterprise_id, team_id=workspace.team_id)
            if workspace.team_id is not None:
                self._db.run(lambda session: workspaces.unmap_installation(session, workspace.team_id))
            with self._lock:  # all of it: an organisation's bot is cached under each of its workspaces
                self._bots.clear()
            log.info("forgot the installation of %s", workspace.team_id or workspace.enterprise_id)

    def _find(self, workspace: Workspace) -> Bot | None:
        enterprise_id, team_id = workspace.enterprise_id, workspace.team_id
        found = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if found is None and enterprise_id is not None:
            found = self.store.find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
        return found

"""slack_sdk's own tables for OAuth installs (bots, installations, OAuth states), in dxbot's database. slack_sdk's
SQLAlchemy stores define them; migration 0008 creates them and Alembic checks them like dxbot's own models, so
nothing calls create_all at run time. Only their table builders are used here: no Slack objects."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

BOTS = SQLAlchemyInstallationStore.default_bots_table_name
INSTALLATIONS = SQLAlchemyInstallationStore.default_installations_table_name
OAUTH_STATES = SQLAlchemyOAuthStateStore.default_table_name

metadata = MetaData()
bots = SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS)
installations = SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS)
oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, OAUTH_STATES)

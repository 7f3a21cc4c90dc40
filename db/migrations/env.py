"""Alembic environment. db.migrate hands in a connection made from dxbot settings; no URL in a file."""

from alembic import context

from db import slack_tables
from db.models import Base

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=[Base.metadata, slack_tables.metadata],
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

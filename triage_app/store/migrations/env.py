"""Alembic environment for triage-app: always run programmatically, never from a CLI.

The runner (``triage_app.store.migrate``) passes an open connection in
``config.attributes["connection"]``; no ``alembic.ini`` is read.
"""

from __future__ import annotations

from alembic import context

from triage_app.store.orm import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise RuntimeError("run migrations through triage_app.store.migrate, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()

"""Account signatures (issue 13).

``app_user`` gains what signing an account needs: ``signature`` (Ed25519 over the account's
name, role, state and signing key), ``signed_by`` (the administrator whose key made it), and
for administrators their public ``signing_key`` and the private key wrapped under their
password (``signing_secret``), and on PostgreSQL the account's own login role (``db_role``).
``app_secret`` keeps the key for hashing typed user names that are not accounts.
``import_job`` marks an import committed in batches on SQLite until it is complete.
``audit_event.entity`` gets an index: sign-in looks up the
folder's signing anchor and recent sign-in events by entity.

Revision ID: 0007
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the signature columns to ``app_user``; index ``audit_event.entity``."""
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("signature", sa.String(200)))
        batch.add_column(sa.Column("signed_by", sa.String(100)))
        batch.add_column(sa.Column("signing_key", sa.String(100)))
        batch.add_column(sa.Column("signing_secret", sa.Text))
        batch.add_column(sa.Column("db_role", sa.String(63)))
    op.create_index("ix_audit_event_entity", "audit_event", ["entity"])
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("owner_pid", sa.Integer),
        sa.Column("started_by", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("lines_done", sa.Integer),
        sa.Column("ranges", sa.Text),
    )
    op.create_index("ix_import_job_status", "import_job", ["status"])
    op.create_table(
        "app_secret",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the pre-upgrade backup)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

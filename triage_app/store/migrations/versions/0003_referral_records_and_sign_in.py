"""Sealed referral records, and the columns local sign-in needs.

``referral_record`` keeps every sealed version of a case's referral record: the PDF bytes,
their SHA-256, the hash of the record's content (printed in the PDF footer), the FHIR
document, and who sealed it when. Sealed rows are never changed or deleted (triggers refuse
it); a correction is a new row (an addendum) that names the version it supersedes.

``app_user`` gains an Argon2 password hash, an active flag and the time of the last sign-in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies (a migration must not change meaning when application code changes later).
SQLITE_TRIGGERS = (
    """CREATE TRIGGER referral_record_no_update BEFORE UPDATE ON referral_record
    BEGIN SELECT RAISE(ABORT, 'referral_record is sealed: UPDATE refused'); END""",
    """CREATE TRIGGER referral_record_no_delete BEFORE DELETE ON referral_record
    BEGIN SELECT RAISE(ABORT, 'referral_record is sealed: DELETE refused'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION referral_record_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'referral_record is sealed: % refused', TG_OP; END $$""",
    """CREATE TRIGGER referral_record_no_change BEFORE UPDATE OR DELETE ON referral_record
    FOR EACH ROW EXECUTE FUNCTION referral_record_sealed()""",
    """CREATE TRIGGER referral_record_no_truncate BEFORE TRUNCATE ON referral_record
    FOR EACH STATEMENT EXECUTE FUNCTION referral_record_sealed()""",
)


def upgrade() -> None:
    """Create ``referral_record`` with its triggers; add sign-in columns to ``app_user``."""
    op.create_table(
        "referral_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("safeguarding_case.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("record_uid", sa.String(64), nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("referral_record.id")),
        sa.Column("addendum_reason", sa.Text),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("fhir_json", sa.Text),
        sa.Column("sealed_at", sa.DateTime, nullable=False),
        sa.Column("sealed_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("record_uid", name="uq_referral_record_record_uid"),
        sa.UniqueConstraint("case_id", "version", name="uq_referral_record_case_id"),
    )
    op.create_index("ix_referral_record_case_id", "referral_record", ["case_id"])
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(200)))
        batch.add_column(sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("last_sign_in_at", sa.DateTime))
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

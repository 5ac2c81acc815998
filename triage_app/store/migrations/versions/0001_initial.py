"""First schema: children, households, presentations, assessments, cases, users, audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from triage_app.store.audit import POSTGRES_TRIGGERS, SQLITE_TRIGGERS

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _audit_columns() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=True),
        sa.Column("modified_by", sa.String(100), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    """Create every table, index and the audit trail's append-only triggers."""
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200)),
        sa.Column("role", sa.String(100)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "child",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nhs_number", sa.String(10), unique=True),
        sa.Column("family_name", sa.Text()),
        sa.Column("given_name", sa.Text()),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(20)),
        sa.Column("address", sa.Text()),
        sa.Column("postcode", sa.String(20)),
        sa.Column("gp_practice", sa.Text()),
        sa.Column("cp_plan", sa.String(20)),
        sa.Column("looked_after", sa.Boolean()),
        *_audit_columns(),
    )
    op.create_index("ix_child_date_of_birth", "child", ["date_of_birth"])
    op.create_table(
        "household_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("child_id", sa.Integer(), sa.ForeignKey("child.id"), nullable=False),
        sa.Column("relation", sa.String(40), nullable=False),
        sa.Column("related_child_id", sa.Integer(), sa.ForeignKey("child.id")),
        sa.Column("person_name", sa.Text()),
        sa.Column("notes", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.CheckConstraint(
            "related_child_id IS NOT NULL OR person_name IS NOT NULL", name="member_named"
        ),
    )
    op.create_index("ix_household_link_child_id", "household_link", ["child_id"])
    op.create_index("ix_household_link_related_child_id", "household_link", ["related_child_id"])
    op.create_table(
        "presentation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("child_id", sa.Integer(), sa.ForeignKey("child.id"), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("setting", sa.String(40)),
        sa.Column("organisation", sa.Text()),
        sa.Column("complaint", sa.Text()),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text()),
        sa.Column("outcome", sa.Text()),
        sa.Column("mobility", sa.JSON()),
        sa.Column("nim_at_time", sa.Boolean()),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_id", sa.String(200)),
        *_audit_columns(),
        sa.UniqueConstraint("source", "source_id", name="uq_presentation_source"),
    )
    op.create_index("ix_presentation_child_seen", "presentation", ["child_id", "seen_at"])
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "presentation_id", sa.Integer(), sa.ForeignKey("presentation.id"), nullable=False
        ),
        sa.Column("assessed_at", sa.DateTime(), nullable=False),
        sa.Column("profile_id", sa.String(100), nullable=False),
        sa.Column("profile_version", sa.String(50), nullable=False),
        sa.Column("urgency", sa.String(40), nullable=False),
        sa.Column("input_json", sa.JSON(), nullable=False),
        sa.Column("decision_json", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_assessment_presentation_id", "assessment", ["presentation_id"])
    op.create_table(
        "safeguarding_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("child_id", sa.Integer(), sa.ForeignKey("child.id"), nullable=False),
        sa.Column("presentation_id", sa.Integer(), sa.ForeignKey("presentation.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.Column("referral_called_at", sa.DateTime()),
        sa.Column("written_referral_due", sa.DateTime()),
        sa.Column("written_referral_sent_at", sa.DateTime()),
        sa.Column("supervision_required", sa.Boolean()),
        sa.Column("supervision_conditions", sa.Text()),
        sa.Column("supervision_agreed_by", sa.Text()),
        sa.Column("close_outcome", sa.String(40)),
        sa.Column("close_reason", sa.Text()),
        sa.Column("closed_at", sa.DateTime()),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        *_audit_columns(),
        sa.CheckConstraint(
            "status IN ('open', 'referred', 'results_pending', 'closed')", name="status"
        ),
    )
    op.create_index("ix_safeguarding_case_child_id", "safeguarding_case", ["child_id"])
    op.create_index("ix_safeguarding_case_status", "safeguarding_case", ["status"])
    case_fk = sa.ForeignKey("safeguarding_case.id")
    op.create_table(
        "case_action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), case_fk, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("reference", sa.Text()),
        sa.Column("details", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_case_action_case_id", "case_action", ["case_id"])
    op.create_table(
        "investigation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("safeguarding_case.id"), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_at", sa.DateTime()),
        sa.Column("due_from", sa.Date()),
        sa.Column("due_to", sa.Date()),
        sa.Column("result", sa.Text()),
        sa.Column("reported_at", sa.DateTime()),
        sa.CheckConstraint("status IN ('pending', 'reported', 'not_required')", name="status"),
    )
    op.create_index("ix_investigation_case_id", "investigation", ["case_id"])
    op.create_table(
        "strategy_meeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("safeguarding_case.id"), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("supervision_decision", sa.String(20), nullable=False),
        sa.Column("supervision_conditions", sa.Text()),
        sa.Column("agreed_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_strategy_meeting_case_id", "strategy_meeting", ["case_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(100)),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

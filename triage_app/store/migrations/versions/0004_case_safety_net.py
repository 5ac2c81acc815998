"""The case safety net (case contract C1 to C8).

- ``meeting_attendee``: who attended a strategy meeting (name, role, agency); a meeting's
  ``supervision_decision`` may now be NULL (no decision), and it records the conditions for
  relaxing, a review date and a reason.
- ``investigation``: label (free text, kind ``other``), performed date, the early reason or
  not-required reason and who decided.
- ``case_action``: a duty can be waived with a reason.
- ``case_presentation``: every presentation a case holds (one open case per child).
- ``safeguarding_case.separate_reason``; ``child.pregnancy_due_date``.

Supervision is now read only from strategy-meeting decisions. A case whose supervision was
set directly before this revision keeps it: it is carried into a meeting row that says so
(decision ``impose``, or ``relax`` when it was set as not required), with who agreed it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MIGRATED_OUTCOME = (
    "Supervision as recorded on the case before strategy-meeting decisions were tracked "
    "(carried over by the upgrade to revision 0004; attendees not recorded)."
)


def upgrade() -> None:
    """Add the tables and columns; carry directly-set supervision into meeting rows."""
    with op.batch_alter_table("child") as batch:
        batch.add_column(sa.Column("pregnancy_due_date", sa.Date))
    with op.batch_alter_table("safeguarding_case") as batch:
        batch.add_column(sa.Column("separate_reason", sa.Text))
    with op.batch_alter_table("case_action") as batch:
        batch.add_column(sa.Column("waived", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("reason", sa.Text))
    with op.batch_alter_table("investigation") as batch:
        batch.add_column(sa.Column("label", sa.Text))
        batch.add_column(sa.Column("performed_on", sa.Date))
        batch.add_column(sa.Column("early_reason", sa.Text))
        batch.add_column(sa.Column("not_required_reason", sa.Text))
        batch.add_column(sa.Column("decided_by", sa.Text))
    with op.batch_alter_table("strategy_meeting") as batch:
        batch.alter_column("supervision_decision", existing_type=sa.String(20), nullable=True)
        batch.add_column(sa.Column("relax_conditions", sa.Text))
        batch.add_column(sa.Column("review_on", sa.Date))
        batch.add_column(sa.Column("reason", sa.Text))
    op.create_table(
        "meeting_attendee",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("strategy_meeting.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.CheckConstraint(
            "agency IN ('health', 'csc', 'police', 'education', 'other')",
            name="agency",
        ),
    )
    op.create_index("ix_meeting_attendee_meeting_id", "meeting_attendee", ["meeting_id"])
    op.create_table(
        "case_presentation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("safeguarding_case.id"), nullable=False),
        sa.Column("presentation_id", sa.Integer, sa.ForeignKey("presentation.id"), nullable=False),
        sa.Column("joined_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("presentation_id", name="uq_case_presentation_presentation_id"),
    )
    op.create_index("ix_case_presentation_case_id", "case_presentation", ["case_id"])
    _carry_over(op.get_bind())


def _carry_over(conn: sa.Connection) -> None:
    """Each case's presentation joins ``case_presentation``; supervision becomes a meeting.

    The meeting row says where the supervision came from.
    """
    now = datetime.now().replace(microsecond=0)
    cases = conn.execute(
        sa.text(
            "SELECT id, presentation_id, opened_at, modified_at, supervision_required, "
            "supervision_conditions, supervision_agreed_by FROM safeguarding_case"
        )
    ).all()
    for row in cases:
        case_id, presentation_id, opened_at, modified_at = row[0], row[1], row[2], row[3]
        required, conditions, agreed = row[4], row[5], row[6]
        if presentation_id is not None:
            conn.execute(
                sa.text(
                    "INSERT INTO case_presentation (case_id, presentation_id, joined_at, "
                    "created_by) VALUES (:c, :p, :at, 'upgrade 0004')"
                ),
                {"c": case_id, "p": presentation_id, "at": opened_at},
            )
        if required is None:
            continue
        conn.execute(
            sa.text(
                "INSERT INTO strategy_meeting (case_id, held_at, outcome, supervision_decision, "
                "supervision_conditions, agreed_by, created_at, created_by) VALUES "
                "(:c, :held, :outcome, :decision, :conditions, :agreed, :now, 'upgrade 0004')"
            ),
            {
                "c": case_id,
                "held": modified_at or opened_at,
                "outcome": MIGRATED_OUTCOME,
                "decision": "impose" if required else "relax",
                "conditions": conditions,
                "agreed": agreed or "not recorded",
                "now": now,
            },
        )


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

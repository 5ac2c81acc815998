"""Referrer, family and where the child is now (the referral record a nurse can hand over).

- ``app_user`` gains a professional profile: professional role, organisation, call-back phone
  (the full name is ``display_name``).
- ``presentation_referrer``: who referred at a presentation, as confirmed in the wizard, and
  the positions clicked on the body map.
- ``child`` gains the health visitor and the interpreter need; ``household_link`` gains an
  adult's relationship, date of birth, contact and whether they live with the child.
- ``case_location``: where the child is now and with whom; the latest row is current.

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the profile, family and location columns and tables."""
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("professional_role", sa.String(40)))
        batch.add_column(sa.Column("organisation", sa.Text))
        batch.add_column(sa.Column("phone", sa.String(60)))
    with op.batch_alter_table("child") as batch:
        batch.add_column(sa.Column("health_visitor", sa.Text))
        batch.add_column(sa.Column("interpreter_needed", sa.Boolean))
        batch.add_column(sa.Column("interpreter_language", sa.String(100)))
    with op.batch_alter_table("household_link") as batch:
        batch.add_column(sa.Column("relationship", sa.Text))
        batch.add_column(sa.Column("date_of_birth", sa.Date))
        batch.add_column(sa.Column("contact", sa.Text))
        batch.add_column(sa.Column("lives_with_child", sa.Boolean))
    op.create_table(
        "presentation_referrer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("presentation_id", sa.Integer, sa.ForeignKey("presentation.id"), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("professional_role", sa.String(40)),
        sa.Column("organisation", sa.Text),
        sa.Column("phone", sa.String(60)),
        sa.Column("marks", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("presentation_id", name="uq_presentation_referrer_presentation_id"),
    )
    op.create_table(
        "case_location",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("safeguarding_case.id"), nullable=False),
        sa.Column("place", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("with_whom", sa.Text),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.CheckConstraint(
            "place IN ('admitted', 'emergency_department', 'home', 'other')",
            name="ck_case_location_place",
        ),
    )
    op.create_index("ix_case_location_case_id", "case_location", ["case_id"])


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

"""A presentation imported through a mapping may carry a review flag.

``presentation.review`` holds ``possible injury: review (words found)`` when the row's free
text (a complaint, or a diagnosis no code of the mapping maps) contains a word of the
documented injury keyword list. The text itself stays verbatim in ``complaint``; the flag
asks a person to read it and never creates a finding (docs/import-format.md).

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``presentation.review`` (empty for every existing row)."""
    op.add_column("presentation", sa.Column("review", sa.Text(), nullable=True))


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

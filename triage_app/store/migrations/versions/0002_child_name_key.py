"""Name search key: a normalised family name, indexed with the date of birth.

The name and date-of-birth lookup (``triage-app history --name ... --dob ...``) must find
"O'Brien", "OBRIEN" and "O Brien" alike and stay fast over hundreds of thousands of children.
This revision adds ``child.name_key`` (accents removed, case folded, letters only), fills it
for every existing child, and indexes it with the date of birth.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _name_key(name: str | None) -> str | None:
    # A frozen copy of triage_app.store.search.name_key as it was when this revision was
    # written: a migration must not change meaning when application code changes later.
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c))
    return letters.casefold()[:200] or None


def upgrade() -> None:
    """Add, fill and index ``child.name_key``."""
    op.add_column("child", sa.Column("name_key", sa.String(200), nullable=True))
    child = sa.table(
        "child",
        sa.column("id", sa.Integer),
        sa.column("family_name", sa.Text),
        sa.column("name_key", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(child.c.id, child.c.family_name)).all()
    updates = [{"i": r.id, "k": _name_key(r.family_name)} for r in rows]
    if updates:
        bind.execute(
            child.update()
            .where(child.c.id == sa.bindparam("i"))
            .values(name_key=sa.bindparam("k")),
            updates,
        )
    op.create_index("ix_child_name_key_dob", "child", ["name_key", "date_of_birth"])


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

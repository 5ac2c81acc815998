"""Record matching and "same child" links.

``child`` gains ``given_key`` (the given name normalised like ``name_key``) and the Soundex
codes of both names, indexed together, so the record-matching search gathers sound-alike
and swapped names without reading the whole table. Every existing child is filled in.

``child_link`` holds the decisions that two records are the same child (``same_child``) or
are not (``not_same``: a rejected possible match, never offered again); each with who made
it, when and why, and, when undone, who ended it, when and why (rows are never deleted).

Revision ID: 0006
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen copies of triage_app.domain.matching.letters and soundex as they were when this
# revision was written: a migration must not change meaning when application code changes.
_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def _letters(name: str | None) -> str:
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c))
    return kept.casefold()[:200]


def _soundex(name: str | None) -> str | None:
    word = "".join(c for c in _letters(name) if "a" <= c <= "z")
    if not word:
        return None
    out = [word[0].upper()]
    last = _CODES.get(word[0], "")
    for c in word[1:]:
        code = _CODES.get(c, "")
        if code and code != last:
            out.append(code)
            if len(out) == 4:
                break
        if c not in "hw":
            last = code
    return "".join(out).ljust(4, "0")


def upgrade() -> None:
    """Add and fill the matching columns; create ``child_link``."""
    op.add_column("child", sa.Column("given_key", sa.String(200), nullable=True))
    op.add_column("child", sa.Column("family_sdx", sa.String(4), nullable=True))
    op.add_column("child", sa.Column("given_sdx", sa.String(4), nullable=True))
    child = sa.table(
        "child",
        sa.column("id", sa.Integer),
        sa.column("family_name", sa.Text),
        sa.column("given_name", sa.Text),
        sa.column("given_key", sa.String),
        sa.column("family_sdx", sa.String),
        sa.column("given_sdx", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(child.c.id, child.c.family_name, child.c.given_name)).all()
    updates = [
        {
            "i": r.id,
            "g": _letters(r.given_name) or None,
            "fs": _soundex(r.family_name),
            "gs": _soundex(r.given_name),
        }
        for r in rows
    ]
    if updates:
        bind.execute(
            child.update()
            .where(child.c.id == sa.bindparam("i"))
            .values(
                given_key=sa.bindparam("g"),
                family_sdx=sa.bindparam("fs"),
                given_sdx=sa.bindparam("gs"),
            ),
            updates,
        )
    op.create_index("ix_child_given_key", "child", ["given_key"])
    op.create_index("ix_child_family_sdx_given_sdx", "child", ["family_sdx", "given_sdx"])
    op.create_index("ix_child_family_sdx_dob", "child", ["family_sdx", "date_of_birth"])
    op.create_index("ix_child_given_sdx_dob", "child", ["given_sdx", "date_of_birth"])
    op.create_table(
        "child_link",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("child_id", sa.Integer, nullable=False),
        sa.Column("other_child_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("ended_by", sa.String(100), nullable=True),
        sa.Column("end_reason", sa.Text, nullable=True),
        sa.CheckConstraint("kind IN ('same_child', 'not_same')", name="ck_child_link_kind"),
        sa.CheckConstraint("child_id < other_child_id", name="ck_child_link_ordered"),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name="fk_child_link_child_id_child"),
        sa.ForeignKeyConstraint(
            ["other_child_id"], ["child.id"], name="fk_child_link_other_child_id_child"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_child_link"),
    )
    op.create_index("ix_child_link_child_id", "child_link", ["child_id"])
    op.create_index("ix_child_link_other_child_id", "child_link", ["other_child_id"])


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

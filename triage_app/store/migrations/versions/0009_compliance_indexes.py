"""Compliance audit: per-assessment facts in columns, and the indexes the audit's SQL uses.

The protocol-compliance audit (``triage-app audit-report``, the Audit screen) is computed by
SQL aggregates, never by loading records into Python. What it needs from each decision
(NIM, protocol triggered, skeletal survey prompted, CP-IS result at assessment, pre-birth
referral required, accepted exception types) is kept in columns of ``assessment``, filled for
every stored assessment here and on every new one by the repository. Indexes: assessments by
time (with the triggered flag), presentations by time, cases by presentation.

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (
    ("nim", sa.Boolean()),
    ("protocol_triggered", sa.Boolean()),
    ("survey_prompted", sa.Boolean()),
    ("cp_is", sa.String(20)),
    ("pre_birth", sa.Boolean()),
    ("exception_types", sa.String(200)),
    ("setting", sa.String(40)),
)


def _facts(input_json: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    # A frozen copy of triage_app.domain.compliance.facts_from_decision as it was when this
    # revision was written: a migration must not change meaning when application code does.
    nim = bool((decision.get("nim") or {}).get("status"))
    results = decision.get("findings") or []
    triggered = nim and any(bool(f.get("triggers_protocol")) for f in results)
    investigations = {i.get("id") for i in decision.get("investigations") or []}
    actions = {a.get("id") for a in decision.get("actions") or []}
    findings = input_json.get("findings") or []
    types = set()
    for r in results:
        if r.get("exception") != "accepted":
            continue
        index = r.get("index")
        ok = isinstance(index, int) and index < len(findings)
        claim = findings[index].get("exception") if ok else None
        types.add(str((claim or {}).get("type") or "unspecified"))
    cp_is = (input_json.get("history") or {}).get("cp_is")
    return {
        "nim": nim,
        "protocol_triggered": triggered,
        "survey_prompted": triggered and "skeletal_survey_initial" in investigations,
        "cp_is": str(cp_is) if cp_is is not None else None,
        "pre_birth": "pre_birth_referral" in actions,
        "exception_types": ",".join(sorted(types)) or None,
        "setting": str(input_json["setting"]) if input_json.get("setting") else None,
    }


def upgrade() -> None:
    """Add and fill the fact columns; add the indexes."""
    for name, type_ in COLUMNS:
        op.add_column("assessment", sa.Column(name, type_, nullable=True))
    table = sa.table(
        "assessment",
        sa.column("id", sa.Integer),
        sa.column("input_json", sa.JSON),
        sa.column("decision_json", sa.JSON),
        *(sa.column(name, type_) for name, type_ in COLUMNS),
    )
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.input_json, table.c.decision_json)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(5000)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        updates = [{"i": r.id, **_facts(r.input_json or {}, r.decision_json or {})} for r in rows]
        bind.execute(
            table.update()
            .where(table.c.id == sa.bindparam("i"))
            .values({name: sa.bindparam(name) for name, _ in COLUMNS}),
            updates,
        )
    op.create_index("ix_assessment_assessed_at", "assessment", ["assessed_at"])
    op.create_index(
        "ix_assessment_audit",
        "assessment",
        ["protocol_triggered", "assessed_at", "presentation_id"],
    )
    op.create_index("ix_assessment_pre_birth", "assessment", ["pre_birth", "assessed_at"])
    op.create_index(
        "ix_presentation_audit", "presentation", ["seen_at", "nim_at_time", "child_id", "setting"]
    )
    op.create_index(
        "ix_safeguarding_case_presentation_id", "safeguarding_case", ["presentation_id"]
    )


def downgrade() -> None:
    """Refuse: clinical databases are only ever upgraded (restore the backup instead)."""
    raise NotImplementedError("downgrades are not supported; restore the pre-upgrade backup")

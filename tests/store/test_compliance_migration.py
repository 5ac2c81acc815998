"""Revision 0009 fills the audit facts of assessments stored before it, on every backend."""

import json
from pathlib import Path

from sqlalchemy import text

from triage_app.domain.compliance import facts_from_decision
from triage_app.store import migrate
from triage_app.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
CASES = ("documented-birthmark", "child-af-3-purple-mark", "pregnant-mother-family-history")


def _example(name):
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    decision = json.loads(
        (ROOT / "examples" / "decisions" / f"{name}.decision.json").read_text(encoding="utf-8")
    )
    return data, decision


def test_assessments_stored_before_0009_get_the_facts_a_new_one_would(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine, target="0003")
    now = "2025-10-01 14:00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO child (id, date_of_birth, created_at, created_by, row_version) "
                "VALUES (1, :dob, :now, 'old', 1)"
            ),
            {"dob": "2025-07-01", "now": now},
        )
        for n, name in enumerate(CASES, start=1):
            data, decision = _example(name)
            conn.execute(
                text(
                    "INSERT INTO presentation (id, child_id, seen_at, findings, source, "
                    "created_at, created_by, row_version) VALUES (:n, 1, :now, '[]', 'old', "
                    ":now, 'old', 1)"
                ),
                {"n": n, "now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO assessment (id, presentation_id, assessed_at, profile_id, "
                    "profile_version, urgency, input_json, decision_json, created_at, "
                    "created_by) VALUES (:n, :n, :now, 'nyscp', '2025.1', 'urgent', :i, :d, "
                    ":now, 'old')"
                ),
                {"n": n, "now": now, "i": json.dumps(data), "d": json.dumps(decision)},
            )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT nim, protocol_triggered, survey_prompted, cp_is, pre_birth, "
                "exception_types, setting FROM assessment ORDER BY id"
            )
        ).all()
    engine.dispose()
    expected = []
    for name in CASES:
        f = facts_from_decision(*_example(name))
        expected.append(
            (f.nim, f.protocol_triggered, f.survey_prompted, f.cp_is, f.pre_birth,
             f.exception_types, f.setting)
        )  # fmt: skip
    assert [tuple(bool(v) if isinstance(v, int) and i in (0, 1, 2, 4) else v
                  for i, v in enumerate(r)) for r in rows] == expected  # fmt: skip
    assert expected[0][5] == "birthmark" and expected[0][1] is False
    assert expected[1][1] is True and expected[1][2] is True and expected[1][3] == "none"
    assert expected[2][4] is True

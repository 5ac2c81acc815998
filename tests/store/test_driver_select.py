"""Reads run on SQLite's driver cursor give exactly what Core gives (values and types).

The history lookup's SELECTs (``store.driver_select``) skip SQLAlchemy's per-statement work
on SQLite (issue 15). Each statement is checked here against the same statement run through
Core, on a store with households, same-child links, rejections, assessments, a child with
every optional field and one with none, so a conversion the driver path got wrong (a date
left as text, JSON not decoded, a flag left as 0/1) fails.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.exc import DBAPIError

from triage_app.domain.records import ChildRecord, Relation
from triage_app.services import synthetic
from triage_app.services.assessments import record_assessment
from triage_app.store import links as link_store
from triage_app.store import repositories as repos
from triage_app.store import search
from triage_app.store.driver_select import DriverSelect
from triage_app.store.links import NOT_SAME, SAME, ChildLinkRepository
from triage_app.store.repositories import ChildRepository


@pytest.fixture
def filled(ctx, make):
    synthetic.generate(ctx, 120, 600, seed=3)
    for n in range(3):
        record_assessment(ctx, make.case_json(make.NHS[n]))
    now = datetime(2025, 9, 3, 10, 0)
    with ctx.transaction() as s:
        children = ChildRepository(s)
        full = children.add(
            make.child(
                30,
                address="1 Example Row",
                gp_practice="Example Surgery",
                cp_plan="current",
                looked_after=True,
                pregnancy_due_date=date(2026, 2, 1),
                health_visitor="HV Example",
                interpreter_needed=True,
                interpreter_language="Polish",
            ),
            "tester",
            now,
        )
        bare = children.add(
            ChildRecord(family_name=None, given_name=None, date_of_birth=date(2025, 8, 1)),
            "tester",
            now,
        )
        children.link(full.id, Relation.SIBLING, "tester", now, related_child_id=bare.id)
        children.link(full.id, Relation.CARER, "tester", now, person_name="Carer Example")
        links = ChildLinkRepository(s)
        links.add(full.id, 1, SAME, "same baby", "tester", now)
        links.add(2, full.id, NOT_SAME, "not her", "tester", now)
    return full.id, bare.id


def both(ctx, statement: DriverSelect, params):
    with ctx.transaction() as s:
        core = [tuple(r) for r in s.connection().execute(statement.statement, params)]
        driver = list(statement.rows(s, params))
    return core, driver


def same_rows(core, driver) -> None:
    assert driver == core
    assert [[type(v) for v in r] for r in driver] == [[type(v) for v in r] for r in core]


def test_every_history_read_gives_what_core_gives(ctx, filled):
    full, bare = filled
    ids = [full, bare, 1, 2, 3, 5, 8, 13, 21, 34]
    cases = [
        (repos._CHILD_BY_ID, {"id": full}),
        (repos._CHILD_BY_ID, {"id": bare}),
        (repos._CHILD_BY_ID, {"id": 10_000}),
        (repos._HOUSEHOLD, {"cid": full}),
        (repos._HOUSEHOLD, {"cid": bare}),
        (repos._PRESENTATIONS_ALL, {"ids": ids}),
        (repos._PRESENTATIONS_BEFORE, {"ids": ids, "before": datetime(2025, 6, 1, 12, 30)}),
        (repos._URGENCIES, {"ids": list(range(1, 700))}),
        (link_store._SAME_CHILD_EDGES, {"frontier": [full, 1]}),
        (link_store._REJECTED, {"child": full}),
        (search._COUNTS, {"family": "example", "given": "ava"}),
    ]
    with ctx.transaction() as s:
        nhs = ChildRepository(s).get(full).nhs_number
    cases.append((repos._CHILD_BY_NHS, {"nhs": nhs}))
    seen = 0
    for statement, params in cases:
        core, driver = both(ctx, statement, params)
        same_rows(core, driver)
        seen += len(core)
    assert seen > 50  # the cases read real rows, not only empty results


def test_the_candidate_searches_give_what_core_gives(ctx, filled):
    window = [date(2025, 7, 20), date(2025, 7, 19), date(2025, 7, 21)]
    for codes, prefix, pair in [
        (True, True, True),
        (True, False, False),
        (False, True, False),
        (False, False, True),
        (False, False, False),
    ]:
        params = {"window": window, "dob": window[0]}
        if codes:
            params["codes"] = ["E251", "A100"]
        if prefix:
            params["prefix"], params["upper"] = "exa", "exb"
        if pair:
            params["fs"], params["gs"] = "E251", "A100"
        core, driver = both(ctx, search._candidate_query(codes, prefix, pair), params)
        same_rows(core, driver)


def test_an_empty_list_is_refused_not_run(ctx):
    with ctx.transaction() as s, pytest.raises(ValueError):
        repos._PRESENTATIONS_ALL.rows(s, {"ids": []})


def test_a_driver_error_is_sqlalchemys_and_names_no_value(ctx, make, monkeypatch):
    with ctx.transaction() as s:
        ChildRepository(s).add(make.child(0), "tester", datetime(2025, 9, 3, 10, 0))
    if ctx.engine.dialect.name != "sqlite":
        pytest.skip("the driver path runs on SQLite only")
    from sqlalchemy import bindparam, literal_column, select, table

    broken = DriverSelect(
        select(literal_column("a"))
        .select_from(table("no_such_table"))
        .where(literal_column("b") == bindparam("x"))
    )
    with ctx.transaction() as s, pytest.raises(DBAPIError) as caught:
        broken.rows(s, {"x": make.NHS[0]})
    assert make.NHS[0] not in str(caught.value)

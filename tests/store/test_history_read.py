"""The history read outside the ORM session gives exactly the records the session path gives.

``store.history_read`` reads a child's history in one read transaction on a plain
connection (issue 15: the session's begin and commit cost more than the SELECTs). Here it
is compared, record for record, with ``services.history.load_history`` (the repositories,
in a session) on generated stores: several children with and without NHS numbers,
same-child links (chains, ended links, rejections), households of children and adults,
presentations with and without findings, mobility and assessments (the latest urgency
wins), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.domain.records import (
    AssessmentRecord,
    ChildRecord,
    FindingRecord,
    NotFoundError,
    PresentationRecord,
    Relation,
)
from triage_app.services.history import load_history
from triage_app.services.synthetic import synthetic_nhs_numbers
from triage_app.store import history_read
from triage_app.store.links import NOT_SAME, SAME, ChildLinkRepository
from triage_app.store.repositories import ChildRepository, PresentationRepository

NOW = datetime(2025, 9, 3, 10, 0)
# Numbers of their own (other tests in a run use the first few hundred).
_NUMBERS = synthetic_nhs_numbers(5_000)
_NUMBERS_LOCK = threading.Lock()


def next_number() -> str:
    with _NUMBERS_LOCK:
        return next(_NUMBERS)


FINDINGS = [
    (),
    (FindingRecord("bruise", "cheek"),),
    (FindingRecord("bruise", "ear", side="left", size_mm=12.5, patterned=True),),
    (FindingRecord("bleeding", "mouth", description="frenulum"), FindingRecord("burn", "hand")),
]
MOBILITY = [None, {"rolling": True, "crawling": False, "cruising": None}]

children_st = st.lists(
    st.fixed_dictionaries(
        {
            "numbered": st.booleans(),
            "cp_plan": st.sampled_from([None, "current", "past", "none", "unknown"]),
            "looked_after": st.sampled_from([None, True, False]),
            "due": st.sampled_from([None, date(2026, 3, 1)]),
        }
    ),
    min_size=1,
    max_size=6,
)
pairs_st = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=6)
households_st = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(list(Relation))),
    max_size=6,
)
adults_st = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.sampled_from([Relation.CARER, Relation.PARENTAL_RESPONSIBILITY]),
        st.sampled_from([None, True, False]),
    ),
    max_size=3,
)
presentations_st = st.lists(
    st.fixed_dictionaries(
        {
            "child": st.integers(0, 5),
            "days": st.integers(0, 40),
            "hour": st.sampled_from([0, 9, 9, 23]),  # equal times: the id breaks the tie
            "findings": st.integers(0, len(FINDINGS) - 1),
            "mobility": st.integers(0, len(MOBILITY) - 1),
            "nim": st.sampled_from([None, True, False]),
            "urgencies": st.lists(st.sampled_from(["routine", "urgent", "same_day"]), max_size=3),
        }
    ),
    max_size=14,
)


def build(ctx, kids, same, ended, rejected, households, adults, presentations) -> list[int]:
    """Store one generated family; return the children's ids."""
    with ctx.transaction() as s:
        repo = ChildRepository(s)
        ids = []
        for n, k in enumerate(kids):
            stored = repo.add(
                ChildRecord(
                    date_of_birth=date(2025, 6, 1) + timedelta(days=n),
                    family_name="Example",
                    given_name=f"Kid{n}",
                    nhs_number=next_number() if k["numbered"] else None,
                    cp_plan=k["cp_plan"],
                    looked_after=k["looked_after"],
                    pregnancy_due_date=k["due"],
                ),
                "tester",
                NOW,
            )
            ids.append(stored.id)
        links = ChildLinkRepository(s)
        made: set[tuple[int, int, str]] = set()
        for kind, chosen in ((SAME, same), (SAME, ended), (NOT_SAME, rejected)):
            for a, b in chosen:
                a, b = a % len(ids), b % len(ids)
                key = (min(a, b), max(a, b), kind)
                if a == b or key in made:
                    continue
                made.add(key)
                link = links.add(ids[a], ids[b], kind, "test", "tester", NOW)
                if chosen is ended:
                    links.end(link.id, "not the same after all", "tester", NOW)
                    made.discard(key)
        for a, b, relation in households:
            a, b = a % len(ids), b % len(ids)
            if a != b:
                repo.link(ids[a], relation, "tester", NOW, related_child_id=ids[b])
        for a, relation, lives in adults:
            repo.link(
                ids[a % len(ids)],
                relation,
                "tester",
                NOW,
                person_name="Adult Example",
                relationship="mother",
                date_of_birth=date(1995, 1, 2),
                contact="000",
                lives_with_child=lives,
            )
        store = PresentationRepository(s)
        for n, p in enumerate(presentations):
            seen = datetime(2025, 7, 1) + timedelta(days=p["days"], hours=p["hour"])
            stored_p = store.add(
                PresentationRecord(
                    child_id=ids[p["child"] % len(ids)],
                    seen_at=seen,
                    setting="gp",
                    complaint=f"complaint {n}",
                    findings=FINDINGS[p["findings"]],
                    mobility=MOBILITY[p["mobility"]],
                    nim_at_time=p["nim"],
                ),
                "tester",
                NOW,
            )
            for urgency in p["urgencies"]:
                store.add_assessment(
                    AssessmentRecord(stored_p.id, seen, "p", "1", urgency, {}, {}), "tester", NOW
                )
    return ids


def session_read(ctx, child_id: int, before: datetime | None):
    with ctx.transaction() as s:
        child = ChildRepository(s).get(child_id)
        return load_history(s, child, before=before)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kids=children_st,
    same=pairs_st,
    ended=pairs_st,
    rejected=pairs_st,
    households=households_st,
    adults=adults_st,
    presentations=presentations_st,
    cut=st.integers(0, 45),
)
def test_the_read_gives_the_session_reads_records(
    ctx, kids, same, ended, rejected, households, adults, presentations, cut
):
    ids = build(ctx, kids, same, ended, rejected, households, adults, presentations)
    before = datetime(2025, 7, 1) + timedelta(days=cut, hours=9)
    for child_id in ids:
        for when in (None, before):
            expected = session_read(ctx, child_id, when)
            got = history_read.history_by_child_id(ctx.engine, child_id, before=when)
            assert got == expected
            # Same values of the same types (a date left as text would compare unequal
            # anyway; a flag left as 0/1 would not).
            assert [type(e.presentation.nim_at_time) for e in got.entries] == [
                type(e.presentation.nim_at_time) for e in expected.entries
            ]
            assert [type(m.lives_with_child) for m in got.household] == [
                type(m.lives_with_child) for m in expected.household
            ]
            number = expected.child.nhs_number
            if number is not None:
                assert history_read.history_by_nhs_number(ctx.engine, number, when) == expected


def test_a_rich_family_reads_every_part(ctx):
    """One fixed family that has every part, so the comparison above is not vacuous."""
    kids = [{"numbered": True, "cp_plan": "current", "looked_after": True, "due": None}] * 4
    presentations = [
        {"child": c, "days": d, "hour": 9, "findings": 3, "mobility": 1, "nim": True,
         "urgencies": ["routine", "urgent"]}
        for c, d in [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)]
    ]  # fmt: skip
    ids = build(
        ctx,
        kids,
        same=[(0, 1), (1, 2)],
        ended=[(0, 3)],
        rejected=[(2, 3)],
        households=[(0, 3, Relation.SIBLING), (2, 3, Relation.OTHER_CHILD)],
        adults=[(0, Relation.CARER, True)],
        presentations=presentations,
    )
    got = history_read.history_by_child_id(ctx.engine, ids[0])
    assert got == session_read(ctx, ids[0], None)
    assert [c.id for c in got.linked] == [ids[1], ids[2]]  # through the chain
    # The same household child through two records: the last link read names the relation.
    assert {e.relation for e in got.entries} == {"self", "other_child"}
    assert {e.urgency for e in got.entries} == {"urgent"}  # the latest assessment's
    assert [m.relation for m in got.household] == [
        Relation.SIBLING,
        Relation.CARER,
        Relation.OTHER_CHILD,
    ]
    assert len(got.entries) == 5
    assert got.entries[0].presentation.findings == FINDINGS[3]
    assert got.entries[0].presentation.mobility == MOBILITY[1]


def test_an_unknown_number_or_id(ctx):
    assert history_read.history_by_nhs_number(ctx.engine, next_number()) is None
    with pytest.raises(NotFoundError):
        history_read.history_by_child_id(ctx.engine, 987_654)


def test_the_read_sees_a_commit_whole_or_not_at_all(ctx, other_ctx):
    """One read snapshot: a commit landing between the read's SELECTs is not half seen."""
    [child_id] = build(ctx, [{"numbered": True, "cp_plan": None, "looked_after": None,
                              "due": None}], [], [], [], [], [], [])  # fmt: skip
    seen: list[int] = []
    original = history_read._same_child_group

    def group_then_commit(read, cid):
        group = original(read, cid)
        if not seen:  # another user adds a sibling with a presentation, mid-read
            with other_ctx.transaction() as s:
                repo = ChildRepository(s)
                sib = repo.add(ChildRecord(date_of_birth=date(2025, 1, 1)), "colleague", NOW)
                repo.link(child_id, Relation.SIBLING, "colleague", NOW, related_child_id=sib.id)
                PresentationRepository(s).add(
                    PresentationRecord(child_id=sib.id, seen_at=NOW), "colleague", NOW
                )
            seen.append(1)
        return group

    history_read._same_child_group = group_then_commit
    try:
        first = history_read.history_by_child_id(ctx.engine, child_id)
    finally:
        history_read._same_child_group = original
    assert seen == [1]
    assert first.household == () and first.entries == ()  # the snapshot before the commit
    after = history_read.history_by_child_id(ctx.engine, child_id)
    assert len(after.household) == 1 and len(after.entries) == 1


def test_the_read_leaves_no_transaction_open(ctx):
    [child_id] = build(ctx, [{"numbered": True, "cp_plan": None, "looked_after": None,
                              "due": None}], [], [], [], [], [], [])  # fmt: skip
    history_read.history_by_child_id(ctx.engine, child_id)
    with ctx.transaction() as s:  # a writer can begin at once (SQLite: BEGIN IMMEDIATE)
        ChildRepository(s).add(ChildRecord(date_of_birth=date(2025, 1, 1)), "tester", NOW)
    with pytest.raises(NotFoundError):
        history_read.history_by_child_id(ctx.engine, 987_654)
    with ctx.transaction() as s:  # and after a read that failed
        ChildRepository(s).add(ChildRecord(date_of_birth=date(2025, 1, 2)), "tester", NOW)


def test_a_read_after_the_file_was_replaced_reads_the_file_now_in_place(tmp_path, clock):
    """Hazard H138: the read checks its kept connection's file out of the pool, so a file
    replaced behind it (another process restored a backup) is never read through it."""
    from tests.store.conftest import protocol
    from tests.store.test_db import move_aside
    from triage_app.services.context import open_store

    number = next_number()
    stores = {}
    for name in ("kept", "restored"):
        db = tmp_path / f"{name}.sqlite3"
        ctx = open_store(f"sqlite:///{db}", user="tester", clock=clock, protocol=protocol())
        with ctx.transaction() as s:
            ChildRepository(s).add(
                ChildRecord(date_of_birth=date(2025, 1, 1), given_name=name, nhs_number=number),
                "tester",
                NOW,
            )
        stores[name] = (ctx, db)
    ctx, db = stores["kept"]
    first = history_read.history_by_nhs_number(ctx.engine, number)
    assert first is not None and first.child.given_name == "kept"
    assert ctx.engine.pool.checkedin() == 1  # the kept connection, on the first file
    restored_ctx, restored_db = stores["restored"]
    restored_ctx.close()  # (its WAL folded in)
    move_aside(db, tmp_path / "moved-aside.sqlite3")
    move_aside(restored_db, db)
    try:
        again = history_read.history_by_nhs_number(ctx.engine, number)
        assert again is not None and again.child.given_name == "restored"
    finally:
        ctx.close()

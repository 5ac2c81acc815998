"""The audit trail: written with every change, append-only, hash-chained, and checkable."""

import json
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from triage_app.services import audit_log, cases, children
from triage_app.store import audit
from triage_app.store.audit import GENESIS_HASH, POSTGRES_TRIGGERS, SQLITE_TRIGGERS


def _events(ctx):
    return audit_log.events(ctx)


def test_every_change_and_view_writes_an_event_in_the_same_transaction(ctx, make):
    child = children.record_child(ctx, make.child())
    children.get_child(ctx, child.id)
    updated = children.update_child(
        ctx, child.__class__(**{**child.__dict__, "postcode": "XX2 2BB"})
    )
    evs = _events(ctx)
    assert [(e.action, e.entity) for e in evs] == [
        ("create", "user"),
        ("create", "child"),
        ("view", "child"),
        ("update", "child"),
    ]
    assert all(e.username == "tester" for e in evs)
    update = evs[-1]
    assert json.loads(update.before)["postcode"] == "XX1 1AA"
    assert json.loads(update.after)["postcode"] == "XX2 2BB"
    assert update.entity_id == str(updated.id)


def test_a_failed_change_leaves_no_audit_event(ctx, make):
    first = children.record_child(ctx, make.child())
    count = len(_events(ctx))
    with pytest.raises(ValueError, match="already stored"):
        children.record_child(ctx, make.child(given_name="Twin"))  # same NHS number
    assert len(_events(ctx)) == count
    assert first.id is not None


def test_events_are_chained_from_the_genesis_hash(ctx, make):
    children.record_child(ctx, make.child())
    evs = _events(ctx)
    assert evs[0].prev_hash == GENESIS_HASH
    for before, after in zip(evs, evs[1:], strict=False):
        assert after.prev_hash == before.hash
    assert audit_log.verify(ctx).intact


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET username = 'x'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_change_or_delete_audit_events(ctx, make, statement):
    children.record_child(ctx, make.child())
    with (
        pytest.raises((IntegrityError, DBAPIError), match="append-only"),
        ctx.engine.begin() as conn,
    ):
        conn.execute(text(statement))
    assert audit_log.verify(ctx).intact
    assert len(_events(ctx)) == 2


def test_postgres_also_refuses_truncate(ctx, make):
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite has only DELETE")
    children.record_child(ctx, make.child())
    with pytest.raises(DBAPIError, match="append-only"), ctx.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_event"))
    assert len(_events(ctx)) == 2


def _without_triggers(ctx, statement, params=None):
    """What an attacker with direct file access could do: drop the guard, edit, restore it."""
    sqlite = ctx.engine.dialect.name == "sqlite"
    with ctx.engine.begin() as conn:
        if sqlite:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))
            conn.execute(text("DROP TRIGGER audit_event_no_truncate ON audit_event"))
            conn.execute(text("DROP FUNCTION audit_event_append_only()"))
        conn.execute(text(statement), params or {})
        for ddl in SQLITE_TRIGGERS if sqlite else POSTGRES_TRIGGERS:
            conn.execute(text(ddl))


def _three_children(ctx, make):
    for n in range(3):
        children.record_child(ctx, make.child(n))
    return _events(ctx)


def test_an_altered_event_is_named(ctx, make):
    evs = _three_children(ctx, make)
    target = evs[2]
    _without_triggers(
        ctx,
        "UPDATE audit_event SET after = :a WHERE id = :i",
        {"a": '{"given_name":"Someone else"}', "i": target.id},
    )
    check = audit_log.verify(ctx)
    assert not check.intact
    assert check.broken_event_id == target.id
    assert "altered" in check.problem


def test_a_removed_event_is_detected_at_the_next_one(ctx, make):
    evs = _three_children(ctx, make)
    _without_triggers(ctx, "DELETE FROM audit_event WHERE id = :i", {"i": evs[1].id})
    check = audit_log.verify(ctx)
    assert check.broken_event_id == evs[2].id
    assert "does not link" in check.problem


def test_the_chain_cannot_fork(ctx, make):
    children.record_child(ctx, make.child())
    last = _events(ctx)[-1]
    with pytest.raises(IntegrityError), ctx.session_factory.begin() as s:
        s.execute(
            text(
                "INSERT INTO audit_event (at, username, action, entity, prev_hash, hash) "
                "VALUES ('2025', 'x', 'view', 'child', :p, :h)"
            ),
            {"p": last.prev_hash, "h": "f" * 64},
        )


def test_unknown_audit_action_is_refused(ctx):
    with pytest.raises(ValueError, match="unknown audit action"), ctx.session_factory.begin() as s:
        audit.record(s, at=datetime(2025, 1, 1), username="u", action="delete", entity="x")


def test_print_and_export_are_recorded(ctx, make):
    child = children.record_child(ctx, make.child())
    case = cases.open_case(ctx, child.id)
    audit_log.record_print(ctx, "case", case.id, {"document": "referral record"})
    audit_log.record_export(ctx, "case", case.id, {"format": "pdf", "file": "referral.pdf"})
    assert [e.action for e in _events(ctx)[-2:]] == ["print", "export"]
    assert audit_log.verify(ctx).intact

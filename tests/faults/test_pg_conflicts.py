"""PostgreSQL: two clients edit the same case concurrently, 150 times each. Every edit based
on a stale read is refused with ConflictError and writes nothing; every accepted edit is kept
and started from the state the accepted edit before it left (no lost update); the audit chain
verifies (issue 6, "Proof under faults")."""

from __future__ import annotations

import itertools
import json
import os
import threading
from datetime import date

import pytest
from security.helpers import PG_URL, private_pg_database
from sqlalchemy import text

from triage_app.domain.records import ChildRecord, ConflictError
from triage_app.services import cases, children
from triage_app.services.audit_log import verify
from triage_app.services.context import open_store

# 2 x 150 edits race on one case (each edit still reads and audits the whole case, so a case
# with hundreds of actions is slower to edit; real cases have tens): enough to prove no lost
# update. Issue 18 made an edit cheaper (no re-read after the change, no deep copy for the
# audit), but 2 x 500 still runs for minutes on a loaded 2-core machine.
EDITS = int(os.environ.get("TRIAGE_CONFLICT_EDITS", "150"))


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="TRIAGE_TEST_PG_URL not set")
def test_two_clients_editing_one_case_never_lose_an_update():
    with private_pg_database() as url:
        setup = open_store(url, user="setup")
        child = children.record_child(setup, ChildRecord(date(2025, 7, 20), "Example", "Ava"))
        case = cases.open_case(setup, child.id)
        setup.close()
        clients = {name: open_store(url, user=name) for name in ("a", "b")}
        accepted: dict[str, list[int]] = {name: [] for name in clients}
        conflicts = dict.fromkeys(clients, 0)
        errors: list[BaseException] = []
        start = threading.Barrier(len(clients))

        def edit(name: str) -> None:
            ctx = clients[name]
            try:
                start.wait()
                for i in range(EDITS):
                    while True:
                        version = cases.get_case(ctx, case.id).version
                        try:
                            after = cases.record_action(
                                ctx, case.id, version, "inform_parents", by=name,
                                note=f"{name}-{i}",
                            )  # fmt: skip
                        except ConflictError:
                            conflicts[name] += 1
                            continue
                        accepted[name].append(after.version)
                        break
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=edit, args=(n,)) for n in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        try:
            assert errors == []
            ctx = clients["a"]
            final = cases.get_case(ctx, case.id)
            with ctx.engine.connect() as conn:
                trail = [
                    (json.loads(b), json.loads(a))
                    for b, a in conn.execute(
                        text(
                            "SELECT before, after FROM audit_event WHERE entity = 'case' "
                            "AND action = 'update' ORDER BY id"
                        )
                    )
                ]
            written = sorted(a["actions"][-1]["details"] for _, a in trail)
            assert written == sorted(f"{n}-{i}" for n in clients for i in range(EDITS))
            # no lost update: every accepted edit started from the state the one before left
            for (_, previous), (before, _) in itertools.pairwise(trail):
                assert before["actions"] == previous["actions"]
                assert before["version"] == previous["version"]
            assert final.actions[-1].details == trail[-1][1]["actions"][-1]["details"]
            versions = sorted(v for vs in accepted.values() for v in vs)
            # each accepted edit moved the version on by exactly one: none overwrote another
            assert versions == list(range(case.version + 1, case.version + 1 + 2 * EDITS))
            assert final.version == case.version + 2 * EDITS
            assert sum(conflicts.values()) > 0, "the clients never collided: nothing was tested"
            assert verify(ctx).intact
        finally:
            for c in clients.values():
                c.close()

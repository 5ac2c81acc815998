"""Cost of one case edit (``cases.record_action``) against the number of actions on the case.

A case with hundreds of actions was slow to edit (issue 18): each edit re-read the whole case
after the change and deep-copied it twice for the audit. This measures the edit (and, apart,
the read the caller does first for the version) on a temporary SQLite store, per case size.

    PYTHONPATH=. python benchmarks/bench_case_edit.py --actions 50 500 --edits 20
    PYTHONPATH=. python benchmarks/bench_case_edit.py --actions 500 --profile   # cProfile

CPU time (``time.process_time``) is reported beside wall time: on a shared machine the wall
time is mostly other processes and the disk.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from triage_app.domain.records import CaseAction, ChildRecord
from triage_app.services import cases, children
from triage_app.services.context import open_store
from triage_app.store.case_repository import CaseRepository

NOW = datetime(2026, 1, 5, 9, 0)


def measure(actions: int, edits: int, profile: bool = False) -> dict[str, float]:
    """Per-edit milliseconds on a case that already holds ``actions`` actions."""
    folder = Path(tempfile.mkdtemp())
    ctx = open_store(f"sqlite:///{folder / 'bench.sqlite3'}", user="bench", clock=lambda: NOW)
    try:
        child = children.record_child(ctx, ChildRecord(date(2025, 7, 20), "Example", "Ava"))
        case = cases.open_case(ctx, child.id, opened_at=NOW - timedelta(days=1))
        with ctx.transaction() as s:  # the case's earlier actions, in one go
            repo = CaseRepository(s)
            version = case.version
            for i in range(actions):
                earlier = CaseAction(NOW - timedelta(hours=1), "x", "inform_parents", None, str(i))
                version = repo.add_action(case.id, version, earlier, "bench", NOW).version
        ctx.protocol.registry  # loaded once, outside the measurement  # noqa: B018
        read_cpu = edit_cpu = edit_wall = 0.0
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        for i in range(edits):
            t0 = time.process_time()
            version = cases.get_case(ctx, case.id).version
            t1, w1 = time.process_time(), time.perf_counter()
            cases.record_action(ctx, case.id, version, "inform_parents", by="b", note=f"e{i}")
            edit_cpu += time.process_time() - t1
            edit_wall += time.perf_counter() - w1
            read_cpu += t1 - t0
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    finally:
        ctx.close()
    return {
        "edit_cpu_ms": 1000 * edit_cpu / edits,
        "edit_wall_ms": 1000 * edit_wall / edits,
        "read_cpu_ms": 1000 * read_cpu / edits,
    }


def main() -> None:
    """Print one line per case size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    for n in args.actions:
        r = measure(n, args.edits, args.profile)
        print(
            f"{n} actions: edit {r['edit_cpu_ms']:.1f} ms CPU ({r['edit_wall_ms']:.1f} ms wall); "
            f"read for the version {r['read_cpu_ms']:.1f} ms CPU"
        )


if __name__ == "__main__":
    main()

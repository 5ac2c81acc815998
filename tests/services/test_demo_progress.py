"""Demonstration load: progress per family, and a cancel that leaves nothing stored."""

import pytest
from sqlalchemy import text

from triage_app.services import children, demo


def _count(ctx, table):
    with ctx.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_progress_is_reported_for_each_family(ctx):
    seen = []
    summary = demo.load(ctx, progress=lambda done, total: seen.append((done, total)))
    assert summary.loaded and summary.children == 6
    assert seen == [(n, demo.FAMILIES) for n in range(demo.FAMILIES + 1)]


@pytest.mark.parametrize("after", [0, 2, demo.FAMILIES])
def test_a_cancel_stores_nothing_and_a_later_load_works(ctx, after):
    seen = []
    with pytest.raises(demo.Cancelled):
        demo.load(
            ctx,
            progress=lambda done, total: seen.append(done),
            cancelled=lambda: len(seen) > after,
        )
    assert children.find_by_nhs_number(ctx, demo.AF_NHS) is None
    assert (
        _count(ctx, "child"),
        _count(ctx, "presentation"),
        _count(ctx, "safeguarding_case"),
    ) == (
        0,
        0,
        0,
    )
    assert demo.load(ctx).loaded


def test_a_second_load_reports_done_and_adds_nothing(ctx):
    demo.load(ctx)
    seen = []
    assert demo.load(ctx, progress=lambda d, t: seen.append((d, t))).loaded is False
    assert seen[-1] == (demo.FAMILIES, demo.FAMILIES)

"""Each imported presentation belongs to the right child, whatever the ids (issue 15).

On SQLite the import gives new children their ids before inserting them (the batch holds
the write lock); on PostgreSQL they come from the sequence. Either way a batch mixing stored
children, new children, repeats of a new child and rows without an NHS number must link every
presentation to its own child, after earlier deletions too, and in a column order other than
the documented one.
"""

import pytest
from sqlalchemy import select, text

from tests.services.import_csv import ROW, write
from triage_app.services.importing import COLUMNS, import_presentations
from triage_app.store.orm import Child, Presentation


def row(make, n, **kw):
    """Child ``n`` (``make.NHS[n]``, born on 2025-07-``10 + n``), seen on 2025-08-14."""
    return {
        **ROW,
        "source_id": f"E{n}",
        "nhs_number": make.NHS[n],
        "given_name": f"Ava{n}",
        "date_of_birth": f"2025-07-{10 + n:02d}",
        "seen_at": "2025-08-14T09:30",
        **kw,
    }


def owners(ctx):
    """{source_id: (child's NHS number, given name, date of birth)} for every presentation."""
    with ctx.session_factory.begin() as s:
        rows = s.execute(
            select(
                Presentation.source_id, Child.nhs_number, Child.given_name, Child.date_of_birth
            ).join(Child, Child.id == Presentation.child_id)
        ).all()
    return {r[0]: (r[1], r[2], r[3].isoformat()) for r in rows}


def test_every_presentation_belongs_to_its_own_child(ctx, make, tmp_path):
    # Stored first: children for NHS[0] and NHS[2], and one between them deleted again: the ids
    # in use have a gap, and the largest id is not the number of children.
    import_presentations(
        ctx, write(tmp_path / "first.csv", [row(make, i, source_id=f"F{i}") for i in range(3)])
    )
    with ctx.transaction() as s:
        s.execute(text("DELETE FROM presentation WHERE source_id = 'F1'"))
        s.execute(text("DELETE FROM child WHERE given_name = 'Ava1'"))
    mixed = [
        row(make, 0, source_id="M0"),  # a stored child
        row(make, 3, source_id="M1"),  # a new child ...
        row(make, 2, source_id="M2"),  # another stored child
        row(make, 3, source_id="M3", seen_at="2025-08-20T10:00"),  # ... seen again
        row(make, 5, source_id="M4", nhs_number="", given_name="Nobody"),  # no NHS number
        row(make, 4, source_id="M5"),  # a second new child
        row(make, 9, source_id="M6", nhs_number="", given_name="Noone"),  # no NHS number
    ]
    header = list(reversed(COLUMNS))  # not the documented order
    summary = import_presentations(ctx, write(tmp_path / "mixed.csv", mixed, header=header))
    assert (summary.imported, summary.children_created) == (7, 4)
    got = owners(ctx)
    for r in mixed:
        assert got[r["source_id"]] == (
            r["nhs_number"] or None,
            r["given_name"],
            r["date_of_birth"],
        ), r["source_id"]
    assert got["M1"] == got["M3"]  # one child for the new number's two rows


def test_each_committed_batch_records_the_line_it_reached(ctx, make, tmp_path):
    """The import job's ``lines_done`` (SQLite) is the last line of the batch just committed,
    whether its rows were read the fast way or the careful way (a row spanning two lines)."""
    if ctx.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL imports in one transaction, without batches")
    from triage_app.store.orm import ImportJobRow

    rows = [row(make, i % 5, source_id=f"L{i}") for i in range(7)]
    rows[3]["complaint"] = "two\nlines"  # line 5 to 6: read the careful way
    reached = []

    def after(done):
        with ctx.session_factory.begin() as s:
            reached.append(s.scalars(select(ImportJobRow.lines_done)).all()[-1])

    import_presentations(ctx, write(tmp_path / "v.csv", rows), batch_size=2, after_batch=after)
    # Header line 1; rows on lines 2, 3, 4, 5-6, 7, 8, 9.
    assert reached == [3, 6, 8, 9]

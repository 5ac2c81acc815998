"""The rejects file and hostile CSV input (issue 13).

The rejects file is owner-only, neutralises cells a spreadsheet would run as formulas (the
original is the cell without its added leading ``'``; the ``neutralised`` column names the
columns changed), and never exists under any name until the import has committed. One
over-long field rejects its row, not the file; a huge line is read with bounded memory; an
unterminated quote is reported at its line with the lines it swallowed.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import stat
import time
import tracemalloc

import pytest
from sqlalchemy import func, select

from tests.services.import_csv import read_rejects, row, write
from triage_app.services.context import open_store
from triage_app.services.importing import COLUMNS, import_presentations, roll_back_interrupted
from triage_app.store.orm import Presentation

pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


def presentations(ctx):
    with ctx.session_factory.begin() as s:
        return s.scalar(select(func.count()).select_from(Presentation))


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tlead", "\rcr"]


def test_rejects_are_owner_only_and_formula_cells_are_neutralised_keeping_the_original(
    ctx, make, tmp_path
):
    bad = [row(make, i + 1, sex="bad", organisation=f, complaint=f) for i, f in enumerate(FORMULAS)]
    src = write(tmp_path / "v.csv", [row(make, 0), *bad])
    summary = import_presentations(ctx, src)
    assert (summary.imported, summary.rejected) == (1, len(FORMULAS))
    out = tmp_path / "v.rejects.csv"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rejects = read_rejects(out)
    header = rejects[0]
    org, complaint = header.index("organisation"), header.index("complaint")
    for formula, line in zip(FORMULAS, rejects[1:], strict=True):
        for cell in (line[org], line[complaint]):
            assert cell[0] not in "=+-@\t\r"
            assert cell == "'" + formula  # the original: the cell without its leading '
        assert line[header.index("neutralised")] == "organisation complaint"
    # Cells that do not start a formula are untouched.
    assert rejects[1][header.index("source")] == "emis"


def test_an_over_long_field_rejects_its_row_not_the_file(ctx, make, tmp_path):
    rows = [row(make, 0), row(make, 1, complaint="x" * 200_000), row(make, 2)]
    summary = import_presentations(ctx, write(tmp_path / "v.csv", rows))
    assert (summary.imported, summary.rejected) == (2, 1)
    reason = read_rejects(tmp_path / "v.rejects.csv")[1][-1]
    assert "longer than" in reason


def test_a_huge_line_of_short_fields_is_rejected_with_bounded_memory(ctx, make, tmp_path):
    src = write(tmp_path / "v.csv", [row(make, 0)])
    with src.open("a", encoding="utf-8") as f:
        f.write(",".join(["ab"] * 4_000_000) + "\n")  # 12 MB on one line
    write_more = [row(make, 1)]
    with src.open("a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fieldnames=list(COLUMNS)).writerows(write_more)
    tracemalloc.start()
    try:
        summary = import_presentations(ctx, src)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (summary.imported, summary.rejected) == (2, 1)
    assert peak < 8 * 1024 * 1024, peak  # the 12 MB line was never held whole
    rejected = read_rejects(tmp_path / "v.rejects.csv")[1]
    assert rejected[-2] == "3" and "longer than" in rejected[-1]


def test_an_unterminated_quote_is_reported_at_its_line_with_the_lines_it_swallowed(
    ctx, make, tmp_path
):
    src = write(tmp_path / "v.csv", [row(make, i) for i in range(3)])
    with src.open("a", encoding="utf-8") as f:
        f.write('emis,E9,,Example,"Ann,2025-07-20\n')  # line 5 opens a quote never closed
        for i in range(10, 14):
            f.write(f"emis,E{i},,Example,Ava,2025-07-20,female,,2025-08-10T09:30,gp,,,,\n")
    summary = import_presentations(ctx, src)
    assert (summary.imported, summary.rejected) == (3, 1)
    line, reason = read_rejects(tmp_path / "v.rejects.csv")[1][-2:]
    assert line == "5"
    assert "opened on line 5" in reason and "lines 6 to 9 (4 lines" in reason


def test_a_stray_quote_mid_file_names_the_rows_it_swallowed(ctx, make, tmp_path):
    src = tmp_path / "v.csv"
    rows = [row(make, 0), row(make, 1, organisation='"Stray'), row(make, 2), row(make, 3)]
    lines = [",".join(COLUMNS)] + [",".join(r[c] for c in COLUMNS) for r in rows]
    lines[3] = lines[3].replace("complaint", 'end"')  # closes the quote two lines later
    lines[4] = lines[4].replace("bruise,", 'bruise",', 1)
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = import_presentations(ctx, src)
    assert summary.rejected == 1
    line, reason = read_rejects(tmp_path / "v.rejects.csv")[1][-2:]
    assert line == "3" and "it swallowed the 2 lines after it" in reason


@pytest.mark.slow
def test_a_killed_import_never_leaves_a_partial_or_rejects_file(make, tmp_path):
    db = tmp_path / "t.sqlite3"
    open_store(f"sqlite:///{db}", user="t", database_file=db).close()
    src_dir = tmp_path / "in"
    src_dir.mkdir()
    rows = [
        row(make, i, source_id=f"S{i}", sex="bad" if i % 7 == 0 else "female")
        for i in range(30_000)
    ]
    src = write(src_dir / "v.csv", rows)
    rng = random.Random(13)
    finished = 0
    for _ in range(12):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                ctx = open_store(f"sqlite:///{db}", user="t", database_file=db)
                import_presentations(ctx, src)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.2, 4.0))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        finished += os.WIFEXITED(status)
        names = sorted(p.name for p in src_dir.iterdir())
        assert names in (["v.csv"], ["v.csv", "v.rejects.csv"]), names
        if "v.rejects.csv" in names:
            assert stat.S_IMODE((src_dir / "v.rejects.csv").stat().st_mode) == 0o600
            (src_dir / "v.rejects.csv").unlink()
    ctx = open_store(f"sqlite:///{db}", user="t", database_file=db)
    try:
        roll_back_interrupted(ctx)  # a killed import's committed batches (issue 13 jobs)
        assert presentations(ctx) in (0, 30_000 - len(range(0, 30_000, 7)))
    finally:
        ctx.close()

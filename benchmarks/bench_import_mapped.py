#!/usr/bin/env python3
"""Mapped-import benchmark: an ECDS-shaped extract through ``--map ecds-ed`` against the floor,
the native (unmapped) import of the same rows.

    python benchmarks/bench_import_mapped.py [--rows N] [--runs R] [--json FILE] [--out FILE]

Writes two CSV files holding the same presentations: the native format (ISO dates,
``bruise@other`` findings) and the shipped ECDS-shaped extract (``DD/MM/YYYY`` dates, arrival
time in its own column, SNOMED CT codes, sex codes, free text of which a fifth carries an
injury word and is flagged). Each run imports each file into a fresh SQLite database, the
two interleaved; the figure is the median rate. Target: the mapped import runs at least half
as fast as the native one (issue 14). Writes ``benchmarks/results-import-mapped.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage_app.domain.import_mapping import load_mapping  # noqa: E402
from triage_app.domain.resources import resource  # noqa: E402
from triage_app.services import synthetic  # noqa: E402
from triage_app.services.context import open_store  # noqa: E402
from triage_app.services.import_mapped import import_mapped  # noqa: E402
from triage_app.services.importing import COLUMNS, import_presentations  # noqa: E402

NOW = datetime(2026, 1, 15, 12, 0)
ED_HEADER = (
    "ATTENDANCE_IDENTIFIER", "NHS_NUMBER", "PERSON_FAMILY_NAME", "PERSON_GIVEN_NAME",
    "PERSON_BIRTH_DATE", "PERSON_STATED_GENDER_CODE", "POSTCODE_OF_USUAL_ADDRESS",
    "ARRIVAL_DATE", "ARRIVAL_TIME", "ORGANISATION_SITE_NAME", "CHIEF_COMPLAINT_CODE",
    "CHIEF_COMPLAINT_TEXT", "INJURY_MECHANISM_TEXT", "DIAGNOSIS_CODE", "DIAGNOSIS_TEXT",
    "INJURY_SITE_CODE", "INJURY_SITE_TEXT", "DISCHARGE_DESTINATION_TEXT",
)  # fmt: skip
TEXTS = ("fever and cough", "feeding poorly", "rash on chest", "vomiting", "bleeding from mouth")


def write_files(native: Path, mapped: Path, rows: int, seed: int = 14) -> None:
    """The same ``rows`` presentations, once in each format (a fifth of the children
    have no NHS number)."""
    rng = random.Random(seed)
    numbers = synthetic.synthetic_nhs_numbers(700_000)
    kids = []
    for k in range(max(rows // 5, 1)):
        dob = (rng.randint(1, 28), rng.randint(1, 11))
        kids.append((next(numbers) if k % 5 else "", rng.choice(synthetic.FAMILY_NAMES),
                     rng.choice(synthetic.GIVEN_NAMES), dob))  # fmt: skip
    with (
        native.open("w", newline="", encoding="utf-8") as fn,
        mapped.open("w", newline="", encoding="utf-8") as fm,
    ):
        wn, wm = csv.writer(fn), csv.writer(fm)
        wn.writerow(COLUMNS)
        wm.writerow(ED_HEADER)
        for i in range(rows):
            nhs, fam, giv, (d, m) = kids[i % len(kids)]
            day, hour, minute = rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
            coded = i % 3 == 0
            text = "" if coded else TEXTS[i % len(TEXTS)]
            wn.writerow([
                "ed-ecds", f"A{i}", nhs, fam, giv, f"2025-{m:02d}-{d:02d}", "female", "XX1 1AA",
                f"2025-12-{day:02d}T{hour:02d}:{minute:02d}", "ed", "Synthetic ED",
                "" if coded else f"diagnosis: {text}", "bruise@other" if coded else "",
                "Discharged home",
            ])  # fmt: skip
            wm.writerow([
                f"A{i}", nhs, fam, giv, f"{d:02d}/{m:02d}/2025", "2", "XX1 1AA",
                f"{day:02d}/12/2025", f"{hour:02d}:{minute:02d}", "Synthetic ED", "", "", "",
                "125667009" if coded else "", "Contusion" if coded else text, "", "",
                "Discharged home",
            ])  # fmt: skip


def run_once(work: Path, n: int, native: Path, mapped: Path, mapping) -> tuple[float, float, int]:
    rates = []
    for kind, path in (("native", native), ("mapped", mapped)):
        ctx = open_store(
            f"sqlite:///{work / f'{kind}-{n}.sqlite3'}", user="bench", clock=lambda: NOW
        )
        start = time.perf_counter()
        if kind == "native":
            summary = import_presentations(ctx, path)
            flagged = 0
        else:
            summary = import_mapped(ctx, path, mapping)
            flagged = summary.flagged
        elapsed = time.perf_counter() - start
        ctx.close()
        assert summary.rejected == 0, summary
        rates.append(summary.imported / elapsed)
    return rates[0], rates[1], flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", help="write the figures as JSON (for run_all.py)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-import-mapped.md"))
    args = parser.parse_args()
    mapping = load_mapping(resource("import-maps", "ecds-ed.toml"), "ecds-ed.toml")
    with tempfile.TemporaryDirectory(prefix="triage-bench-map-") as tmp:
        work = Path(tmp)
        native, mapped = work / "native.csv", work / "ed.csv"
        write_files(native, mapped, args.rows)
        native_rates, mapped_rates = [], []
        flagged = 0
        for n in range(args.runs):
            a, b, flagged = run_once(work, n, native, mapped, mapping)
            native_rates.append(a)
            mapped_rates.append(b)
    raw, app = statistics.median(native_rates), statistics.median(mapped_rates)
    ratio = app / raw
    met = ratio >= 0.5
    lines = [
        "# Mapped import benchmark",
        "",
        f"`python benchmarks/bench_import_mapped.py --rows {args.rows} --runs {args.runs}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
        f"{platform.python_version()}, {platform.machine()}. SQLite, a fresh database per "
        "import, the two imports interleaved; median of the runs.",
        "",
        "| import | rows | rows/s (median) | runs | vs native | target | result |",
        "|---|---:|---:|---|---:|---|---|",
        f"| `import presentations --map ecds-ed` (ECDS-shaped: UK dates, separate time, "
        f"SNOMED CT codes, sex codes, free text kept and {flagged:,} rows flagged) "
        f"| {args.rows:,} | {app:,.0f} | {', '.join(f'{r:,.0f}' for r in mapped_rates)} "
        f"| {ratio:.2f}x | >= 0.5x native | {'**met**' if met else '**NOT met**'} |",
        f"| floor: `import presentations` of the same rows in the native format | "
        f"{args.rows:,} | {raw:,.0f} | {', '.join(f'{r:,.0f}' for r in native_rates)} | 1.00x | | |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.out).write_text(text, encoding="utf-8")
    if args.json:
        data = {
            "rows": [
                {
                    "name": f"Mapped import: `--map ecds-ed`, {args.rows:,} ECDS-shaped rows",
                    "unit": "rows/s",
                    "median": app,
                    "p99": None,
                    "floor": "native `import presentations` of the same rows",
                    "floor_median": raw,
                    "floor_p99": None,
                    "ratio": ratio,
                    "target": ">= 0.5x the native import",
                    "met": met,
                }
            ]
        }
        Path(args.json).write_text(json.dumps(data), encoding="utf-8")


if __name__ == "__main__":
    main()

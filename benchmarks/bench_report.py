"""Render time of a full referral record (20 earlier presentations) against a bare floor.

The floor is a bare ReportLab document of the *same text*: every line of the rendered
record's text, one escaped Paragraph each, in the same embedded font, with no tables,
drawing, page furniture or shaping. Both run in the same process after a warm-up (fonts
registered, modules imported), so the comparison is of layout work only.

Targets (issue 5): median <= 1.5 x the floor, and <= 300 ms.

    python benchmarks/bench_report.py [--runs 30]

Prints a markdown table and writes benchmarks/results-report.md.
"""

import argparse
import io
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader
from reportlab.platypus import Paragraph, SimpleDocTemplate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage_app.report.fonts import fonts  # noqa: E402
from triage_app.report.referral_pdf import build_referral_pdf  # noqa: E402
from triage_app.report.samples import sample_record  # noqa: E402
from triage_app.report.styles import styles  # noqa: E402

RATIO_TARGET = 1.5
ABSOLUTE_TARGET_MS = 300.0


def bare_document(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, invariant=1)
    style = styles().body
    doc.build([Paragraph(escape(line), style) for line in lines])
    return buffer.getvalue()


def measure(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-report.md"))
    parser.add_argument("--json", help="also write the figures as JSON here (for scripts/bench)")
    args = parser.parse_args()

    fonts()
    record = sample_record(prior=20)
    pdf = build_referral_pdf(record)  # warm-up
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    lines = [line for line in text.splitlines() if line.strip()]
    bare_document(lines)  # warm-up

    # Interleave the two so that machine noise falls on both alike.
    record_ms: list[float] = []
    floor_ms: list[float] = []
    for _ in range(args.runs):
        record_ms += measure(lambda: build_referral_pdf(record), 1)
        floor_ms += measure(lambda: bare_document(lines), 1)

    rec_med, floor_med = statistics.median(record_ms), statistics.median(floor_ms)
    ratio = rec_med / floor_med
    ok = ratio <= RATIO_TARGET and rec_med <= ABSOLUTE_TARGET_MS
    table = "\n".join(
        [
            "| Render | median ms | p99 ms | pages |",
            "| --- | ---: | ---: | ---: |",
            f"| Referral record, 20 earlier presentations | {rec_med:.1f} | "
            f"{p99(record_ms):.1f} | {pages} |",
            f"| Bare ReportLab, same text ({len(lines)} lines) | {floor_med:.1f} | "
            f"{p99(floor_ms):.1f} | - |",
            "",
            f"Ratio (median): **{ratio:.2f}x** (target <= {RATIO_TARGET}x); "
            f"absolute median {rec_med:.0f} ms (target <= {ABSOLUTE_TARGET_MS:.0f} ms): "
            f"**{'PASS' if ok else 'FAIL'}**.",
        ]
    )
    print(table)
    header = (
        "# Referral record render benchmark\n\n"
        "`python benchmarks/bench_report.py` (in-process, after warm-up, "
        f"{args.runs} interleaved runs each). Python {platform.python_version()}, "
        f"{platform.machine()}, {platform.system()}.\n\n"
    )
    Path(args.out).write_text(header + table + "\n", encoding="utf-8")
    if args.json:
        rows = [
            {
                "name": f"PDF: referral record, 20 earlier presentations ({pages} pages)",
                "unit": "ms",
                "median": rec_med,
                "p99": p99(record_ms),
                "floor": f"bare ReportLab document of the same text ({len(lines)} lines)",
                "floor_median": floor_med,
                "floor_p99": p99(floor_ms),
                "ratio": ratio,
                "target": f"median <= {RATIO_TARGET}x floor and <= {ABSOLUTE_TARGET_MS:.0f} ms",
                "met": ok,
            }
        ]
        Path(args.json).write_text(json.dumps({"rows": rows, "runs": args.runs}), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

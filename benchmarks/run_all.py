#!/usr/bin/env python3
"""Run every benchmark against its floor and write benchmarks/RESULTS.md (``scripts/bench``).

Each benchmark runs in a fresh process (its own script, so each also refreshes its
``results-*.md``) and reports its figures as JSON; this script adds the machine, the ratios to
the floors, the targets and met / not met. For any target not met it appends a profile of
where the time or memory goes (cProfile for the in-process benchmarks, ``-X importtime`` for
start-up, tracemalloc for memory).

    python benchmarks/run_all.py [--quick] [--only engine,store,...] [--out FILE]

``--quick`` runs fewer repetitions (same database sizes) for a fast look; the published
RESULTS.md comes from a full run. Never run in CI, and never as a timed test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"

# name -> (script, full arguments, quick arguments)
BENCHMARKS = {
    "engine": ("bench_engine.py", ["--runs", "5000"], ["--runs", "1000"]),
    "store": (
        "bench_store.py",
        ["--children", "200000", "--presentations", "1000000", "--lookups", "1000"],
        ["--children", "200000", "--presentations", "1000000", "--lookups", "200"],
    ),
    "import-mapped": (
        "bench_import_mapped.py",
        ["--rows", "50000", "--runs", "3"],
        ["--rows", "20000", "--runs", "1"],
    ),
    "report": ("bench_report.py", ["--runs", "30"], ["--runs", "10"]),
    "startup": ("bench_startup.py", ["-n", "15"], ["-n", "5"]),
    "memory": ("bench_memory.py", ["--runs", "3"], ["--runs", "1"]),
    "audit": (
        "bench_audit.py",
        ["--children", "200000", "--presentations", "1000000", "--runs", "3"],
        ["--children", "20000", "--presentations", "100000", "--runs", "1"],
    ),
    "matching": (
        "bench_matching.py",
        ["--children", "20000", "--speed-children", "200000", "--lookups", "500"],
        ["--children", "20000", "--speed-children", "200000", "--lookups", "200"],
    ),
}


def machine() -> list[tuple[str, str]]:
    """The machine the figures belong to."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    ram = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M)
        ram = f"{int(found.group(1)) / 1048576:.1f} GiB" if found else ram
    os_name = f"{platform.system()} {platform.release()}"
    release = Path("/etc/os-release")
    if release.exists():
        found = re.search(r'^PRETTY_NAME="?([^"\n]+)', release.read_text(), re.M)
        os_name = f"{found.group(1)} ({os_name})" if found else os_name
    try:
        import PySide6

        qt = PySide6.__version__
    except ImportError:
        qt = "not installed"
    return [
        ("CPU", f"{cpu} ({platform.machine()})"),
        ("cores", str(os.cpu_count())),
        ("RAM", ram),
        ("OS", os_name),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite", sqlite3.sqlite_version),
        ("PySide6", qt),
        ("load average at start (1/5/15 min)", " / ".join(f"{x:.2f}" for x in os.getloadavg())),
    ]


def run_benchmark(name: str, quick: bool, work: Path, extra: list[str]) -> dict:
    """Run one benchmark script in a fresh process; return its JSON figures."""
    script, full, fast = BENCHMARKS[name]
    out_json = work / f"{name}.json"
    cmd = [sys.executable, str(BENCH / script), *(fast if quick else full), "--json", str(out_json)]
    cmd += extra
    if quick:  # a quick look must not overwrite the published per-benchmark results
        cmd += ["--out", str(work / f"results-{name}.md")]
    print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    seconds = time.perf_counter() - start
    load = {"load_before": load_before, "load_after": os.getloadavg()[0], "seconds": seconds}
    if not out_json.exists():
        return {"rows": [], "error": f"exit {proc.returncode}", **load}
    data = json.loads(out_json.read_text(encoding="utf-8"))
    data.update(load)
    return data


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "rows/s":
        return f"{value:,.0f}"
    if unit == "MB":
        return f"{value:.0f}"
    if unit == "s":
        return f"{value:.3f}"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def verdict(met: bool | None) -> str:
    return "" if met is None else ("**met**" if met else "**NOT met**")


def results_table(results: dict[str, dict]) -> list[str]:
    lines = [
        "| benchmark | unit | median | p99 | floor (median) | ratio to floor | target | result |",
        "|---|---|---:|---:|---|---:|---|---|",
    ]
    for name, data in results.items():
        if data.get("error"):
            lines.append(f"| {name} | | | | | | | failed to run ({data['error']}) |")
        for row in data["rows"]:
            unit = row["unit"]
            floor = f"{row['floor']}: {fmt(row['floor_median'], unit)}"
            lines.append(
                f"| {row['name']} | {unit} | {fmt(row['median'], unit)} | "
                f"{fmt(row['p99'], unit)} | {floor} | {row['ratio']:.2f}x | {row['target']} | "
                f"{verdict(row['met'])} |"
            )
    return lines


# --- profiles for targets not met ----------------------------------------------------------


def cprofile(fn, repeat: int) -> str:
    """Top functions by cumulative time over ``repeat`` calls of ``fn``."""
    fn()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        fn()
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("cumulative").print_stats(15)
    body = text.getvalue()
    return body[body.find("   ncalls") :].rstrip()


def profile_engine() -> str:
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))
    from bench_engine import make_case

    from triage_app import json_text
    from triage_app.domain.decode import decode_case
    from triage_app.domain.engine import Engine

    # what the benchmark times; compiled (mypyc) functions show as one call each, not inside
    engine, raw = Engine.load(), json.dumps(make_case()).encode("utf-8")
    return cprofile(lambda: json_text.dumps(engine.assess_json(decode_case(raw))), 500)


def profile_report() -> str:
    sys.path.insert(0, str(ROOT))
    from triage_app.report.referral_pdf import build_referral_pdf
    from triage_app.report.samples import sample_record

    record = sample_record(prior=20)
    return cprofile(lambda: build_referral_pdf(record), 5)


def profile_startup() -> str:
    """The slowest imports on the way to the first paint (``python -X importtime``)."""
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "from triage_app.ui.main_window import MainWindow\n"
        "from triage_app.ui.seams import WindowClock, ThreadPoolExecutor\n"
    )
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen"),
    )
    rows = []
    for line in proc.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if found:
            rows.append((int(found.group(2)), len(found.group(3)), found.group(4)))
    top = sorted((r for r in rows if r[1] <= 3), reverse=True)[:15]
    return "cumulative us | module (top-level imports before the first paint)\n" + "\n".join(
        f"{us:>12,} | {mod}" for us, _, mod in top
    )


def profile_store() -> str:
    return (
        "Run `python -m cProfile -s cumulative benchmarks/bench_store.py --lookups 200` for "
        "the breakdown; the repository-only row in results-store.md separates SQLAlchemy's "
        "share from the use-case's (audit event, engine flags)."
    )


def profile_memory(results: dict) -> str:
    detail = results.get("memory", {}).get("detail", {})
    by_file = detail.get("python_by_file_mb", {})
    lines = [
        f"Python objects at the dashboard (tracemalloc): {detail.get('python_heap_mb', 0):.1f} MB",
        *(f"  {name}: {mb:.1f} MB" for name, mb in by_file.items()),
    ]
    return "\n".join(lines)


def profile_import_mapped() -> str:
    return (
        "Run `python -m cProfile -s tottime benchmarks/bench_import_mapped.py --rows 20000 "
        "--runs 1`: the mapping's share is RowMapper.map and _complaint_and_findings; the "
        "rest is the native row import (quick_row, ImportJob) both runs share."
    )


PROFILERS = {
    "engine": lambda results: profile_engine(),
    "import-mapped": lambda results: profile_import_mapped(),
    "report": lambda results: profile_report(),
    "startup": lambda results: profile_startup(),
    "store": lambda results: profile_store(),
    "matching": lambda results: (
        "Run `python -m cProfile -s cumulative benchmarks/bench_matching.py --no-speed` for the "
        "scoring, or `--tune` for the figures at each threshold (tuning set)."
    ),
    "memory": profile_memory,
    "audit": lambda results: (
        "Run `python benchmarks/bench_audit.py --presentations 100000 --children 20000` and "
        "time each query of `ComplianceQueries` (store/compliance.py): one grouped pass over "
        "the period's assessments, one over its protocol presentations, the sentinel window "
        "over the presentation index, then each metric's failing rows."
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a quick look)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    parser.add_argument("--out", default=str(BENCH / "RESULTS.md"))
    parser.add_argument(
        "--memory-data-dir",
        help="reuse a demo folder that already holds the 1,000,000-presentation record",
    )
    parser.add_argument(
        "--profile-all", action="store_true", help="append the profiles even for targets met"
    )
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        for name in names:
            extra = []
            if name == "memory" and args.memory_data_dir:
                extra = ["--data-dir", args.memory_data_dir]
            results[name] = run_benchmark(name, args.quick, Path(tmp), extra)

    missed = [
        name
        for name, data in results.items()
        if data.get("error") or any(row["met"] is False for row in data["rows"])
    ]
    lines = [
        "# Benchmark results",
        "",
        f"`scripts/bench{' --quick' if args.quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{(time.perf_counter() - started) / 60:.1f} minutes in all. Each benchmark runs in a "
        "fresh process and measures its floor in the same run, interleaved where it can be. "
        "Details and method: `benchmarks/results-*.md` and each script's docstring.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine()),
        "",
        "## Figures",
        "",
        *results_table(results),
        "",
        "## Load while each benchmark ran",
        "",
        "The machine's 1-minute load average just before and just after each benchmark (2 "
        "cores: above 2, other work competed for the processor and absolute times are "
        "inflated; the ratios are measured against a floor in the same run).",
        "",
        "| benchmark | minutes | load before | load after |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {data['seconds'] / 60:.1f} | {data['load_before']:.2f} | "
            f"{data['load_after']:.2f} |"
            for name, data in results.items()
        ),
        "",
        "Ratio to floor: the median divided by the floor's median (for import, the app's rate "
        "over the raw rate, so higher is better). p99 for start-up and memory, with a handful "
        "of fresh processes, is the worst run.",
        "",
        "Floors: engine, the JSON parse and serialisation any decision needs; store, "
        "hand-written SQL (sqlcipher3) on the same encrypted file with the same key, on a "
        "connection kept open, timed interleaved: the repository read against the same SELECTs, "
        "the history use-case against the same work (those SELECTs, the candidate search, the "
        "hash-chained audit event and the commit); import, raw `executemany` of the same "
        "rows with no validation; mapped import, the native import of the same rows; PDF, a "
        "bare ReportLab document of the same text; start-up and memory, a bare PySide6 "
        "`QMainWindow`.",
        "",
    ]
    detail = results.get("memory", {}).get("detail")
    if detail:
        linecache_mb = detail["python_by_file_mb"].get("linecache.py", 0.0)
        lines += [
            f"Memory: the database is a {detail['database_mb']:.0f} MB encrypted (SQLCipher) "
            f"file; the dashboard showed {detail['cases_shown']} open cases. Resident memory "
            f"settles at {detail['rss_after_mb']:.0f} MB once the record is open; the peak is "
            "higher because unwrapping the database key runs Argon2id with a 64 MiB memory "
            "cost (freed at once: a sign-in alone lifts the peak by about 65 MB and the "
            f"settled figure by about 10 MB). Python objects: {detail['python_heap_mb']:.0f} MB, "
            f"{linecache_mb:.0f} MB of it `linecache`, filled by shiboken's import hook, which "
            "reads the source of every module imported after PySide6; the frozen bundle has no "
            "`.py` sources and does not pay it"
            + (
                f" (the bundle's peak: {detail['frozen_mb']:.0f} MB, settled "
                f"{detail['frozen_rss_after_mb']:.0f} MB)."
                if detail.get("frozen_mb")
                else "."
            ),
            "",
        ]
    quality = results.get("matching", {}).get("quality")
    if quality:
        checks = [
            ("right child at rank 1", quality["recall_at_1"], ">= 95 %", quality["recall_at_1"] >= 95),
            ("right child within the top 5", quality["recall_at_5"], ">= 99 %", quality["recall_at_5"] >= 99),
            ("a different child at rank 1", quality["wrong_at_1"], "<= 2 %", quality["wrong_at_1"] <= 2),
            ("a candidate shown for a child with no record", quality["no_record_shown"], "<= 10 %",
             quality["no_record_shown"] <= 10),
        ]  # fmt: skip
        lines += [
            "Record matching quality (`benchmarks/bench_matching.py`, held-back query set, no "
            f"postcode): {quality['children']:,} children, {quality['pairs']} query/target pairs "
            f"in the error classes of issue 18 and {quality['no_record']} children with no "
            "record; per-class figures in `benchmarks/results-matching.md`.",
            "",
            "| measure | result | target | result |",
            "|---|---:|---|---|",
            *(f"| {n} | {v:.1f} % | {t} | {verdict(ok)} |" for n, v, t, ok in checks),
            "",
        ]
        if not all(ok for *_, ok in checks) and "matching" not in missed:
            missed.append("matching")
    if not missed:
        lines.append("Every target is met.")
    else:
        lines.append(f"Targets not met: {', '.join(missed)} (profiles below).")
    for name in names if args.profile_all else missed:
        lines += ["", f"## Where the {'memory' if name == 'memory' else 'time'} goes: {name}", ""]
        try:
            lines += ["```", PROFILERS[name](results), "```"]
        except Exception as exc:  # a profile must not lose the results
            lines.append(f"(profile failed: {exc!r})")
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

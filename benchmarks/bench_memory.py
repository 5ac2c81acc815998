#!/usr/bin/env python3
"""Memory benchmark: peak resident memory of the desktop app with a large record open.

The app is started offscreen in a fresh process on a demonstration folder holding
1,000,000 presentations (200,000 children; ``triage-app demo generate``, an encrypted
SQLCipher database), exactly as ``triage-app`` starts: the window first, then the record
opened and the case dashboard filled. Its peak resident set (``ru_maxrss`` of the child from
``os.wait4``; the child's own ``VmHWM`` is printed as a cross-check) is compared, in the same
run, with a bare PySide6 ``QMainWindow`` (the floor: what any Qt window costs).

Then the same app process also looks up one child's history and shows the case (the record's
heaviest screen), reported separately; and, when ``dist/triage-app`` has been built
(``scripts/build``), the frozen program on the same record.

    python benchmarks/bench_memory.py [--data-dir DIR] [--runs 3] [--out FILE] [--json FILE]

Without ``--data-dir`` the database is generated into a temporary folder first (about a
minute). Target (issue 7): peak resident memory <= 300 MB with the dashboard shown.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 300.0

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1280, 820)
w.show()
QTimer.singleShot(50, app.quit)
app.exec()
"""

# run_gui exactly as app.run_desktop does, quitting once the dashboard is filled.
APP = """
import sys
from triage_app.ui.launch import run_gui
def factory():
    from triage_app.ui.service_adapters import StoreOpener
    return StoreOpener(sys.argv[1])
code = run_gui([], factory, quit_when_ready=True)
status = open("/proc/self/status").read()
for line in status.splitlines():
    if line.startswith(("VmHWM", "VmRSS")):
        print(line.replace(" ", "").replace("\\t", ""), flush=True)
sys.exit(code)
"""

# The dashboard, then one child's history lookup and the case screen (the heaviest path).
APP_CASE = """
import sys
from PySide6.QtWidgets import QApplication
from triage_app.ui.launch import _application
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor, WindowClock
from triage_app.ui.service_adapters import StoreOpener
from triage_app.services import history
app = _application([])
w = MainWindow(WindowClock(), ImmediateExecutor())
w.resize(1280, 820)
w.show()
w.open_with(StoreOpener(sys.argv[1]))
app.processEvents()
ctx = w.services.cases.ctx
nhs = sys.argv[2]
found = history.history_by_nhs_number(ctx, nhs)
rows = w.dashboard.model.rowCount()
if rows:
    w.dashboard._open_row(0)
app.processEvents()
print(f"cases {rows} history {len(found.entries) if found else 0}", flush=True)
for line in open("/proc/self/status").read().splitlines():
    if line.startswith(("VmHWM", "VmRSS")):
        print(line.replace(" ", "").replace("\\t", ""), flush=True)
"""

# Where the memory is: Python objects (tracemalloc) against the whole process.
PROFILE = """
import re, sys, tracemalloc
tracemalloc.start(1)
from triage_app.ui.launch import run_gui
def factory():
    from triage_app.ui.service_adapters import StoreOpener
    return StoreOpener(sys.argv[1])
run_gui([], factory, quit_when_ready=True)
current, peak = tracemalloc.get_traced_memory()
snap = tracemalloc.take_snapshot()
print(f"python-heap {current} {peak}")
for stat in snap.statistics("filename")[:6]:
    name = re.sub(r"^.*/(site-packages|python3[.][0-9]+|main)/", "", stat.traceback[0].filename)
    print("file-" + name.replace(" ", "_").replace(":", "_") + f" {stat.size}")
"""


def env() -> dict[str, str]:
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        LANG="C.UTF-8",
    )


def peak_rss(code: str, *args: str) -> tuple[float, dict[str, str]]:
    """Run ``code`` in a fresh process; return (peak RSS in MB from wait4, its stdout marks)."""
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=out, stderr=subprocess.PIPE, env=env()
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark process failed ({proc.returncode}):\n{err[-2000:]}")
    marks = {}
    for line in text.splitlines():
        key, _, value = line.partition(":") if ":" in line else line.partition(" ")
        marks[key.strip()] = value.strip()
    return usage.ru_maxrss / 1024.0, marks  # Linux: kilobytes


def generate(folder: Path, children: int, presentations: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "triage_app",
            "demo",
            "generate",
            "--children",
            str(children),
            "--presentations",
            str(presentations),
            "--data-dir",
            str(folder),
        ],
        env=env(),
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=1800,
    )
    # The demonstration families add open cases, so the dashboard has rows to show.
    subprocess.run(
        [sys.executable, "-m", "triage_app", "demo", "load", "--data-dir", str(folder)],
        env=env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def some_nhs_number(folder: Path) -> str:
    """An NHS number from the generated record (through the service, which decrypts)."""
    code = (
        "import sys\n"
        "from triage_app.app import open_record_store\n"
        "ctx = open_record_store(sys.argv[1])\n"
        "from sqlalchemy import text\n"
        "with ctx.session_factory() as s:\n"
        "    print(s.execute(text('SELECT nhs_number FROM child WHERE nhs_number IS NOT NULL "
        "ORDER BY id LIMIT 1 OFFSET 4321')).scalar())\n"
        "ctx.close()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


FROZEN = ROOT / "dist" / "triage-app" / "triage-app"


def status_kb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1])
    return 0.0


def frozen_peak(folder: Path) -> tuple[float, float] | None:
    """Peak and settled RSS (MB) of the built bundle showing the dashboard, if it is built.

    The bundle has no quit-when-ready switch, so its process (or the bootloader's child, when
    the bootloader forks) is watched until its peak has not moved for 4 s, then stopped.
    """
    if not FROZEN.exists():
        return None
    proc = subprocess.Popen(
        [str(FROZEN), "gui", "--data-dir", str(folder)],
        env=dict(env(), PYTHONPATH=""),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid = proc.pid
    try:
        last, steady_since, deadline = -1.0, time.monotonic(), time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.25)
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            kids = children.read_text().split() if children.exists() else []
            pid = int(kids[0]) if kids else proc.pid
            hwm = status_kb(pid, "VmHWM")
            if hwm != last:
                last, steady_since = hwm, time.monotonic()
            elif hwm > 20_000 and time.monotonic() - steady_since >= 4:
                return hwm / 1024.0, status_kb(pid, "VmRSS") / 1024.0
        return None
    finally:
        if pid != proc.pid:  # a forked child outlives a terminated bootloader: stop it too
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def kb(value: str) -> float:
    return float(value.lower().removesuffix("kb")) / 1024.0


def measure(folder: Path, runs: int) -> dict:
    peak_rss(BARE)  # warm the file cache for both
    peak_rss(APP, str(folder))
    bare, app, rss_after = [], [], []
    for _ in range(runs):
        bare.append(peak_rss(BARE)[0])
        mb, marks = peak_rss(APP, str(folder))
        app.append(mb)
        rss_after.append(kb(marks.get("VmRSS", "0kB")))
    nhs = some_nhs_number(folder)
    case_mb, case_marks = peak_rss(APP_CASE, str(folder), nhs)
    frozen = frozen_peak(folder)
    _, prof = peak_rss(PROFILE, str(folder))
    heap_now, heap_peak = (int(x) for x in prof["python-heap"].split())
    packages = {k[5:]: int(v) for k, v in prof.items() if k.startswith("file-")}
    return {
        "bare_mb": statistics.median(bare),
        "app_mb": statistics.median(app),
        "app_max_mb": max(app),
        "rss_after_mb": statistics.median(rss_after),
        "case_mb": case_mb,
        "cases_shown": int(case_marks.get("cases", "0 history 0").split()[0]),
        "python_heap_mb": heap_now / 1048576,
        "python_heap_peak_mb": heap_peak / 1048576,
        "python_by_file_mb": {k: v / 1048576 for k, v in packages.items()},
        "runs": runs,
        "frozen_mb": frozen[0] if frozen else None,
        "frozen_rss_after_mb": frozen[1] if frozen else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="a demo folder already holding the large record")
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--presentations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-memory.md"))
    parser.add_argument("--json", help="also write the figures as JSON here")
    args = parser.parse_args()

    made = None
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = Path(args.data_dir) if args.data_dir else Path(tmp) / "demo"
        if not (folder / "triage.sqlite3").exists():
            made = generate(folder, args.children, args.presentations)
        size_mb = (folder / "triage.sqlite3").stat().st_size / 1048576
        r = measure(folder, args.runs)
    r["database_mb"] = size_mb
    r["generated_s"] = made
    ratio = r["app_mb"] / r["bare_mb"]
    met = r["app_max_mb"] <= TARGET_MB
    by_pkg = ", ".join(f"{k} {v:.1f}" for k, v in list(r["python_by_file_mb"].items())[:6])
    table = "\n".join(
        [
            f"| process (offscreen, fresh; median of {args.runs}) | peak RSS (MB) | x bare "
            "| target | result |",
            "|---|---:|---:|---|---|",
            f"| bare PySide6 QMainWindow | {r['bare_mb']:.0f} | 1.00 | | |",
            f"| triage-app, 1,000,000-presentation record open, dashboard shown "
            f"| {r['app_mb']:.0f} (max {r['app_max_mb']:.0f}) | {ratio:.2f} | <= {TARGET_MB:.0f} MB "
            f"| {'met' if met else 'NOT met'} |",
            f"| the same, then one child's history looked up and a case opened "
            f"| {r['case_mb']:.0f} | {r['case_mb'] / r['bare_mb']:.2f} | | |",
        ]
    )
    if r["frozen_mb"]:
        table += (
            f"\n| the built bundle (dist/triage-app), same record, dashboard shown, one run "
            f"| {r['frozen_mb']:.0f} (settled {r['frozen_rss_after_mb']:.0f}) "
            f"| {r['frozen_mb'] / r['bare_mb']:.2f} | <= {TARGET_MB:.0f} MB "
            f"| {'met' if r['frozen_mb'] <= TARGET_MB else 'NOT met'} |"
        )
    notes = (
        f"Database: {size_mb:.0f} MB encrypted file. Resident memory after the dashboard: "
        f"{r['rss_after_mb']:.0f} MB. Python objects (tracemalloc) at that point: "
        f"{r['python_heap_mb']:.1f} MB (largest, by the file that allocated them, MB: {by_pkg}). "
        "The rest is Qt, the interpreter, shared libraries and the SQLite page cache. The peak "
        "is above the settled figure because the key is unwrapped with Argon2id (64 MiB "
        "memory cost, freed at once). linecache.py is shiboken's import hook reading the source "
        "of every module imported after PySide6 (`inspect.getsource`); a frozen bundle carries "
        "no .py sources, so it does not pay that."
    )
    report = (
        "# Memory benchmark\n\n"
        f"`python benchmarks/bench_memory.py` on {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
        "\n\n" + table + "\n\n" + notes + "\n"
    )
    print(report)
    Path(args.out).write_text(report, encoding="utf-8")
    if args.json:
        rows = [
            {
                "name": "Memory: peak RSS, 1,000,000-presentation record open, dashboard shown",
                "unit": "MB",
                "median": r["app_mb"],
                "p99": r["app_max_mb"],
                "floor": "bare PySide6 QMainWindow, peak RSS",
                "floor_median": r["bare_mb"],
                "floor_p99": None,
                "ratio": ratio,
                "target": f"<= {TARGET_MB:.0f} MB",
                "met": met,
            },
            {
                "name": "Memory: the same, then one child's history looked up and a case opened",
                "unit": "MB",
                "median": r["case_mb"],
                "p99": None,
                "floor": "bare PySide6 QMainWindow, peak RSS",
                "floor_median": r["bare_mb"],
                "floor_p99": None,
                "ratio": r["case_mb"] / r["bare_mb"],
                "target": "",
                "met": None,
            },
            *(
                [
                    {
                        "name": "Memory: the built bundle (dist/triage-app), same record and "
                        "dashboard, one run",
                        "unit": "MB",
                        "median": r["frozen_mb"],
                        "p99": None,
                        "floor": "bare PySide6 QMainWindow, peak RSS",
                        "floor_median": r["bare_mb"],
                        "floor_p99": None,
                        "ratio": r["frozen_mb"] / r["bare_mb"],
                        "target": f"<= {TARGET_MB:.0f} MB",
                        "met": r["frozen_mb"] <= TARGET_MB,
                    }
                ]
                if r["frozen_mb"]
                else []
            ),
        ]
        Path(args.json).write_text(json.dumps({"rows": rows, "detail": r}), encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

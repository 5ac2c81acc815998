"""Engine benchmark: time per decision with 20 prior presentations in the history.

The decision is what ``triage-app assess`` does per case: the safe decoding (``decode_case``:
size, repeated keys, depth and number checks), the decision, and the decision's JSON text as
the command prints it (``json_text.dumps``: indented, through orjson). The engine's hot modules
run compiled (mypyc) when ``scripts/compile_engine.py`` has built them from the current
sources, as ``scripts/bench`` does first; the table says which ran, and a second, fresh process
measures the same decisions on the Python sources (``TRIAGE_PURE_PYTHON=1``) for information.

Each timed decision gets a different case: ``--cases`` (500) distinct cases of the same shape
(3 findings, 20 earlier presentations; each with its own NHS number, names, dates and texts)
are serialised to bytes before timing, as the CLI reads them, and rotated; so nothing keyed on
one patient's input (a remembered NHS number check, a parsed date) can flatter the figure.

Run: ``python benchmarks/bench_engine.py [--runs N]``. Prints a markdown table and writes
``benchmarks/results-engine.md``. The floor, measured in the same run and interleaved with the
decisions (one decision, then the floor on the same case), is the unavoidable JSON work on the
same case (``json.loads`` of the input plus ``json.dumps`` of its decision), as it has been
since issue 2. Since the command writes its JSON with orjson, the same work with orjson
(``orjson.loads`` plus the decision's JSON text) is shown too, for information.
Target (issue 2): p99 under 1 ms per decision.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from triage_app import json_text  # noqa: E402
from triage_app.domain import compiled  # noqa: E402
from triage_app.domain.decode import decode_case  # noqa: E402
from triage_app.domain.engine import Engine  # noqa: E402

TARGET_P99_MS = 1.0
PURE_NOTE = "TRIAGE_PURE_PYTHON=1: what runs where nothing could be compiled (no C compiler)"


N_CASES = 500  # distinct cases, rotated: no input repeats within 500 decisions

GIVEN = ("Ada", "Bea", "Cai", "Dov", "Eli", "Fen", "Gus", "Hal", "Isa", "Jo", "Kit", "Lu", "Mo")
FAMILY = ("Example", "Sample", "Testcase", "Synthetic", "Fixture", "Specimen", "Dummy")
WORDS = ("red", "small", "faint", "blue", "round", "new", "old", "mark", "spot", "graze")


def nhs_number(serial: int) -> str:
    """A valid NHS number in the synthetic 999 range (Modulus 11), spaced as typed."""
    while True:
        digits = f"999{serial % 1_000_000:06d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = (11 - total % 11) % 11
        if check != 10:
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}{check}"
        serial += 7919


def make_case(n: int = 0, rng: random.Random | None = None) -> dict:
    """Case ``n``: the Child AF example's shape (3 findings, 20 earlier presentations), with
    its own NHS number, names, dates of birth and assessment, earlier dates and texts."""
    rng = rng or random.Random(n)
    case = json.loads(
        (ROOT / "examples" / "child-af-3-purple-mark.json").read_text(encoding="utf-8")
    )
    dob = date(2024, 1, 1) + timedelta(days=n)
    assessed = datetime.combine(
        dob + timedelta(days=rng.randint(30, 150)),
        clock_time(rng.randint(8, 20), rng.randint(0, 59)),
    )
    age = (assessed.date() - dob).days
    child = case["child"]
    child["nhs_number"] = nhs_number(100_000 + 37 * n)
    child["given_name"] = f"{GIVEN[n % len(GIVEN)]}{n}"
    child["family_name"] = f"{FAMILY[n % len(FAMILY)]}-{rng.randint(1, 99999)}"
    child["date_of_birth"] = dob.isoformat()
    case["assessed_at"] = assessed.isoformat(timespec="minutes")

    def words(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k)) + f" {rng.randint(1, 10**6)}"

    prior = []
    for i in range(20):
        prior.append(
            {
                "date": (dob + timedelta(days=rng.randint(0, age - 1))).isoformat(),
                "setting": ["gp", "ed", "health_visitor"][i % 3],
                "complaint": words(4),
                "findings": [
                    {
                        "kind": ["bruise", "mark", "bleeding"][i % 3],
                        "site": ["thigh", "cheek", "mouth"][i % 3],
                    }
                ],
                "outcome": words(3),
                "nim": [True, None, False][i % 3],
                "explanation": words(6),
            }
        )
    case["history"]["prior_presentations"] = prior
    finding = case["findings"][0]
    case["findings"] = [
        {**finding, "size_mm": rng.randint(3, 40), "description": words(5)} for _ in range(3)
    ]
    case["explanation"]["text"] = words(8)
    return case


def make_inputs(count: int) -> list[bytes]:
    """``count`` distinct cases, serialised to bytes before timing (as the CLI reads a file)."""
    rng = random.Random(11)
    return [json.dumps(make_case(n, rng), indent=2).encode("utf-8") for n in range(count)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(fns, inputs: list[bytes], runs: int) -> list[list[float]]:
    """Time each of ``fns`` on each input in turn, interleaved, rotating over inputs (ms)."""
    clock = time.perf_counter_ns
    for raw in inputs[:50]:
        for fn in fns:
            fn(raw)
    times: list[list[float]] = [[] for _ in fns]
    for i in range(runs):
        raw = inputs[i % len(inputs)]
        for fn, spent in zip(fns, times, strict=True):
            start = clock()
            fn(raw)
            spent.append((clock() - start) / 1e6)
    return times


def python_sources_run(runs: int, cases: int) -> dict | None:
    """The same benchmark in a fresh process that runs the engine's Python sources."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pure.json"
        env = {**os.environ, compiled.PURE_ENV: "1"}
        command = [sys.executable, __file__, "--runs", str(runs), "--cases", str(cases),
                   "--out", str(Path(tmp) / "pure.md"), "--json", str(out), "--no-pure"]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return None
        return json.loads(out.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--cases", type=int, default=N_CASES, help="distinct cases rotated")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-engine.md"))
    parser.add_argument("--json", help="also write the figures as JSON here (for scripts/bench)")
    parser.add_argument(
        "--no-pure", action="store_true", help="skip the run on the engine's Python sources"
    )
    args = parser.parse_args()

    engine = Engine.load()
    inputs = make_inputs(args.cases)
    decisions = {raw: engine.assess_json(json.loads(raw)) for raw in inputs}
    assert len(set(map(json.dumps, decisions.values()))) == len(inputs), "cases not distinct"

    def full(raw: bytes) -> None:
        # what `triage-app assess` does with a case: the safe decoding (repeated keys, depth,
        # number size checked), the decision, and the decision's JSON text as it prints it
        json_text.dumps(engine.assess_json(decode_case(raw)))

    def floor(raw: bytes) -> None:
        json.loads(raw)
        json.dumps(decisions[raw])

    def orjson_floor(raw: bytes) -> None:
        orjson.loads(raw)
        json_text.dumps(decisions[raw])

    engine_times, floor_times, orjson_times = measure(
        [full, floor, orjson_floor], inputs, args.runs
    )
    e50, e99 = statistics.median(engine_times), percentile(engine_times, 0.99)
    f50, f99 = statistics.median(floor_times), percentile(floor_times, 0.99)
    o50, o99 = statistics.median(orjson_times), percentile(orjson_times, 0.99)
    met = "met" if e99 < TARGET_P99_MS else "NOT met"
    mode = "compiled (mypyc)" if compiled.in_use() else "Python sources"
    pure = (
        None if args.no_pure or not compiled.in_use() else python_sources_run(args.runs, args.cases)
    )
    lines = [
        "| measurement | p50 (ms) | p99 (ms) | ratio to floor (p50) | target | result |",
        "|---|---|---|---|---|---|",
        f"| decision (decode + parse + decide + JSON text), 20 prior presentations, 3 findings; engine modules {mode} | {e50:.3f} | {e99:.3f} | {e50 / f50:.1f}x | p99 < {TARGET_P99_MS:.0f} ms | {met} |",
        f"| floor: json.loads(case) + json.dumps(decision) | {f50:.3f} | {f99:.3f} | 1.0x | | |",
        f"| information: orjson.loads(case) + the decision's JSON text (orjson, as the CLI writes it) | {o50:.3f} | {o99:.3f} | {e50 / o50:.1f}x (the decision to this) | | |",
    ]
    if pure:
        row = pure["rows"][0]
        lines.append(
            f"| information: the same decisions on the engine's Python sources ({PURE_NOTE}; a fresh process) | {row['median']:.3f} | {row['p99']:.3f} | {row['ratio']:.1f}x (to that run's floor, {row['floor_median']:.3f} ms) | | |"
        )
    table = "\n".join(lines)
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, {platform.system()}"
    report = f"# Engine benchmark\n\nMachine: {machine}. Runs: {args.runs} each after 50 warm-up runs.\n\n{table}\n"
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)
    if args.json:
        rows = [
            {
                "name": "Engine: one decision (decode + parse + decide + JSON text, as `assess` "
                f"does), 20 prior presentations; engine modules {mode}",
                "unit": "ms",
                "median": e50,
                "p99": e99,
                "floor": "json.loads(case) + json.dumps(decision)",
                "floor_median": f50,
                "floor_p99": f99,
                "ratio": e50 / f50,
                "target": f"p99 < {TARGET_P99_MS:.0f} ms",
                "met": e99 < TARGET_P99_MS,
            },
            {
                "name": "Engine: the same decisions, against orjson's parse and write "
                "(the library `assess` now writes its JSON with)",
                "unit": "ms",
                "median": e50,
                "p99": e99,
                "floor": "orjson.loads(case) + the decision's JSON text",
                "floor_median": o50,
                "floor_p99": o99,
                "ratio": e50 / o50,
                "target": "",
                "met": None,
            },
        ]
        if pure:
            row = pure["rows"][0]
            rows.append(
                {
                    "name": f"Engine: the same decisions on the Python sources ({PURE_NOTE})",
                    "unit": "ms",
                    "median": row["median"],
                    "p99": row["p99"],
                    "floor": "json.loads(case) + json.dumps(decision), in that run",
                    "floor_median": row["floor_median"],
                    "floor_p99": row["floor_p99"],
                    "ratio": row["ratio"],
                    "target": "",
                    "met": None,
                }
            )
        Path(args.json).write_text(json.dumps({"rows": rows, "runs": args.runs}), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Engine benchmark: time per decision with 20 prior presentations in the history.

The decision includes the CLI's safe decoding (``decode_case``: size, repeated keys, depth and
number checks), so it measures what ``triage-app assess`` does per case.

Each timed decision gets a different case: ``--cases`` (500) distinct cases of the same shape
(3 findings, 20 earlier presentations; each with its own NHS number, names, dates and texts)
are serialised to bytes before timing, as the CLI reads them, and rotated; so nothing keyed on
one patient's input (a remembered NHS number check, a parsed date) can flatter the figure.

Run: ``python benchmarks/bench_engine.py [--runs N]``. Prints a markdown table and writes
``benchmarks/results-engine.md``. The floor, measured in the same run and interleaved with the
decisions (one decision, then the floor on the same case), is the unavoidable JSON work on the
same case (``json.loads`` of the input plus ``json.dumps`` of its decision).
Target (issue 2): p99 under 1 ms per decision.
"""

import argparse
import json
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage_app.domain.decode import decode_case  # noqa: E402
from triage_app.domain.engine import Engine  # noqa: E402

TARGET_P99_MS = 1.0


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


def measure(full, floor, inputs: list[bytes], runs: int) -> tuple[list[float], list[float]]:
    """Time ``full`` and ``floor`` on each input in turn, interleaved, rotating over inputs."""
    clock = time.perf_counter_ns
    for raw in inputs[:50]:
        full(raw)
        floor(raw)
    full_times, floor_times = [], []
    for i in range(runs):
        raw = inputs[i % len(inputs)]
        start = clock()
        full(raw)
        full_times.append((clock() - start) / 1e6)
        start = clock()
        floor(raw)
        floor_times.append((clock() - start) / 1e6)
    return full_times, floor_times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--cases", type=int, default=N_CASES, help="distinct cases rotated")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-engine.md"))
    parser.add_argument("--json", help="also write the figures as JSON here (for scripts/bench)")
    args = parser.parse_args()

    engine = Engine.load()
    inputs = make_inputs(args.cases)
    decisions = {raw: engine.assess_json(json.loads(raw)) for raw in inputs}
    assert len(set(map(json.dumps, decisions.values()))) == len(inputs), "cases not distinct"

    def full(raw: bytes) -> None:
        # the CLI's safe decoding (repeated keys, depth, number size checked) is included
        json.dumps(engine.assess_json(decode_case(raw)))

    def floor(raw: bytes) -> None:
        json.loads(raw)
        json.dumps(decisions[raw])

    engine_times, floor_times = measure(full, floor, inputs, args.runs)
    e50, e99 = statistics.median(engine_times), percentile(engine_times, 0.99)
    f50, f99 = statistics.median(floor_times), percentile(floor_times, 0.99)
    met = "met" if e99 < TARGET_P99_MS else "NOT met"
    table = "\n".join(
        [
            "| measurement | p50 (ms) | p99 (ms) | ratio to floor (p50) | target | result |",
            "|---|---|---|---|---|---|",
            f"| decision (parse + decide + serialise), 20 prior presentations, 3 findings | {e50:.3f} | {e99:.3f} | {e50 / f50:.1f}x | p99 < {TARGET_P99_MS:.0f} ms | {met} |",
            f"| floor: json.loads(case) + json.dumps(decision) | {f50:.3f} | {f99:.3f} | 1.0x | | |",
        ]
    )
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, {platform.system()}"
    report = f"# Engine benchmark\n\nMachine: {machine}. Runs: {args.runs} each after 50 warm-up runs.\n\n{table}\n"
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)
    if args.json:
        rows = [
            {
                "name": "Engine: one decision (parse + decide + serialise), 20 prior presentations",
                "unit": "ms",
                "median": e50,
                "p99": e99,
                "floor": "json.loads(case) + json.dumps(decision)",
                "floor_median": f50,
                "floor_p99": f99,
                "ratio": e50 / f50,
                "target": f"p99 < {TARGET_P99_MS:.0f} ms",
                "met": e99 < TARGET_P99_MS,
            }
        ]
        Path(args.json).write_text(json.dumps({"rows": rows, "runs": args.runs}), encoding="utf-8")


if __name__ == "__main__":
    main()

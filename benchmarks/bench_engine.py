"""Engine benchmark: time per decision with 20 prior presentations in the history.

The decision includes the CLI's safe decoding (``decode_case``: size, repeated keys, depth and
number checks), so it measures what ``triage-app assess`` does per case.

Run: ``python benchmarks/bench_engine.py [--runs N]``. Prints a markdown table and writes
``benchmarks/results-engine.md``. The floor, measured in the same run, is the unavoidable JSON
work on the same case (``json.loads`` of the input plus ``json.dumps`` of the decision).
Target (issue 2): p99 under 1 ms per decision.
"""

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage_app.domain.decode import decode_case  # noqa: E402
from triage_app.domain.engine import Engine  # noqa: E402

TARGET_P99_MS = 1.0


def make_case() -> dict:
    case = json.loads(
        (ROOT / "examples" / "child-af-3-purple-mark.json").read_text(encoding="utf-8")
    )
    prior = []
    for i in range(20):
        prior.append(
            {
                "date": f"2025-08-{(i % 28) + 1:02d}",
                "setting": ["gp", "ed", "health_visitor"][i % 3],
                "complaint": "synthetic presentation",
                "findings": [
                    {
                        "kind": ["bruise", "mark", "bleeding"][i % 3],
                        "site": ["thigh", "cheek", "mouth"][i % 3],
                    }
                ],
                "outcome": "advice given",
                "nim": [True, None, False][i % 3],
                "explanation": "synthetic explanation given then",
            }
        )
    case["history"]["prior_presentations"] = prior
    case["findings"] = case["findings"] * 3
    return case


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(fn, runs: int) -> list[float]:
    for _ in range(50):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-engine.md"))
    parser.add_argument("--json", help="also write the figures as JSON here (for scripts/bench)")
    args = parser.parse_args()

    engine = Engine.load()
    case = make_case()
    text = json.dumps(case)
    decision = engine.assess_json(json.loads(text))

    def full():
        # the CLI's safe decoding (repeated keys, depth, number size checked) is included
        json.dumps(engine.assess_json(decode_case(text)))

    def floor():
        json.loads(text)
        json.dumps(decision)

    engine_times = measure(full, args.runs)
    floor_times = measure(floor, args.runs)
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

"""Old against new: the same generated cases decided by two checkouts must give the same bytes.

Run: ``python benchmarks/compare_engine.py --old /path/to/old/checkout [--cases N] [--seed S]``.
Each checkout decides, in its own process, the examples in ``examples/`` and ``N`` cases
mutated from them (wrong types, bad dates, NUL text, long histories, repeated keys, large
numbers, deep nesting, cut-off text): ``decode_case`` then ``assess_json`` then ``json.dumps``.
Every decision and every refusal (its problem lines) must be byte-for-byte the same; the
script exits 1 at the first difference. Used to check the engine's speed work.
"""

import argparse
import copy
import dataclasses
import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def finding_fields() -> list[str]:
    """A finding's fields, in the domain model's order, from this script's own checkout.

    Read, and then forgotten, before :func:`emit` imports the checkout it decides with: the
    old and the new checkout are given the same generated cases whatever their own models say.
    """
    sys.path.insert(0, str(ROOT))
    try:
        from triage_app.domain.model import Finding

        return [field.name for field in dataclasses.fields(Finding)]
    finally:
        sys.path.remove(str(ROOT))
        for name in [n for n in sys.modules if n.partition(".")[0] == "triage_app"]:
            del sys.modules[name]


FINDING_FIELDS = finding_fields()

KINDS = [
    "bruise",
    "mark",
    "bleeding",
    "bite",
    "burn",
    "scald",
    "petechiae",
    "frenulum_injury",
    "subconjunctival_haemorrhage",
    "suspected_fracture",
    "other_injury",
    "nonsense",
    None,
    3,
]
SITES = [
    "thigh",
    "cheek",
    "mouth",
    "ear",
    "neck",
    "torso",
    "other",
    "buttocks",
    "frenulum",
    "eye",
    "nope",
    None,
]
SETTINGS = ["gp", "ed", "health_visitor", "nope", None, 1]
VALS = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.5,
    1e20,
    10**16,
    "",
    "x",
    "a\x00b",
    "\ud800",
    [],
    {},
    "2025-08-01",
    "2025-02-30",
    "1899-01-01",
    "2025-08-01T10:00",
    "x" * 2001,
    "é",
]


def rand_prior(r, base_date):
    p = {"date": f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"}
    if r.random() < 0.1:
        p["date"] = r.choice(VALS)
    if r.random() < 0.7:
        p["setting"] = r.choice(SETTINGS)
    if r.random() < 0.7:
        p["findings"] = [
            {
                k: v
                for k, v in (
                    ("kind", r.choice(KINDS)),
                    ("site", r.choice(SITES)),
                    ("patterned", r.choice([None, True, False, 1])),
                )
                if r.random() < 0.8
            }
            for _ in range(r.randint(0, 3))
        ]
    for k in ("outcome", "complaint", "explanation"):
        if r.random() < 0.5:
            p[k] = r.choice(["advice", "synthetic", None, "a\x00", "é", 3])
    if r.random() < 0.7:
        p["nim"] = r.choice([True, None, False, 0])
    if r.random() < 0.03:
        p["bogus"] = 1
    if r.random() < 0.02:
        p = r.choice(VALS)
    return p


MOBILITY = [
    "rolls",
    "sits",
    "crawls",
    "walks",
    "cruises",
    "not_mobile_due_to_disability",
    "pulls_to_stand",
    "bottom_shuffles",
]
HISTORY = [
    "bleeding_disorder_known",
    "cp_is",
    "previous_nai_in_family",
    "mother_pregnant",
    "child_cp_plan",
]
HISTORY_VALUES = [
    True,
    False,
    None,
    "cpp",
    "lac",
    "none",
    "not_checked",
    "unavailable",
    "current",
    "past",
    "ucpp",
]
EXPLANATION = ["text", "changed_over_time", "delay_in_presentation", "given_at", "given_by"]


def set_one(r, case, part, fields, values):
    """Set one of ``fields`` of ``case[part]`` (added when missing) to one of ``values``."""
    section = case.setdefault(part, {})
    if isinstance(section, dict):
        section[r.choice(fields)] = r.choice(values)


def mutate(r, case):
    c = copy.deepcopy(case)
    n = r.randint(0, 4)
    for _ in range(n):
        m = r.randint(0, 9)
        if m == 0:
            c.setdefault("history", {})["prior_presentations"] = [
                rand_prior(r, None) for _ in range(r.randint(0, 25))
            ]
        elif m == 1:
            fs = c.get("findings") or []
            if isinstance(fs, list) and fs:
                f = r.choice(fs)
                if isinstance(f, dict):
                    f[r.choice([*FINDING_FIELDS, "zzz"])] = r.choice(
                        VALS + KINDS + SITES + ["left", "right"]
                    )
        elif m == 2:
            c["findings"] = (
                (c.get("findings") or []) * r.randint(0, 3)
                if isinstance(c.get("findings"), list)
                else c.get("findings")
            )
        elif m == 3:
            key = r.choice(["setting", "report_mode", "assessed_at", "profile", "schema"])
            c[key] = r.choice(
                VALS + SETTINGS + ["remote", "in_person", "nyscp", "2026-01-01T09:30"]
            )
        elif m == 4:
            set_one(r, c, "mobility", MOBILITY, [True, False, None, 1])
        elif m == 5:
            set_one(r, c, "history", HISTORY, HISTORY_VALUES)
        elif m == 6:
            c.setdefault("clinical_state", {})["emergency_signs"] = r.choice(
                [[], ["seizure"], ["unresponsive", "seizure"], ["bad"], None]
            )
        elif m == 7:
            set_one(r, c, "explanation", EXPLANATION, VALS)
        elif m == 8:
            ch = c.get("child")
            if isinstance(ch, dict):
                ch[r.choice(["date_of_birth", "sex", "nhs_number", "given_name"])] = r.choice(
                    VALS + ["2025-11-01", "2026-01-01", "female"]
                )
        elif m == 9:
            h = c.setdefault("history", {})
            if isinstance(h, dict):
                h["household_children"] = [
                    {
                        "cp_plan": r.choice(["current", "past", "none", None]),
                        "looked_after": r.choice([True, None]),
                    }
                ]
    return c


def text_mutate(r, text):
    m = r.randint(0, 14)
    if m == 0 and '"' in text:  # duplicate a key
        keys = [mm for mm in re.finditer(r'"([a-z_]+)": ', text)]
        if keys:
            k = r.choice(keys)
            val = r.choice(["1", "null", '"x"', "[]"])
            return text[: k.start()] + f'"{k.group(1)}": {val}, ' + text[k.start() :]
    if m == 1:
        return text.replace(
            '"date_of_birth": "',
            '"date_of_birth": '
            + r.choice(
                [
                    "1e400",
                    "12345678901234567",
                    "1234567890123456",
                    "-123456789012345",
                    "1.5",
                    "1E5",
                    "-0",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "0." + "1" * 70,
                ]
            )
            + ', "x": "',
            1,
        )
    if m == 2:
        d = r.randint(10, 20)
        return text.replace(
            '"clinical_state": {', '"clinical_state": ' + "[" * d + "]" * d + ', "cs": {', 1
        )
    if m == 3:
        return text[: r.randint(0, len(text))]
    if m == 4:
        return text.replace('"x"', '"x\\"y"')
    if m == 5:  # key with escapes equal to another key
        return text.replace('"schema": ', '"sch\\u0065ma": 1, "schema": ', 1)
    if m == 6:
        return (
            text.replace("{", '{"a\\"": 1, "a\\"": 2, ', 1)
            if r.random() < 0.5
            else text.replace("{", '{"a": 1, "b": 2, ', 1)
        )
    if m == 7:
        return text.replace(
            ": ",
            ": "
            + r.choice(
                ["123", "1.0e3", "99999999999999999999", "1e15", "999999999999999.9", "-1e16"]
            )
            + ', "qq": ',
            1,
        )
    if m == 8:
        return text.replace('"', '"{[', 3)
    return text


def emit(tree: str, count: int, seed: int) -> None:
    """Decide every generated case with the checkout at ``tree``; print one line each."""
    sys.path.insert(0, tree)
    from triage_app.domain.decode import decode_case
    from triage_app.domain.engine import Engine
    from triage_app.domain.errors import InputError

    engine = Engine.load()
    bases = [json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("*.json"))]
    r = random.Random(seed)
    texts = []
    for b in bases:
        texts.append(json.dumps(b))
        texts.append(json.dumps(b, indent=2))
    for _ in range(count):
        c = mutate(r, r.choice(bases))
        t = json.dumps(c, ensure_ascii=r.random() < 0.5, indent=r.choice([None, None, 1]))
        if r.random() < 0.35:
            t = text_mutate(r, t)
        texts.append(t)
    texts += FIXED
    for t in texts:
        raw = t.encode("utf-8", "surrogatepass") if r.random() < 0.3 else t
        try:
            out = json.dumps(engine.assess_json(decode_case(raw)))
        except InputError as e:
            out = "ERR " + json.dumps([(p.path, p.reason) for p in e.problems])
        except Exception as e:
            out = "EXC " + type(e).__name__ + " " + str(e)
        digest = hashlib.sha1(out.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        print(digest, out[:100].encode("ascii", "backslashreplace").decode())


FIXED = [
    "",
    "null",
    "[]",
    "{}",
    "1",
    '"x"',
    '{"a":1,"a":1}',
    '[{"a":1,"a":2}]',
    '{"a":{"b":1,"b":1}}',
    '{"":1,"":2}',
    "[1e400]",
    "[12345678901234567]",
    "[NaN]",
    '{"a":"\\"","a":1}',
    "[" * 20 + "]" * 20,
    "[" * 16 + "]" * 16,
    "[" * 17 + "]" * 17,
    "[1." + "0" * 70 + "]",
    "[-0.0]",
    "[1E400]",
    "[-1234567890123456]",
    "[123456789012345]",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", help="the checkout to compare against (its root folder)")
    parser.add_argument("--new", default=str(ROOT))
    parser.add_argument("--cases", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--emit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        emit(args.emit, args.cases, args.seed)
        return
    if not args.old:
        parser.error("--old is required")
    outputs = []
    for tree in (args.old, args.new):
        command = [sys.executable, __file__, "--emit", tree, "--cases", str(args.cases)]
        command += ["--seed", str(args.seed)]
        outputs.append(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    old, new = (o.splitlines() for o in outputs)
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        if a != b:
            print(f"case {i} differs:\n  old {a}\n  new {b}")
            sys.exit(1)
    decided = sum(1 for line in new if line[17:18] == "{")
    print(f"{len(new)} cases the same ({decided} decided, {len(new) - decided} refused)")


if __name__ == "__main__":
    main()

"""`triage-app assess` refuses every malformed document with exit 2 and one clear line.

From the security report (section 1): repeated keys were accepted (last one wins, so a second
`"findings": []` turned "immediate" into "none"); deep nesting, integers over 4,300 digits,
`size_mm: 10**400` and a year-9999 `assessed_at` ended in tracebacks; three million unknown
keys took 73 s and 2.4 GB. Each is checked here in-process through the CLI entry function,
a few as real processes, and a hypothesis fuzz test only ever sees exit 0 or 2.
"""

import io
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.cli import build_parser, run_assess
from triage_app.domain.decode import MAX_DEPTH, MAX_INPUT_BYTES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "child-af-3-purple-mark.json"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def assess(document: str | bytes, *args: str) -> tuple[int, str, list[str]]:
    """Run ``assess -`` in-process on a document; return (exit code, stdout, stderr lines)."""
    raw = document.encode("utf-8", "surrogatepass") if isinstance(document, str) else document
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_assess(build_parser().parse_args(["assess", "-", *args]), stdin, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue().splitlines()


def refused(document: str | bytes, expected: str) -> list[str]:
    code, out, lines = assess(document)
    assert code == 2, lines
    assert out == ""
    assert len(lines) == 1, lines
    assert expected in lines[0], lines
    return lines


def test_the_example_is_decided():
    code, out, _ = assess(EXAMPLE_TEXT)
    assert code == 0 and json.loads(out)["urgency"] == "immediate"


# --------------------------------------------------------------------------- repeated keys


@pytest.mark.parametrize(
    ("before", "after", "key"),
    [
        # a second, empty findings list after the real one (urgency fell to "none")
        ('"explanation": {', '"findings": [], "explanation": {', "findings"),
        # an emergency sign dropped by a second, empty list
        ('"emergency_signs": []', '"emergency_signs": ["seizure"], "emergency_signs": []', None),
        ('"walks": false', '"walks": false, "walks": true', "walks"),
        (
            '"date_of_birth": "2025-07-20"',
            '"date_of_birth": "2025-07-20", "date_of_birth": "2025-01-01"',
            "date_of_birth",
        ),  # fmt: skip
        ('"schema": "triage-assess/1"', '"schema": "triage-assess/1", "schema": "x"', "schema"),
    ],
)
def test_a_repeated_key_is_refused_before_any_decision(before, after, key):
    assert before in EXAMPLE_TEXT
    lines = refused(EXAMPLE_TEXT.replace(before, after, 1), "appears twice in one object")
    assert f"'{key or 'emergency_signs'}'" in lines[0]


# ----------------------------------------------------------------- depth, numbers, dates


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 2_000, 100_000])
def test_deep_nesting_is_refused(depth):
    refused("[" * depth + "]" * depth, f"nested more than {MAX_DEPTH} deep")


def test_deep_nesting_inside_findings_is_refused():
    deep = "[" * 500 + "]" * 500
    refused(EXAMPLE_TEXT.replace('"findings": [', f'"findings": [{deep}, ', 1), "nested")


@pytest.mark.parametrize(
    ("literal", "reason"),
    [
        ("9" * 16, "more than 15 digits"),
        ("9" * 5_000, "more than 15 digits"),
        ("1" + "0" * 400, "more than 15 digits"),  # size_mm: 10**400
        ("1e400", "too large"),
        ("-1e400", "too large"),
        ("1E+308", "too large"),
        ("1e15", "too large"),
        ("NaN", "not a number JSON allows"),
        ("Infinity", "not a number JSON allows"),
        ("-Infinity", "not a number JSON allows"),
    ],
)
def test_a_number_out_of_range_is_refused(literal, reason):
    assert '"size_mm": 12' in EXAMPLE_TEXT
    refused(EXAMPLE_TEXT.replace('"size_mm": 12', f'"size_mm": {literal}', 1), reason)


@pytest.mark.parametrize(("literal", "ok"), [("1e-400", True), ("-0.0", False), ("12.5", True)])
def test_small_and_ordinary_numbers_still_parse(literal, ok):
    code, out, lines = assess(EXAMPLE_TEXT.replace('"size_mm": 12', f'"size_mm": {literal}', 1))
    assert code == 0, lines  # -0.0 is zero millimetres: odd but harmless
    assert json.loads(out)["urgency"] == "immediate"


def test_a_huge_size_in_a_decoded_case_is_reported_not_crashed():
    """In-process callers pass decoded JSON: the message never formats the huge number."""
    from tests.domain.factories import case, decide
    from triage_app.domain.errors import InputError

    with pytest.raises(InputError, match="more than 15 digits"):
        decide(case(findings=[{"kind": "bruise", "site": "cheek", "size_mm": 10**400}]))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ('"assessed_at": "2025-08-31T10:40"', '"assessed_at": "9999-12-31T10:00"'),
        ('"assessed_at": "2025-08-31T10:40"', '"assessed_at": "0001-01-01T10:00"'),
        ('"date_of_birth": "2025-07-20"', '"date_of_birth": "1899-12-31"'),
    ],
)
def test_a_date_outside_1900_to_2199_is_refused(field, value):
    assert field in EXAMPLE_TEXT, field
    code, out, lines = assess(EXAMPLE_TEXT.replace(field, value, 1))
    assert code == 2 and out == ""
    assert any("must be in the years 1900 to 2199" in line for line in lines), lines


def test_year_9999_with_a_consistent_birth_date_is_refused():
    data = json.loads(EXAMPLE_TEXT)
    data["assessed_at"] = "9999-12-25T10:00"
    data["child"]["date_of_birth"] = "9999-11-01"
    data["history"] = {}
    data["explanation"] = {}
    code, out, lines = assess(json.dumps(data))
    assert code == 2 and out == "" and lines
    assert all("1900 to 2199" in line for line in lines), lines


# ----------------------------------------------------------------------------- input size


def test_a_document_over_the_size_limit_is_refused():
    padding = " " * (MAX_INPUT_BYTES + 1 - len(EXAMPLE_TEXT.encode()))
    refused(EXAMPLE_TEXT + padding, f"larger than the input limit of {MAX_INPUT_BYTES} bytes")


def test_three_million_unknown_keys_are_refused_fast_with_bounded_memory(tmp_path):
    path = tmp_path / "keys.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("{")
        handle.write(",".join(f'"k{i}":0' for i in range(3_000_000)))
        handle.write("}")
    assert path.stat().st_size > 8 * MAX_INPUT_BYTES
    stdout, stderr = io.StringIO(), io.StringIO()
    tracemalloc.start()
    start = time.perf_counter()
    code = run_assess(build_parser().parse_args(["assess", str(path)]), None, stdout, stderr)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code == 2 and stdout.getvalue() == ""
    assert stderr.getvalue().count("\n") == 1
    assert elapsed < 2.0
    assert peak < 3 * MAX_INPUT_BYTES  # read at most the limit, never the whole file


def test_many_unknown_keys_within_the_limit_give_a_bounded_list():
    data = json.loads(EXAMPLE_TEXT)
    data.update({f"k{i}": 0 for i in range(50_000)})
    code, out, lines = assess(json.dumps(data))
    assert code == 2 and out == ""
    assert 10 <= len(lines) <= 51
    assert "49990 more unknown fields" in "\n".join(lines)


# --------------------------------------------------------------------- encodings (unchanged)


@pytest.mark.parametrize("key", ["\f", "\v", "\x1c", "\x85", "\u2028", "a\nb", "\r"])
def test_an_unknown_key_with_a_line_break_is_reported_on_one_line(key):
    """Found by the fuzz test: a key of one form feed split the problem over two lines."""
    data = json.loads(EXAMPLE_TEXT)
    data[key] = None
    code, out, lines = assess(json.dumps(data))
    assert code == 2 and out == ""
    assert len(lines) == 1 and "unknown field" in lines[0]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xef\xbb\xbf" + EXAMPLE_TEXT.encode(), "not valid JSON"),  # UTF-8 BOM
        (b'{"schema": "\xff"}', "not UTF-8 text"),
        (b"", "not valid JSON"),
    ],
)
def test_bad_encodings_are_one_line(raw, reason):
    refused(raw, reason)


# ------------------------------------------------------------------------------- the fuzz

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30).map(str)
    | st.sampled_from(["1e400", "-1e999", "NaN", "Infinity", "1" * 400, "0.5", "-0.0"])
    | st.text(max_size=12).map(json.dumps)
    | st.sampled_from(['"9999-12-31T10:00"', '"2025-07-20"', '"0001-01-01"'])
)


def _leaf(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


keys = st.sampled_from(
    ["schema", "findings", "child", "date_of_birth", "assessed_at", "kind", "site", "size_mm"]
) | st.text(max_size=6)


def _obj(pairs) -> str:
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in pairs) + "}"


documents = st.recursive(
    scalars.map(_leaf),
    lambda inner: (
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
        # pairs, so that the same key can appear twice in one object
        | st.lists(st.tuples(keys, inner), max_size=5).map(_obj)
    ),
    max_leaves=25,
)


@st.composite
def mutated_examples(draw):
    """The example with one hostile change: a repeated key, deep nesting or a huge number."""
    text = EXAMPLE_TEXT
    choice = draw(st.sampled_from(["dup", "deep", "number", "date"]))
    if choice == "dup":
        key = draw(st.sampled_from(['"findings": [', '"child": {', '"history": {', '"walks": ']))
        value = draw(documents)
        return text.replace(key, f"{key[:-2].rstrip(':').rstrip()}: {value}, {key}", 1)
    if choice == "deep":
        n = draw(st.integers(1, 3000))
        return text.replace('"findings": [', '"findings": [' + "[" * n + "]" * n + ",", 1)
    if choice == "number":
        literal = draw(scalars.map(_leaf))
        return text.replace('"size_mm": 12', f'"size_mm": {literal}', 1)
    year = draw(st.integers(0, 9999))
    return text.replace('"assessed_at": "2025-08-31', f'"assessed_at": "{year:04d}-08-31', 1)


def _exit_0_or_2(document: str) -> None:
    code, out, lines = assess(document)
    assert code in (0, 2)
    if code == 0:
        assert json.loads(out)["schema"] == "triage-decision/1"
    else:
        assert out == "" and lines and all(line.strip() for line in lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_fuzz_arbitrary_json_only_ever_exits_0_or_2(document):
    _exit_0_or_2(document)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_examples())
def test_fuzz_hostile_changes_to_a_valid_case_only_ever_exit_0_or_2(document):
    _exit_0_or_2(document)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_arbitrary_bytes_only_ever_exit_0_or_2(raw):
    code, out, lines = assess(raw)
    assert code in (0, 2)


# ------------------------------------------------------------------- a few real processes


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "triage_app", "assess", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (EXAMPLE_TEXT.replace('"explanation": {', '"findings": [], "explanation": {', 1), "twice"),
        ("[" * 100_000 + "]" * 100_000, "nested"),
        (EXAMPLE_TEXT.replace('"size_mm": 12', '"size_mm": ' + "9" * 5000, 1), "digits"),
        (
            EXAMPLE_TEXT.replace('"assessed_at": "2025-08-31', '"assessed_at": "9999-08-31', 1),
            "1900",
        ),
    ],
    ids=["repeated findings", "deep nesting", "5000 digits", "year 9999"],
)
def test_real_process_exits_2_with_no_traceback(document, expected):
    result = run("-", stdin=document)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert expected in result.stderr

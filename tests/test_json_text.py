"""Every command's JSON text is written by one function (orjson), as ``json.dumps`` wrote it.

``json_text.dumps`` replaced ``json.dumps(data, indent=2, ensure_ascii=False)`` in the command
line (issue 11: writing a decision that way took longer than deciding it). The text must stay
the same for anything the commands print: the examples' decisions and generated documents with
every kind of text; numbers below 0.0001 are the one documented difference (the same value).
"""

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from triage_app import json_text
from triage_app.domain.decode import decode_case
from triage_app.domain.engine import Engine

ROOT = Path(__file__).resolve().parents[1]

TEXT = st.text(st.characters(exclude_categories=["Cs"]))  # any character but a lone surrogate
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-4)
    | TEXT
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


@given(DOCUMENTS)
def test_the_text_is_what_json_dumps_wrote(data):
    assert json_text.dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_number_reads_back_as_the_same_value(number):
    assert json.loads(json_text.dumps({"size_mm": number})) == {"size_mm": number}


def test_the_examples_decisions_are_written_as_before():
    engine = Engine.load()
    for path in sorted((ROOT / "examples").glob("*.json")):
        decision = engine.assess_json(decode_case(path.read_bytes()))
        assert json_text.dumps(decision) == json.dumps(decision, indent=2, ensure_ascii=False)

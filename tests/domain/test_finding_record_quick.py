"""FindingRecord.from_json's quick path gives exactly the record the constructor gives.

The history read builds one finding record per stored finding, so from_json sets the fields
in one step instead of through the frozen dataclass's __init__; these tests hold it to the
constructor: equal, the same hash, the same field order (to_json and the PDF follow it), and
the same refusal when the finding has no kind.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain.records import FindingRecord

_TEXT = st.one_of(st.none(), st.text(max_size=12))
_VALUES = {
    "kind": st.text(max_size=12),
    "site": st.text(max_size=12),
    "side": _TEXT,
    "size_mm": st.one_of(st.none(), st.floats(allow_nan=False), st.integers()),
    "patterned": st.one_of(st.none(), st.booleans()),
    "description": _TEXT,
}


@st.composite
def finding_json(draw: st.DrawFn) -> dict[str, object]:
    names = draw(st.lists(st.sampled_from(sorted(_VALUES)), unique=True))
    if "kind" not in names:
        names.append("kind")
    data = {name: draw(_VALUES[name]) for name in draw(st.permutations(names))}
    return data


@given(finding_json())
def test_from_json_is_the_constructors_record(data: dict[str, object]) -> None:
    before = dict(data)
    quick = FindingRecord.from_json(data)
    made = FindingRecord(**data)  # type: ignore[arg-type]
    assert quick == made
    assert hash(quick) == hash(made)
    assert list(quick.__dict__) == [f.name for f in dataclasses.fields(FindingRecord)]
    assert quick.__dict__ == made.__dict__
    assert quick.to_json() == made.to_json()
    assert data == before  # the decoded JSON is left as it was
    assert quick.__dict__ is not data
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.kind = "changed"  # type: ignore[misc]


@given(finding_json(), st.dictionaries(st.text(min_size=1, max_size=8), st.integers(), max_size=3))
def test_keys_that_are_not_fields_are_left_out(
    data: dict[str, object], extra: dict[str, int]
) -> None:
    fields = {f.name for f in dataclasses.fields(FindingRecord)}
    merged = {**{k: v for k, v in extra.items() if k not in fields}, **data}
    assert FindingRecord.from_json(merged) == FindingRecord(**data)  # type: ignore[arg-type]


def test_a_finding_without_a_kind_is_refused_as_the_constructor_refuses_it() -> None:
    with pytest.raises(TypeError, match="kind"):
        FindingRecord.from_json({"site": "cheek"})
    with pytest.raises(TypeError, match="kind"):
        FindingRecord.from_json({"site": "cheek", "colour": "blue"})

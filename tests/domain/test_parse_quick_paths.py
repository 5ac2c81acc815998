"""The quick readers for findings and earlier presentations agree with the full reader.

For speed, a well-formed finding or earlier presentation is read by a quick path that builds
no problem paths; anything else goes back to the full reader, which names each problem. The
invariant: whenever the quick path returns a value, the full reader returns the same value
and finds no problem; so the quick path can never accept what the full reader refuses, nor
read a value differently.
"""

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.domain import parse
from triage_app.domain.model import Child
from triage_app.domain.vocab import FindingKind, Setting, Side, Site

ASSESSED_AT = datetime(2025, 9, 3, 10, 40)
CHILD = Child(date_of_birth=date(2025, 7, 20))

# Values of every shape the JSON (or an in-process caller) can give, valid and not.
odd_values = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        1,
        -1,
        1.5,
        1000,
        1001,
        10**400,
        float("nan"),
        float("inf"),
        "",
        "x",
        "a\x00b",
        "\ud800",
        "é",
        "line\nbreak",
        "2025-08-01",
        "2025-07-19",
        "2025-09-04",
        "2025-02-30",
        "20250801",
        "2025-W31-1",
        "2025-08-01\n",
        "９０２５-08-01",
        [],
        {},
        ["bruise"],
        "y" * 2_001,
        Setting.GP,
        FindingKind.BRUISE,
    ]
)


def vocab(kind) -> st.SearchStrategy:
    return st.sampled_from([m.value for m in kind])


def field(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly a valid value, sometimes a value of any other shape."""
    return st.one_of(valid, valid, valid, odd_values)


def obj(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """An object with any of these fields (now and then an unknown one), or not an object."""
    optional = {k: field(v) for k, v in fields.items()}
    return st.one_of(
        st.fixed_dictionaries({}, optional=optional),
        st.fixed_dictionaries({}, optional=optional),
        st.fixed_dictionaries({}, optional={**optional, "bogus": st.just(1)}),
        odd_values,
    )


dates = st.sampled_from(["2025-07-19", "2025-07-20", "2025-08-01", "2025-09-03", "2025-09-04"])
texts = st.text(max_size=20) | st.sampled_from(["x" * 2_000, "x" * 2_001, "é", "a\x00"])
prior_findings = obj(
    {"kind": vocab(FindingKind), "site": vocab(Site), "patterned": st.none() | st.booleans()}
)
priors = obj(
    {
        "date": dates,
        "setting": vocab(Setting),
        "findings": st.lists(prior_findings, max_size=3),
        "outcome": texts,
        "complaint": texts,
        "nim": st.none() | st.booleans(),
        "explanation": texts,
    }
)
findings = obj(
    {
        "kind": vocab(FindingKind),
        "site": vocab(Site),
        "side": vocab(Side),
        "size_mm": st.integers(-2, 1_002) | st.floats(-1, 1_001) | st.sampled_from([0, 1000]),
        "patterned": st.none() | st.booleans(),
        "description": texts,
        "count": st.integers(-1, 1_002) | st.sampled_from([0, 1, 1000, 1001]),
        "exception": st.none() | st.just({"type": "birthmark"}),
    }
)


@settings(max_examples=500, deadline=None)
@given(priors)
def test_the_quick_reader_of_an_earlier_presentation_agrees_with_the_full_reader(raw):
    quick = parse._prior_quick(raw, ASSESSED_AT.date(), CHILD.date_of_birth)
    reader = parse._Reader()
    full = parse._prior(reader, raw, "p", ASSESSED_AT, CHILD)
    if quick is not None:
        assert reader.problems == []
        assert full == quick


@settings(max_examples=500, deadline=None)
@given(findings)
def test_the_quick_reader_of_a_finding_agrees_with_the_full_reader(raw):
    quick = parse._finding_quick(raw)
    reader = parse._Reader()
    full = parse._finding(reader, raw, "f", ASSESSED_AT, CHILD)
    if quick is not None:
        assert reader.problems == []
        assert full == quick
        assert [type(v) for v in vars(full).values()] == [type(v) for v in vars(quick).values()]


def test_the_quick_readers_take_the_common_case():
    """Not a correctness test: the quick paths are actually used for well-formed input."""
    prior = {
        "date": "2025-08-01",
        "setting": "gp",
        "findings": [{"kind": "bruise", "site": "cheek", "patterned": None}],
        "outcome": "advice given",
        "complaint": "a mark",
        "nim": True,
        "explanation": "fell",
    }
    assert parse._prior_quick(prior, ASSESSED_AT.date(), CHILD.date_of_birth) is not None
    finding = {"kind": "bruise", "site": "cheek", "size_mm": 12, "description": "purple"}
    assert parse._finding_quick(finding) is not None


children = obj(
    {
        "date_of_birth": st.sampled_from(
            ["2025-07-20", "2007-09-02", "2007-09-04", "2025-09-04", "1899-12-31", "2025-7-20"]
        ),
        "nhs_number": st.sampled_from(
            ["999 000 0018", "9990000018", "9990000019", "  ", "", "999\t000 0018", "x"]
        )
        | texts,
        "given_name": texts,
        "family_name": texts,
        "sex": st.sampled_from(["female", "male", "unknown", "indeterminate", "f"]),
    }
)


@settings(max_examples=500, deadline=None)
@given(children)
def test_the_quick_reader_of_the_child_agrees_with_the_full_reader(raw):
    quick = parse._child_quick(raw, ASSESSED_AT)
    reader = parse._Reader()
    full = parse._child(reader, raw, ASSESSED_AT)
    if quick is not None:
        assert reader.problems == []
        assert full == quick
        assert [type(v) for v in vars(full).values()] == [type(v) for v in vars(quick).values()]


def test_the_quick_reader_takes_a_usual_child():
    """Not a correctness test: the quick path is actually used for a well-formed child."""
    raw = {"date_of_birth": "2025-07-20", "nhs_number": "999 000 0018", "given_name": "AF"}
    assert parse._child_quick(raw, ASSESSED_AT) is not None

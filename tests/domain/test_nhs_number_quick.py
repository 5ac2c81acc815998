"""The quick NHS number check must answer exactly as the ``nhs-number`` package's checks.

A number in a range where only the check digit matters (England, Wales and the Isle of Man,
Northern Ireland, the synthetic 999 range) is checked by the domain's own Modulus 11
arithmetic; everything else, and every refusal, goes to the package. Every answer (valid, or
the reason it is not) must be the same as the package's for any text.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.domain import nhs_number
from triage_app.domain.nhs_number import _problem, _problem_reference

# Ten digits from every part of the number space: each range's edges and its inside.
EDGES = [
    0,
    10,
    99_999_999,
    100_000_000,
    3_112_999_999,
    3_113_000_000,
    3_199_999_999,
    3_200_000_000,
    3_999_999_999,
    4_000_000_000,
    4_999_999_999,
    5_000_000_000,
    5_999_999_999,
    6_000_000_000,
    7_999_999_999,
    8_000_000_000,
    8_999_999_999,
    9_000_000_000,
    9_999_999_999,
]
nine_digits = st.integers(0, 999_999_999).map(lambda n: f"{n:09d}")
numbers = st.one_of(
    nine_digits.map(lambda d: d + str(_check(d) % 10)),  # mostly right check digits
    st.integers(0, 9_999_999_999).map(lambda n: f"{n:010d}"),
    st.sampled_from(EDGES).flatmap(
        lambda e: st.integers(-5, 5).map(lambda k: f"{min(max(e + k, 0), 9_999_999_999):010d}")
    ),
)
texts = st.one_of(
    numbers,
    st.text(alphabet="0123456789 ٠١٢३x", max_size=12),
    st.sampled_from(["", "999 000 0018", "9990000018", "99900000181", "٩٩٩٠٠٠٠٠١٨"]),
)


def _check(nine: str) -> int:
    return (11 - sum(int(c) * (10 - i) for i, c in enumerate(nine)) % 11) % 11


@settings(max_examples=1000, deadline=None)
@given(texts)
def test_the_quick_check_answers_as_the_package(text):
    assert _problem(text) == _problem_reference(text)
    assert nhs_number.problem(text) == _problem_reference(nhs_number.normalise(text))


def test_each_answer_is_the_one_the_package_gives():
    """Each kind of answer, valid ones from the quick path and the package's path alike."""
    assert _problem("9990000018") is None  # synthetic range (quick path)
    assert _problem("4000000004") is None  # England, Wales and the Isle of Man (quick path)
    assert _problem("3200000015") is None  # Northern Ireland (quick path)
    assert _problem("0101990006") is None  # Scotland: a CHI date, checked by the package
    assert _problem("9990000019") == "fails the Modulus 11 check digit"
    assert _problem("3102990002") == (
        "is not a possible NHS number (impossible date in the Scottish CHI range)"
    )
    assert _problem("5000000005") == "is outside the ranges issued for NHS numbers"
    assert _problem("3113000009") == "is outside the ranges issued for NHS numbers"
    assert _problem("99900 0018") == "must be 10 digits (spaces allowed)"

"""The run chart's month labels: the last month is never cut off, and labels never overlap.

Found walking the Audit screen: with twelve months the last label ("2025-12") was drawn half
outside the chart, and a long period crowded the labels into each other.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.ui.audit_view import label_left, month_label_indices


@pytest.mark.parametrize(
    ("n", "spacing", "width", "expected"),
    [
        (0, 50.0, 55.0, []),
        (1, 600.0, 55.0, [0]),
        (12, 59.0, 55.0, list(range(12))),  # a year on a wide chart: every month
        (24, 28.0, 55.0, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 23]),  # 22 gives way to 23
        (25, 28.0, 55.0, list(range(0, 25, 2))),  # the last falls on the step
        (13, 20.0, 55.0, [0, 3, 6, 9, 12]),
        (14, 20.0, 55.0, [0, 3, 6, 9, 13]),  # 12 gives way to the last month
    ],
)
def test_the_months_labelled(n, spacing, width, expected):
    assert month_label_indices(n, spacing, width) == expected


@given(
    st.integers(2, 72),
    st.floats(4.0, 300.0),
    st.floats(20.0, 90.0),
)
def test_the_first_and_last_months_are_labelled_and_labels_never_touch(n, spacing, width):
    chosen = month_label_indices(n, spacing, width)
    assert chosen[0] == 0 and chosen[-1] == n - 1
    if len(chosen) > 2 or (n - 1) * spacing >= width:
        gaps = [(b - a) * spacing for a, b in zip(chosen, chosen[1:], strict=False)]
        assert min(gaps) >= width


@pytest.mark.parametrize(
    ("centre", "expected"),
    [
        (300.0, 270.0),  # in the middle: centred
        (690.0, 640.0),  # the last month at the right edge: moved in, whole
        (10.0, 0.0),  # at the left edge: moved in
    ],
)
def test_a_label_stays_inside_the_chart(centre, expected):
    assert label_left(centre, 60.0, 700.0) == expected

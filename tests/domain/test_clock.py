"""The one clock interface: what a factory accepts, and the window's minute view of it."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.domain.clock import FixedClock, FunctionClock, MinuteClock, SystemClock, as_clock

AT = datetime(2026, 3, 4, 10, 30, 45, 123456)


class _CallableWithNowValue:
    """A test clock of the older shape: called for the time, ``now`` is a value."""

    def __init__(self) -> None:
        self.now = AT

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize(
    ("given_clock", "expected"),
    [
        (FixedClock(AT), AT),  # a Clock is used as it is
        (lambda: AT, AT),  # a function giving the time
        (FixedClock(AT).now, AT),  # a bound ``now``
        (_CallableWithNowValue(), AT),  # callable; its ``now`` is not a method
    ],
)
def test_a_factory_accepts_a_clock_or_a_function_giving_the_time(given_clock, expected):
    assert as_clock(given_clock).now() == expected


def test_a_clock_is_used_as_it_is_and_none_is_the_system_clock():
    fixed = FixedClock(AT)
    assert as_clock(fixed) is fixed
    assert isinstance(as_clock(lambda: AT), FunctionClock)
    before = datetime.now()
    now = as_clock(None).now()
    assert isinstance(as_clock(None), SystemClock)
    assert before <= now <= datetime.now()


def test_something_that_tells_no_time_is_refused():
    with pytest.raises(TypeError):
        as_clock(42)  # type: ignore[arg-type]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy machine
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2199, 12, 31)))
def test_the_minute_clock_drops_seconds_and_never_moves_later(at):
    shown = MinuteClock(FixedClock(at)).now()
    assert shown.second == 0 and shown.microsecond == 0
    assert shown <= at < shown + timedelta(minutes=1)

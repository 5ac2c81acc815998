"""The one clock interface: where the services and the window get the current time.

A :class:`Clock` has ``now()``. The composition root (:mod:`triage_app.bootstrap`) builds one
:class:`SystemClock` and gives it to the record store (every use-case's time) and to the
window (which shows times to the minute through :class:`MinuteClock` over the same clock).
Tests pass a :class:`FixedClock`. The protocol engine itself reads no clock: its only time
is the assessment's ``assessed_at``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Where the current time comes from (local wall-clock time, naive)."""

    def now(self) -> datetime:
        """Return the local time now."""
        ...


class SystemClock:
    """The wall clock, to the microsecond (the audit trail's resolution)."""

    def now(self) -> datetime:
        """Return the local time now."""
        return datetime.now()


@dataclass(frozen=True)
class MinuteClock:
    """Another clock's time without seconds (the record's resolution, shown in the window)."""

    source: Clock

    def now(self) -> datetime:
        """Return the source's time, truncated to the minute."""
        return self.source.now().replace(second=0, microsecond=0)


@dataclass
class FixedClock:
    """A clock that says what it is told (tests, demonstrations)."""

    at: datetime

    def now(self) -> datetime:
        """Return the time it was set to."""
        return self.at


@dataclass(frozen=True)
class FunctionClock:
    """A :class:`Clock` over a function that returns the time (``lambda: datetime(...)``)."""

    function: Callable[[], datetime]

    def now(self) -> datetime:
        """Return what the function returns."""
        return self.function()


# What a factory accepts where a clock goes: a Clock, or a function returning the time.
ClockLike = Clock | Callable[[], datetime]


def as_clock(value: ClockLike | None) -> Clock:
    """Return ``value`` as a :class:`Clock`: a clock, a function giving the time, or ``None``.

    ``None`` is the system clock. An object whose ``now`` is a method is taken as a clock;
    otherwise a callable is called for the time.
    """
    if value is None:
        return SystemClock()
    if callable(getattr(value, "now", None)):
        return value  # type: ignore[return-value]  # has now(): a Clock
    if callable(value):
        return FunctionClock(value)
    raise TypeError(f"not a clock: {type(value).__name__}")

"""Domain errors. Each carries every problem found, not just the first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem with the input: where it is (a JSON path or file field) and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class InputError(ValueError):
    """The input is malformed or impossible. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in problems))


class ProfileError(ValueError):
    """A protocol profile file is malformed. The message names the file, field and reason."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = [f"{source}: {p}" for p in problems]
        super().__init__("\n".join(lines))


class UnknownProfileError(KeyError):
    """No profile has the requested id."""

    def __init__(self, profile_id: str, known: list[str]) -> None:
        self.profile_id = profile_id
        self.known = tuple(known)
        super().__init__(profile_id)

    def __str__(self) -> str:
        return f"unknown profile {self.profile_id!r} (known: {', '.join(self.known)})"

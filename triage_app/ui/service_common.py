"""Conversions shared by the service adapters (no adapter imports another: no cycles)."""

from __future__ import annotations

from typing import Any

from triage_app.domain.errors import InputError
from triage_app.domain.vocab import Sex
from triage_app.ui.viewmodels import ChildRecord


def child_view(c: Any) -> ChildRecord:
    """Turn a stored child (``domain.records.ChildRecord``) into the UI's child."""
    sex = Sex(c.sex) if c.sex in {s.value for s in Sex} else None
    return ChildRecord(
        str(c.id), c.date_of_birth, c.nhs_number, c.given_name, c.family_name, sex, c.postcode
    )


def problems_text(exc: InputError) -> str:
    """Return an input error's problems as one sentence."""
    return "; ".join(p.reason if p.path in ("", None) else str(p) for p in exc.problems)

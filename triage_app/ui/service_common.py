"""Conversions shared by the service adapters (no adapter imports another: no cycles)."""

from __future__ import annotations

from triage_app.domain.errors import InputError
from triage_app.domain.records import ChildRecord
from triage_app.domain.vocab import Sex
from triage_app.ui.viewmodels import ChildView


def child_view(c: ChildRecord) -> ChildView:
    """Turn a stored child into the UI's child (its id as text, its sex as a ``Sex``)."""
    sex = Sex(c.sex) if c.sex in {s.value for s in Sex} else None
    return ChildView(
        str(c.id), c.date_of_birth, c.nhs_number, c.given_name, c.family_name, sex, c.postcode
    )


def problems_text(exc: InputError) -> str:
    """Return an input error's problems as one sentence."""
    return "; ".join(p.reason if p.path in ("", None) else str(p) for p in exc.problems)

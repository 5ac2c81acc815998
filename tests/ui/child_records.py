"""Records of one baby for the screen tests of record links and NHS numbers."""

from datetime import date

from triage_app.domain.records import ChildRecord
from triage_app.services import children
from triage_app.services.assessments import record_assessment


def unnumbered_and_numbered(ctx, nhs_number):
    """Store an un-numbered GP record (a mouth bleed) and a record of the same baby with
    ``nhs_number``; return both (stored children)."""
    case = {
        "schema": "triage-assess/1",
        "assessed_at": "2025-08-10T09:00",
        "setting": "gp",
        "child": {"family_name": "Example", "given_name": "Af", "date_of_birth": "2025-07-20"},
        "findings": [{"kind": "bleeding", "site": "mouth"}],
    }
    unnumbered = record_assessment(ctx, case).child
    numbered = children.record_child(
        ctx, ChildRecord(date(2025, 7, 20), "EXAMPLE", "AF", nhs_number)
    )
    return unnumbered, numbered

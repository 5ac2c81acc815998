"""What a timeline row of the referral record says about a presentation's findings (pure)."""

import pytest

from triage_app.domain.model import PriorFinding
from triage_app.domain.records import FindingRecord
from triage_app.domain.referral import findings_text, timeline_flags
from triage_app.domain.vocab import FindingKind, Site


@pytest.mark.parametrize(
    ("findings", "flags", "text"),
    [
        ([], (), None),
        ([PriorFinding(FindingKind.BRUISE, Site.THIGH)], ("F1",), "bruise (thigh)"),
        ([PriorFinding(FindingKind.BRUISE, Site.EAR)], ("F1", "F4"), "bruise (ear)"),
        (
            [PriorFinding(FindingKind.MARK, Site.THIGH, patterned=True)],
            ("F1", "F4"),
            "mark (thigh), patterned",
        ),
        (
            [
                PriorFinding(FindingKind.FRENULUM_INJURY, Site.FRENULUM),
                PriorFinding(FindingKind.BRUISE, Site.FOREARM, patterned=False),
            ],
            ("F1", "F4"),
            "frenulum injury (frenulum); bruise (forearm)",
        ),
        # a stored finding (plain words) reads as an earlier one
        ([FindingRecord("bruise", "thigh")], ("F1",), "bruise (thigh)"),
        ([FindingRecord("bleeding", "ear")], ("F1", "F4"), "bleeding (ear)"),
    ],
)
def test_a_timeline_row_flags_and_names_its_findings(findings, flags, text):
    assert timeline_flags(findings) == flags
    assert findings_text(findings) == text

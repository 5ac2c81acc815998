"""The window's live decision sees the child's own stored plan (assess contract 1.1)."""

from datetime import date, datetime

import pytest

from triage_app.domain.parse import parse_assessment
from triage_app.domain.records import ChildRecord as StoredChild
from triage_app.domain.vocab import CpPlan
from triage_app.services import children
from triage_app.ui.assessment_view import new_case_json
from triage_app.ui.viewmodels import ChildView

PASSWORD = "a long passphrase"


@pytest.fixture
def services(tmp_path):
    from triage_app.ui.service_adapters import StoreOpener

    services = StoreOpener(tmp_path / "data").create_first_user("Dr First", PASSWORD)
    yield services
    services.cases.ctx.close()


def test_the_live_decision_prompts_pre_birth_referral_for_the_childs_own_past_plan(
    services, engine, clock
):
    stored = children.record_child(
        services.cases.ctx,
        StoredChild(date_of_birth=date(2025, 7, 20), family_name="Plan", cp_plan="past"),
    )
    found = services.history.history(str(stored.id), datetime(2025, 9, 3, 10, 40))
    assert found.child_cp_plan == CpPlan.PAST

    child = ChildView(str(stored.id), stored.date_of_birth, family_name="Plan")
    data = new_case_json(child, found, clock)
    assert data["history"]["child_cp_plan"] == "past"
    data["history"]["mother_pregnant"] = True
    decision = engine.decide(parse_assessment(data))
    assert decision.action("pre_birth_referral") is not None
    assert "this child: past child protection plan" in " ".join(f.text for f in decision.flags)

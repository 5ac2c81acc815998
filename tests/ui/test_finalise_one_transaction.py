"""Finalising stores the assessment, its case and the referrer, family, pregnancy and location in
ONE transaction: a refusal or a failure in any part stores nothing and the window keeps the
draft. On the real services and a temporary store."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.ui.real_store import USER
from triage_app.domain.display import nhs_date
from triage_app.services import children, handover
from triage_app.store.handover_repository import FamilyRepository
from triage_app.ui.assessment_view import AssessmentView
from triage_app.ui.viewmodels import NEW_CHILD_ID, ChildView, PriorHistory

# A child not in the record yet: stored with the first finalised assessment, or not at all.
TIA = ChildView(NEW_CHILD_ID, date(2026, 10, 20), "9990000034", "Tia", "Onetrans", None)
TABLES = (
    "child",
    "presentation",
    "assessment",
    "safeguarding_case",
    "case_action",
    "presentation_referrer",
    "household_link",
    "case_location",
)


def counts(ctx):
    with ctx.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


@pytest.fixture
def view(qtbot, engine, services, clock, prompter):
    v = AssessmentView(engine.decide, services.recorder, services.drafts, clock, prompter)
    qtbot.addWidget(v)
    v.start(TIA, PriorHistory(), USER)
    return v


def fill_in(view, clock, *, adult_name="Pat Onetrans"):
    """A bruise on the cheek, the call made, a family, a pregnancy, the referrer and place."""
    view.steps[2].body_map.choose_point(77, 67)  # right cheek
    family = view.family_step
    view.go_to(view.steps.index(family))
    family.add_button.click()
    for col, value in ((0, adult_name), (1, "Mother"), (4, "07700 900 321")):
        family.table.item(0, col).setText(value)
    family.hv_edit.setText("HV team C")
    family.pregnant_combo.setCurrentText("Yes")
    family.due_edit.setText(nhs_date(clock.now().date() + timedelta(days=90)))
    ref = view.referrer_step
    view.go_to(view.steps.index(ref))
    ref.name_edit.setText("Dr Test Clinician")
    ref.role_combo.setCurrentIndex(ref.role_combo.findData("gp"))
    ref.organisation_edit.setText("Example Surgery")
    ref.phone_edit.setText("01632 960 999")
    ref.place_combo.setCurrentIndex(ref.place_combo.findData("admitted"))
    ref.detail_edit.setText("Ward 7")
    ref.with_edit.setText("mother")
    checklist = view.actions_step.checklist
    view.go_to(view.steps.index(view.actions_step))
    checklist.select("phone_csc")
    checklist.done_at_edit.setText(clock.now().strftime("%d/%m/%Y %H:%M"))
    checklist.detail_edits["handler"].setText("J Smith")
    checklist.detail_edits["reference"].setText("MAST-1T-1")
    checklist.detail_edits["advice"].setText("Paediatrician today")
    checklist.record_button.click()
    view.go_to(view.steps.index(view.review))


def test_everything_the_wizard_confirmed_is_stored_with_the_case(qtbot, view, services, clock):
    ctx = services.cases.ctx
    fill_in(view, clock)
    with qtbot.waitSignal(view.finalised, timeout=5000) as signal:
        view.review.finalise_button.click()
    case_id = int(signal.args[0])
    child = children.find_by_nhs_number(ctx, TIA.nhs_number)
    assert [a.name for a in handover.get_family(ctx, child.id).adults] == ["Pat Onetrans"]
    assert child.health_visitor == "HV team C"
    assert child.pregnancy_due_date == clock.now().date() + timedelta(days=90)
    assert handover.current_location(ctx, case_id).line() == "Admitted: Ward 7, with mother"
    after = counts(ctx)
    assert after["presentation_referrer"] == 1 and after["case_location"] == 1
    assert services.drafts.drafts() == []


def test_a_failure_while_storing_the_family_stores_nothing_and_keeps_the_draft(
    view, services, clock, monkeypatch
):
    ctx = services.cases.ctx
    fill_in(view, clock)
    before = counts(ctx)

    def disk_failure(*_args, **_kwargs):
        raise OperationalError("INSERT INTO household_member", {}, Exception("disk I/O error"))

    monkeypatch.setattr(FamilyRepository, "replace_adults", disk_failure)
    with pytest.raises(OperationalError):
        view.finalise()  # the window's crash handler tells the user; nothing half-stored
    assert counts(ctx) == before  # no child, presentation, assessment, case, action, referrer
    assert services.cases.open_cases() == []
    draft = services.drafts.load(view.draft_key)
    assert view.child is not None and draft is not None
    assert draft.data["extra"]["family"]["adults"][0]["name"] == "Pat Onetrans"

    monkeypatch.undo()  # the disk is back: the kept draft finalises, once
    case_id = view.finalise()
    assert case_id and len(services.cases.open_cases()) == 1
    assert counts(ctx)["household_link"] == before["household_link"] + 1


def test_a_refused_family_stores_nothing_not_even_the_case(view, services, clock, prompter):
    ctx = services.cases.ctx
    fill_in(view, clock)
    # A person without a name (the family table leaves such rows out; an older draft or
    # another caller may not): the record refuses before anything is stored.
    view.extra["family"]["adults"].append({"name": " ", "relationship": "Father"})
    before = counts(ctx)
    assert view.finalise() is None
    said = view.review.message_label.text()  # beside Finalise, not in a dialog
    assert said.startswith("\u2716 NOT STORED:") and "family.adults[1].name: is required" in said
    assert counts(ctx) == before and services.cases.open_cases() == []
    assert services.drafts.load(view.draft_key) is not None and view.child is not None


def test_an_incomplete_location_is_refused_before_anything_is_stored(view, services, clock):
    from triage_app.domain.parse import parse_assessment
    from triage_app.ui.ports import Refused

    ctx = services.cases.ctx
    fill_in(view, clock)
    before = counts(ctx)
    assessment = parse_assessment(view.data)
    extra = {**view.extra, "location": {"place": "home", "detail": "home address on record"}}
    extra.pop("actions")
    with pytest.raises(Refused, match="at home needs the named carer"):
        services.recorder.finalise(NEW_CHILD_ID, assessment, view.decision, (), USER, extra)
    assert counts(ctx) == before and services.cases.open_cases() == []

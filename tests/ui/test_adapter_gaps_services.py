"""The adapters over the real services: stored decisions after a restart, children without
an NHS number (one record, a timeline), encrypted drafts, demo progress and cancel."""

from datetime import date, datetime, timedelta

import pytest

from triage_app.ui.viewmodels import NEW_CHILD_ID

PASSWORD = "a long passphrase"


@pytest.fixture
def opener(tmp_path):
    from triage_app.ui.service_adapters import StoreOpener

    return StoreOpener(tmp_path / "data")


@pytest.fixture
def services(opener):
    services = opener.create_first_user("Dr First", PASSWORD)
    yield services
    services.cases.ctx.close()


def _assessment(when, findings, nhs=None):
    from triage_app.domain.parse import parse_assessment

    child = {"family_name": "Nonhs", "given_name": "Baby", "date_of_birth": "2025-08-01"}
    if nhs:
        child["nhs_number"] = nhs
    return parse_assessment(
        {
            "schema": "triage-assess/1",
            "assessed_at": when,
            "setting": "gp",
            "child": child,
            "findings": findings,
        }
    )


def _finalise(services, engine, child_id, when, findings):
    a = _assessment(when, findings)
    history = services.history.history(child_id, a.assessed_at)
    return services.recorder.finalise(child_id, a, engine.decide(a), (), "Dr First", {}), history


def test_a_child_without_an_nhs_number_assessed_twice_keeps_one_record_and_a_timeline(
    services, engine
):
    first, _ = _finalise(
        services, engine, NEW_CHILD_ID, "2025-08-20T09:00", [{"kind": "bruise", "site": "cheek"}]
    )
    child = services.cases.case_detail(first).child
    assert child.nhs_number is None

    second, timeline = _finalise(
        services, engine, child.id, "2025-09-03T10:40", [{"kind": "bruise", "site": "ear"}]
    )

    assert [i.date for i in timeline.items] == [date(2025, 8, 20)]
    assert timeline.items[0].who == "This child" and timeline.items[0].injury
    assert [p.date for p in timeline.prior_presentations] == [date(2025, 8, 20)]
    matches = services.children.find_by_name("Nonhs", "Baby", date(2025, 8, 1))
    assert [m.child.id for m in matches] == [child.id]  # assessed twice, stored once
    assert services.cases.case_detail(second).child.id == child.id


def test_after_a_restart_a_case_shows_its_stored_decision(opener, services, engine):
    first, _ = _finalise(
        services, engine, NEW_CHILD_ID, "2025-08-20T09:00", [{"kind": "bruise", "site": "cheek"}]
    )
    child_id = services.cases.case_detail(first).child.id
    case_id, _ = _finalise(
        services, engine, child_id, "2025-09-03T10:40", [{"kind": "bruise", "site": "ear"}]
    )
    before = services.cases.case_detail(case_id)
    assert before.flags  # an earlier injury while not independently mobile
    services.cases.ctx.close()

    again = opener.sign_in("Dr First", PASSWORD)
    try:
        after = again.cases.case_detail(case_id)
        summary = next(s for s in again.cases.open_cases() if s.case_id == case_id)
    finally:
        again.cases.ctx.close()

    assert after.actions == before.actions  # the full list, with due times and rules
    assert after.flags == before.flags
    assert after.urgency == before.urgency and summary.urgency == before.urgency
    assert all(a.rule for a in after.actions)
    assert any(a.due_at for a in after.actions if a.record is None)


def test_drafts_are_encrypted_per_user_and_resume_after_sign_in(opener, services, tmp_path):
    draft = {"step": 2, "assessment": {"child": {"family_name": "Draftname"}}}
    services.drafts.save(draft)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert b"Draftname" not in raw
    services.cases.ctx.close()

    again = opener.sign_in("Dr First", PASSWORD)
    try:
        assert again.drafts.load().data == draft
        again.drafts.discard()
        assert again.drafts.load() is None
    finally:
        again.cases.ctx.close()


def test_a_plain_draft_from_an_earlier_version_is_encrypted_and_removed(opener, tmp_path):
    from triage_app.ui.drafts import FileDraftStore

    services = opener.create_first_user("Dr First", PASSWORD)
    services.cases.ctx.close()
    plain = FileDraftStore(tmp_path / "data")
    plain.save({"step": 1, "assessment": {"child": {"family_name": "Oldplain"}}})

    again = opener.sign_in("Dr First", PASSWORD)
    try:
        assert not plain.path.exists()
        assert again.drafts.load().data["assessment"]["child"]["family_name"] == "Oldplain"
    finally:
        again.cases.ctx.close()


def test_demo_load_reports_progress_and_a_cancel_adds_nothing(services):
    from triage_app.services import demo

    seen = []
    assert services.demo.load_demo(lambda d, t: seen.append(d), lambda: len(seen) > 2) == 0
    assert services.children.find_by_nhs_number(demo.AF_NHS) == []
    assert services.cases.open_cases() == []

    seen.clear()
    assert services.demo.load_demo(lambda d, t: seen.append((d, t)), lambda: False) == 6
    assert seen[0] == (0, demo.FAMILIES) and seen[-1] == (demo.FAMILIES, demo.FAMILIES)
    assert services.children.find_by_nhs_number(demo.AF_NHS)
    assert services.cases.open_cases()


def test_history_of_a_demo_child_without_an_nhs_number_is_shown(services):
    services.demo.load_demo(lambda d, t: None, lambda: False)
    born = services.cases.ctx.clock().date() - timedelta(days=60)  # as the demo records her
    (match,) = services.children.find_by_name("Williams-Jones", "Megan", born)
    assert match.child.nhs_number is None
    items = services.history.history(match.child.id, datetime.now()).items
    assert len(items) == 1 and items[0].who == "This child"

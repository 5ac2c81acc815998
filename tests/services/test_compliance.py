"""The compliance audit over a store of known cases: every metric's numerator and denominator,
the drill-down, the role restriction, and exports with no identifier in them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from triage_app.domain.access import AccessDeniedError
from triage_app.domain.compliance import AuditFilter
from triage_app.domain.errors import InputError
from triage_app.domain.records import Attendee, CaseAction, StrategyMeeting
from triage_app.services import cases
from triage_app.services import compliance as audit
from triage_app.services.assessments import record_assessment

PERIOD = AuditFilter(date(2025, 8, 1), date(2025, 9, 30))
DOB = {0: "2025-07-20", 1: "2025-07-01", 2: "2025-08-02", 3: "2025-06-20", 5: "2024-01-01",
       6: "2025-09-10", 7: "2025-05-01"}  # fmt: skip
NAMES = {n: f"Zed{n}q" for n in DOB}
WALKS = {k: True for k in ("rolls", "sits", "crawls", "pulls_to_stand", "cruises", "walks")}


def _assess(ctx, make, n, at, setting="gp", organisation=None, **extra):
    data = make.case_json(
        make.NHS[n],
        assessed_at=at,
        setting=setting,
        child={
            "family_name": "Testfamily",
            "given_name": NAMES[n],
            "date_of_birth": DOB[n],
            "nhs_number": make.NHS[n],
        },
        **extra,
    )
    return record_assessment(ctx, data, organisation=organisation)


def _open(ctx, rec):
    return cases.open_case(
        ctx,
        rec.child.id,
        presentation_id=rec.presentation.id,
        opened_at=rec.presentation.seen_at,
    )


def _survey(ctx, c, kind, requested, reported=None):
    """Request (the initial) and report a survey stage; the follow-up is created by C2."""
    if kind == "skeletal_survey_initial":
        c = cases.request_investigation(ctx, c.id, c.version, kind, requested_at=requested)
    if reported is not None:
        inv = [i for i in c.investigations if i.kind == kind][-1]
        c = cases.report_investigation(
            ctx, c.id, c.version, inv.id, result="no fracture seen", reported_at=reported,
            performed_on=reported.date(),
        )  # fmt: skip
    return c


def _legacy(ctx, sql, **params):
    """Data only a store from before the case rules (C1, C4) can hold: written directly."""
    from sqlalchemy import text

    with ctx.engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.fixture
def store(ctx, make, clock):
    """Eight presentations with known compliance (see each comment)."""
    clock.now = datetime(2025, 10, 15, 10, 0)
    ids = {}
    # P1 child A, GP, Ward 1: everything done on time; closed with nothing pending.
    p1 = _assess(ctx, make, 0, "2025-08-04T10:00", organisation="Ward 1")
    c = _open(ctx, p1)
    c = cases.record_phone_referral(
        ctx, c.id, c.version, called_at=datetime(2025, 8, 4, 11, 0), person="Dr A"
    )
    c = cases.record_written_referral(
        ctx, c.id, c.version, sent_at=datetime(2025, 8, 5, 10, 0), person="Dr A"
    )
    done = ("confirm_paediatric_attendance", "check_cp_is", "paediatric_cp_assessment",
            "complete_body_map", "record_explanation_verbatim", "inform_parents",
            "check_household_children")  # fmt: skip
    for kind, at in zip(done, (16, 12, 13, 10, 10, 10, 11), strict=True):
        c = cases.add_action(
            ctx, c.id, c.version, CaseAction(datetime(2025, 8, 4, at), "Dr A", kind)
        )
    c = _survey(
        ctx, c, "skeletal_survey_initial", datetime(2025, 8, 4, 14), datetime(2025, 8, 5, 9)
    )
    c = _survey(
        ctx, c, "skeletal_survey_follow_up", datetime(2025, 8, 5, 9), datetime(2025, 8, 17, 9)
    )
    # Supervision imposed at a strategy meeting with health and CSC present (C4).
    c = cases.record_meeting(ctx, c.id, c.version, StrategyMeeting(
        datetime(2025, 8, 6, 13, 30), "section 47 enquiry", (
            Attendee("Dr K", "named doctor", "health"), Attendee("J R", "manager", "csc")),
        supervision="impose", conditions="supervised contact",
        relax_conditions="both survey stages reported"))  # fmt: skip
    c = cases.close_case(ctx, c.id, c.version, outcome="csc_lead", reason="CSC lead")
    ids["A"] = c.id
    # P2 child B, ED: called the next day, written referral late, no attendance confirmed;
    # follow-up survey reported outside its window.
    p2 = _assess(ctx, make, 1, "2025-08-20T15:00", setting="ed", history={"cp_is": "none"})
    c = _open(ctx, p2)
    c = cases.record_phone_referral(
        ctx, c.id, c.version, called_at=datetime(2025, 8, 21, 9, 0), person="Dr B"
    )
    c = cases.record_written_referral(
        ctx, c.id, c.version, sent_at=datetime(2025, 8, 23, 9, 0), person="Dr B"
    )
    c = _survey(
        ctx, c, "skeletal_survey_initial", datetime(2025, 8, 21, 9), datetime(2025, 8, 21, 15)
    )
    c = _survey(
        ctx, c, "skeletal_survey_follow_up", datetime(2025, 8, 21, 15), datetime(2025, 9, 10, 9)
    )
    ids["B"] = c.id
    # P3 child C, health visitor: no case at all (CP-IS not checked).
    _assess(ctx, make, 2, "2025-09-10T09:00", setting="health_visitor")
    # P4 child D: called the same day; no written referral; CP-IS unavailable; follow-up
    # survey still pending after its window; closed anyway (results pending).
    p4 = _assess(ctx, make, 3, "2025-09-15T09:00", history={"cp_is": "unavailable"})
    c = _open(ctx, p4)
    c = cases.record_phone_referral(
        ctx, c.id, c.version, called_at=datetime(2025, 9, 15, 9, 30), person="Dr D"
    )
    c = _survey(
        ctx, c, "skeletal_survey_initial", datetime(2025, 9, 15, 12), datetime(2025, 9, 15, 15)
    )
    ids["D"] = c.id
    # A store from before the case rules: supervision relaxed at a meeting with no attendees
    # recorded (C4), and the case closed while the follow-up is pending (C1).
    _legacy(ctx, "INSERT INTO strategy_meeting (case_id, held_at, outcome, supervision_decision, "
            "agreed_by, created_at, created_by) VALUES (:c, :at, 'relaxed', 'relax', 'CSC', :at, "
            "'old')", c=c.id, at="2025-09-16 12:00:00.000000")  # fmt: skip
    _legacy(ctx, "UPDATE safeguarding_case SET status = 'closed', close_outcome = 'csc_lead', "
            "close_reason = 'CSC lead', closed_at = :at WHERE id = :c", c=c.id,
            at="2025-09-20 09:00:00.000000")  # fmt: skip
    # P5 child A again (sentinel): no case of its own.
    _assess(ctx, make, 0, "2025-09-20T10:00", history={"cp_is": "none"})
    # P7 child F: walking toddler, not NIM.
    _assess(ctx, make, 5, "2025-09-01T10:00", mobility=WALKS,
            findings=[{"kind": "bruise", "site": "lower_leg", "side": "left"}])  # fmt: skip
    # P8 child G: documented birthmark accepted; mother pregnant, sibling on a plan: a
    # pre-birth referral is required and recorded.
    p8 = _assess(
        ctx, make, 6, "2025-09-25T10:00", setting="midwife",
        findings=[{"kind": "mark", "site": "buttock", "side": "bilateral", "exception": {
            "type": "birthmark", "documented_by": "midwife", "documented_on": "2025-09-11",
            "matches_documentation": True}}],
        history={"cp_is": "none", "mother_pregnant": True, "household_children": [
            {"name": "sib", "date_of_birth": "2022-05-01", "cp_plan": "current"}]},
    )  # fmt: skip
    c = _open(ctx, p8)
    cases.add_action(
        ctx, c.id, c.version, CaseAction(datetime(2025, 9, 25, 12), "MW", "pre_birth_referral")
    )
    # P9 child H: before the period (must not count).
    _assess(ctx, make, 7, "2025-07-30T10:00")
    ctx.role = "safeguarding_lead"
    return ids


def _m(report, metric_id):
    m = report.metric(metric_id)
    return m.counts.numerator, m.counts.denominator


EXPECTED = {
    "nim_presentations": (5, 7),
    "phoned_same_day": (2, 5),
    "written_referral_in_time": (1, 3),
    "paediatric_assessment_same_day": (1, 5),
    "cp_is_checked": (3, 5),
    "initial_survey_done": (3, 5),
    "follow_up_done": (2, 3),
    "follow_up_in_window": (1, 3),
    "supervision_decided_with_health": (1, 2),
    "closed_with_results_pending": (1, 2),
    "sentinel_children": (1, 5),
    "exceptions_accepted": (1, 6),
    "pre_birth_referrals": (1, 1),
}


def test_every_metric_has_its_known_numerator_and_denominator(ctx, store):
    report = audit.audit_report(ctx, PERIOD)
    got = {m: _m(report, m) for m in EXPECTED}
    assert got == EXPECTED


def test_times_from_assessment_to_call_are_median_and_p90_by_nearest_rank(ctx, store):
    m = audit.audit_report(ctx, PERIOD).metric("phoned_same_day")
    # 30, 60 and 1080 minutes: median the 2nd, 90th percentile the 3rd.
    assert (m.counts.median_minutes, m.counts.p90_minutes) == (60.0, 1080.0)


def test_months_and_breakdowns(ctx, store):
    report = audit.audit_report(ctx, PERIOD)
    months = report.metric("phoned_same_day").counts.months
    assert [(x.month, x.numerator, x.denominator) for x in months] == [
        ("2025-08", 1, 2),
        ("2025-09", 1, 3),
    ]
    by_setting = report.metric("nim_presentations").counts.breakdown
    assert by_setting == (("ed", 1, 1), ("gp", 3, 4), ("health_visitor", 1, 1), ("midwife", 0, 1))
    assert report.metric("exceptions_accepted").counts.breakdown == (("birthmark", 1, 6),)


def test_drill_down_lists_failing_cases_by_case_id_age_and_setting(ctx, store):
    report = audit.audit_report(ctx, PERIOD)
    failing = report.metric("phoned_same_day").counts.failing
    assert [(f.case_id, f.child_age, f.setting, f.month) for f in failing] == [
        (store["B"], "7w 1d", "ed", "2025-08"),
        (None, "5w 4d", "health_visitor", "2025-09"),
        (None, "8w 6d", "gp", "2025-09"),
    ]
    pending = report.metric("closed_with_results_pending")
    assert [f.case_id for f in pending.counts.failing] == [store["D"]]
    assert pending.failing_overall
    meetings = report.metric("supervision_decided_with_health")
    assert [f.case_id for f in meetings.counts.failing] == [store["D"]]


def test_setting_and_organisation_filters(ctx, store):
    gp = audit.audit_report(ctx, AuditFilter(PERIOD.start, PERIOD.end, setting="gp"))
    assert _m(gp, "nim_presentations") == (3, 4)
    assert _m(gp, "phoned_same_day") == (2, 3)
    ward = audit.audit_report(ctx, AuditFilter(PERIOD.start, PERIOD.end, organisation="Ward 1"))
    assert _m(ward, "phoned_same_day") == (1, 1)
    assert _m(ward, "sentinel_children") == (0, 1)


@pytest.mark.parametrize("role", ["clinician", "administrator", None])
def test_only_safeguarding_leads_may_see_the_audit(ctx, store, role):
    ctx.role = role
    with pytest.raises(AccessDeniedError):
        audit.audit_report(ctx, PERIOD)


def test_bad_filters_are_refused(ctx, store):
    with pytest.raises(InputError):
        audit.audit_report(ctx, AuditFilter(date(2025, 9, 1), date(2025, 8, 1)))
    with pytest.raises(InputError):
        audit.audit_report(ctx, AuditFilter(PERIOD.start, PERIOD.end, setting="moon"))


def _identifiers(make):
    out = {"Testfamily"}
    for n, dob in DOB.items():
        nhs = make.NHS[n]
        out |= {NAMES[n], nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", dob}
        out.add(datetime.fromisoformat(dob).strftime("%d-%b-%Y"))
    return out


@pytest.mark.parametrize("suppress", [False, True])
def test_exports_carry_no_name_nhs_number_or_date_of_birth(ctx, make, store, tmp_path, suppress):
    report = audit.audit_report(ctx, PERIOD)
    text_json = json.dumps(audit.report_json(report, suppress))
    text_csv = audit.write_csv(ctx, report, tmp_path / "a.csv", suppress).read_text()
    pdf = audit.write_pdf(ctx, report, tmp_path / "a.pdf", suppress)
    text_pdf = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "phoned_same_day" in text_json and "phoned_same_day" in text_csv
    assert "Phone referral the same day" in text_pdf
    for ident in _identifiers(make):
        for name, text in (("json", text_json), ("csv", text_csv), ("pdf", text_pdf)):
            assert ident not in text, (name, ident)


def test_suppress_small_replaces_counts_under_five(ctx, store):
    report = audit.audit_report(ctx, PERIOD)
    plain = audit.report_json(report, False)
    small = audit.report_json(report, True)
    phoned = next(m for m in small["metrics"] if m["id"] == "phoned_same_day")
    assert (phoned["numerator"], phoned["denominator"], phoned["percent"]) == ("<5", 5, "<5")
    assert "failing" not in phoned  # no case-by-case list leaves the organisation
    zero = next(m for m in small["metrics"] if m["id"] == "nim_presentations")["breakdown"][3]
    assert zero == {"label": "midwife", "numerator": 0, "denominator": "<5"}
    assert next(m for m in plain["metrics"] if m["id"] == "phoned_same_day")["percent"] == 40.0
    csv_text = audit.report_csv(report, True)
    assert "summary,phoned_same_day,,<5,5,<5" in csv_text


def test_viewing_and_exporting_are_audited(ctx, store, tmp_path):
    from triage_app.services import audit_log

    report = audit.audit_report(ctx, PERIOD)
    audit.write_csv(ctx, report, tmp_path / "x.csv", True)
    events = [(e.action, e.entity) for e in audit_log.events(ctx)]
    assert ("view", "audit_report") in events and ("export", "audit_report") in events


def test_a_report_over_an_empty_period_is_all_zero(ctx, store):
    report = audit.audit_report(ctx, AuditFilter(date(2024, 1, 1), date(2024, 3, 31)))
    assert all(m.counts.numerator == 0 and m.counts.denominator == 0 for m in report.metrics)
    assert all(m.chart is None or m.definition.kind == "count" for m in report.metrics)
    assert [x.month for x in report.metric("phoned_same_day").counts.months] == [
        "2024-01",
        "2024-02",
        "2024-03",
    ]


def test_assessment_facts_are_stored_with_each_decision(ctx, make, store):
    from sqlalchemy import select

    from triage_app.store.orm import Assessment

    with ctx.transaction() as s:
        rows = s.execute(
            select(Assessment.protocol_triggered, Assessment.nim, Assessment.exception_types,
                   Assessment.pre_birth, Assessment.cp_is).order_by(Assessment.assessed_at)
        ).all()  # fmt: skip
    assert rows[0] == (True, True, None, False, "not_checked")  # P9 (July)
    assert (False, True, "birthmark", True, "none") in rows
    assert (False, False, None, False, "not_checked") in rows  # the walking toddler
    _ = timedelta

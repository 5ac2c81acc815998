"""The audit over cases built headless, as a user would: ``assess --record`` and
``triage-app case``, then ``audit-report --json`` as a safeguarding lead. Every metric's
numerator and denominator is checked against what the commands recorded."""

from __future__ import annotations

import contextlib
import io
import json
import os
from datetime import date, timedelta

import pytest

from triage_app import cli

TODAY = date.today()
D0, D1, D2, D3 = (TODAY - timedelta(days=n) for n in (40, 30, 20, 10))
HEALTH, CSC = "Dr K Shah;named doctor;health", "J Reed;team manager;csc"
ADMIN = {"TRIAGE_USER": "tester", "TRIAGE_PASSWORD": "tester-password"}
LEAD = {"TRIAGE_USER": "lead", "TRIAGE_PASSWORD": "lead-password-1"}


def t(day: date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}"


class Store:
    """Runs commands on one data folder, signed in as ``who``."""

    def __init__(self, folder) -> None:
        self.folder = folder

    def run(self, who: dict[str, str], *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        saved = {k: os.environ.get(k) for k in (*who, "TRIAGE_NEW_PASSWORD")}
        os.environ.update(who, TRIAGE_NEW_PASSWORD=LEAD["TRIAGE_PASSWORD"])
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main([*argv, "--data-dir", str(self.folder)])
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return code, out.getvalue(), err.getvalue()

    def ok(self, *argv: str, who: dict[str, str] = ADMIN) -> str:
        code, out, err = self.run(who, *argv)
        assert code == 0, (argv, err)
        return out


def _case_file(folder, name, at, nhs, dob, setting, **extra) -> str:
    data = {
        "schema": "triage-assess/1",
        "assessed_at": at,
        "setting": setting,
        "child": {"family_name": "Headless", "given_name": name, "date_of_birth": dob,
                  "nhs_number": nhs},
        "findings": [{"kind": "bruise", "site": "cheek", "side": "left"}],
        "explanation": {"text": "rolled against the cot", "given_by": "mother"},
        **extra,
    }  # fmt: skip
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Five presentations recorded headless; the lead's report over the last 60 days."""
    from tests.store.conftest import NHS

    folder = tmp_path_factory.mktemp("audit-cli")
    s = Store(folder / "data")
    assert s.run(ADMIN, "init", "--user", "tester")[0] == 0
    s.ok("user", "add", "lead", "--role", "safeguarding_lead")

    def record(path: str) -> int:
        return json.loads(s.ok("assess", path, "--record"))["case_id"]

    dob = (D0 - timedelta(days=50)).isoformat()
    # A (GP): every duty on time, both survey stages, supervision decided with health and CSC.
    a = str(record(_case_file(folder, "Anna", t(D0, "10:00"), NHS[20], dob, "gp")))
    for action, at in (("phone_csc", t(D0, "11:00")), ("confirm_paediatric_attendance",
                       t(D0, "16:00")), ("check_cp_is", t(D0, "12:00")),
                       ("written_referral", t(D0 + timedelta(days=1), "10:00"))):  # fmt: skip
        s.ok("case", "action", a, action, "--done", "--at", at, "--by", "Dr A")
    s.ok("case", "investigation", a, "skeletal_survey_initial", "--request", "--at",
         t(D0, "13:00"))  # fmt: skip
    s.ok("case", "investigation", a, "skeletal_survey_initial", "--report", "--performed-on",
         (D0 + timedelta(days=1)).isoformat(), "--result", "no fracture seen")  # fmt: skip
    s.ok("case", "investigation", a, "skeletal_survey_follow_up", "--report", "--performed-on",
         (D0 + timedelta(days=13)).isoformat(), "--result", "no fracture seen")  # fmt: skip
    s.ok("case", "meeting", a, "--held-at", t(D0 + timedelta(days=2), "13:30"),
         "--attendee", HEALTH, "--attendee", CSC, "--outcome", "section 47 enquiry",
         "--supervision", "impose", "--conditions", "supervised contact",
         "--relax-conditions", "both survey stages reported")  # fmt: skip
    # B (ED, CP-IS seen): called the next day, written referral two days after the call.
    b = str(record(_case_file(folder, "Ben", t(D1, "15:00"), NHS[21], dob, "ed",
                              history={"cp_is": "none"})))  # fmt: skip
    s.ok("case", "action", b, "phone_csc", "--done", "--at", t(D1 + timedelta(days=1), "09:00"),
         "--by", "Dr B")  # fmt: skip
    s.ok("case", "action", b, "written_referral", "--done", "--at",
         t(D1 + timedelta(days=3), "09:00"), "--by", "Dr B")  # fmt: skip
    # C (health visitor): a case, nothing recorded on it.
    record(_case_file(folder, "Cara", t(D2, "09:00"), NHS[22], dob, "health_visitor"))
    # G (midwife): a documented birthmark accepted; pre-birth referral required and made.
    g = str(record(_case_file(
        folder, "Gus", t(D3, "10:00"), NHS[23], (D3 - timedelta(days=20)).isoformat(), "midwife",
        findings=[{"kind": "mark", "site": "buttock", "side": "bilateral", "exception": {
            "type": "birthmark", "documented_by": "midwife",
            "documented_on": (D3 - timedelta(days=19)).isoformat(),
            "matches_documentation": True}}],
        history={"cp_is": "none", "mother_pregnant": True, "household_children": [
            {"name": "sib", "date_of_birth": "2022-05-01", "cp_plan": "current"}]})))  # fmt: skip
    s.ok("case", "action", g, "pre_birth_referral", "--done", "--at", t(D3, "12:00"), "--by", "MW")
    # F: a walking toddler (not NIM).
    record(_case_file(folder, "Finn", t(D2, "11:00"), NHS[24], "2024-01-01", "gp", mobility={
        k: True for k in ("rolls", "sits", "crawls", "pulls_to_stand", "cruises", "walks")},
        findings=[{"kind": "bruise", "site": "lower_leg", "side": "left"}]))  # fmt: skip
    period = ["--from", (TODAY - timedelta(days=60)).isoformat(), "--to", TODAY.isoformat()]
    out = s.ok("audit-report", *period, "--json", who=LEAD)
    refused = s.run(ADMIN, "audit-report", *period, "--json")
    return {m["id"]: m for m in json.loads(out)["metrics"]}, refused, {"A": int(a), "B": int(b)}


EXPECTED = {
    "nim_presentations": (3, 5),
    "phoned_same_day": (1, 3),
    "written_referral_in_time": (1, 2),
    "paediatric_assessment_same_day": (1, 3),
    "cp_is_checked": (2, 3),
    "initial_survey_done": (1, 3),
    "follow_up_done": (1, 1),
    "follow_up_in_window": (1, 1),
    "supervision_decided_with_health": (1, 1),
    "closed_with_results_pending": (0, 0),
    "sentinel_children": (0, 4),
    "exceptions_accepted": (1, 4),
    "pre_birth_referrals": (1, 1),
}


def test_every_metric_over_cases_recorded_with_assess_record_and_case(report):
    metrics, _, _ = report
    assert {k: (m["numerator"], m["denominator"]) for k, m in metrics.items()} == EXPECTED


def test_the_drill_down_names_the_failing_cases(report):
    metrics, _, ids = report
    late = metrics["written_referral_in_time"]["failing"]
    assert [f["case_id"] for f in late] == [ids["B"]]
    assert ids["B"] in [f["case_id"] for f in metrics["phoned_same_day"]["failing"]]
    assert ids["A"] not in [f["case_id"] for f in metrics["phoned_same_day"]["failing"]]


def test_the_administrator_is_refused(report):
    _, (code, out, err), _ = report
    assert code == 1 and out == "" and "safeguarding_lead" in err

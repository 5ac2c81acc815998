"""`triage-app audit-report` run as a user would: a safeguarding lead over the demo data."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from triage_app import cli

TODAY = date.today()
PERIOD = ["--from", (TODAY - timedelta(days=365)).isoformat(), "--to", TODAY.isoformat()]


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def init_tester(_monkeypatch):
    """``triage-app init --user tester`` (the password from TRIAGE_PASSWORD)."""
    assert cli.main(["init", "--user", "tester"]) == 0


@pytest.fixture
def demo(app_home, monkeypatch, capsys, home_from_template):
    """An encrypted store with the demo data, an administrator and a safeguarding lead."""
    monkeypatch.setenv("TRIAGE_USER", "tester")
    monkeypatch.setenv("TRIAGE_PASSWORD", "tester-password")
    home_from_template("tester", init_tester)
    code, out, err = run(capsys, "demo", "load")
    assert code == 0, err
    monkeypatch.setenv("TRIAGE_NEW_PASSWORD", "lead-password-1")
    code, _, err = run(capsys, "user", "add", "lead", "--role", "safeguarding_lead")
    assert code == 0, err
    monkeypatch.setenv("TRIAGE_USER", "lead")
    monkeypatch.setenv("TRIAGE_PASSWORD", "lead-password-1")
    return monkeypatch


def test_a_lead_gets_every_metric_and_the_demo_has_a_failing_one(capsys, demo):
    code, out, err = run(capsys, "audit-report", *PERIOD, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [m["id"] for m in data["metrics"]] == [
        "nim_presentations", "phoned_same_day", "written_referral_in_time",
        "paediatric_assessment_same_day", "cp_is_checked", "initial_survey_done",
        "follow_up_done", "follow_up_in_window", "supervision_decided_with_health",
        "closed_with_results_pending", "sentinel_children", "exceptions_accepted",
        "pre_birth_referrals",
    ]  # fmt: skip
    failing = [m for m in data["metrics"] if m["meets_target"] is False]
    assert failing and all(m["failing"] for m in failing)
    phoned = next(m for m in data["metrics"] if m["id"] == "phoned_same_day")
    assert phoned["rule"].startswith("Of the protocol presentations")
    assert phoned["denominator"] >= 1 and "median" in phoned["minutes_to_phone_referral"]
    code, out, _ = run(capsys, "audit-report", *PERIOD)
    assert code == 0 and "BELOW TARGET" in out and "failing: " in out


def test_pdf_and_csv_are_written_without_identifiers(capsys, demo, tmp_path):
    pdf, table = tmp_path / "audit.pdf", tmp_path / "audit.csv"
    code, _, err = run(capsys, "audit-report", *PERIOD, "--pdf", pdf, "--csv", table)
    assert code == 0, err
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    rows = list(csv.reader(io.StringIO(table.read_text())))
    assert "Phone referral the same day" in text
    assert rows[0][:3] == ["section", "metric", "month_or_label"]
    assert any(r[0] == "failing" for r in rows)
    everything = text + table.read_text()
    # The demo's children (family names, numbers from the 999 range).
    for ident in ("Ashby", "Alfie", "999 ", "999000"):
        assert ident not in everything


def test_suppress_small_in_the_csv(capsys, demo, tmp_path):
    table = tmp_path / "shared.csv"
    code, _, err = run(capsys, "audit-report", *PERIOD, "--csv", table, "--suppress-small")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(table.read_text())))
    counts = [r[3] for r in rows[1:] if r[3] != ""] + [r[4] for r in rows[1:] if r[4] != ""]
    assert "<5" in counts
    assert all(c == "<5" or c == "0" or int(c) >= 5 for c in counts)
    assert not any(r[0] == "failing" for r in rows)


def test_administrators_and_clinicians_are_refused(capsys, demo):
    demo.setenv("TRIAGE_NEW_PASSWORD", "nurse-password-1")
    demo.setenv("TRIAGE_USER", "tester")
    demo.setenv("TRIAGE_PASSWORD", "tester-password")
    code, _, err = run(capsys, "audit-report", *PERIOD)
    assert code == 1 and "safeguarding_lead" in err
    assert run(capsys, "user", "add", "nurse", "--role", "clinician")[0] == 0
    demo.setenv("TRIAGE_USER", "nurse")
    demo.setenv("TRIAGE_PASSWORD", "nurse-password-1")
    code, out, err = run(capsys, "audit-report", *PERIOD, "--json")
    assert code == 1 and out == "" and "refused" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2025-13-01", "--to", "2025-12-31"], "--from"),
        (["--from", "2025-12-01", "--to", "2025-01-01"], "--to"),
        (["--from", "2025-01-01", "--to", "2025-12-31", "--setting", "moon"], "--setting"),
        (["--from", "2025-01-01", "--to", "2025-12-31", "--pdf", "/no/such/dir/a.pdf"], "--pdf"),
    ],
)
def test_bad_input_exits_2(capsys, demo, argv, message):
    code, _, err = run(capsys, "audit-report", *argv)
    assert code == 2 and message in err

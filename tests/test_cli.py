"""`triage-app assess`, run as a user would: a real process, JSON in, JSON out."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "child-af-3-purple-mark.json"


def run(*args, stdin=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "triage_app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=60,
    )


def test_assess_prints_the_decision_and_exits_0():
    result = run("assess", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["schema"] == "triage-decision/1"
    assert decision["urgency"] == "immediate"
    assert decision["profile"] == {
        "id": "nyscp",
        "version": "2025.1",
        "status": "awaiting_sign_off",
        "warnings": [],
    }


def test_assess_reads_standard_input():
    result = run("assess", "-", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert result.returncode == 0
    assert json.loads(result.stdout)["urgency"] == "immediate"


def test_profile_option_overrides_the_case():
    result = run("assess", str(ROOT / "examples" / "rolling-baby-nyscp.json"), "--profile", "hips")
    decision = json.loads(result.stdout)
    assert decision["profile"]["id"] == "hips"
    # the case's own text names its profile; the written referral follows the override
    written = next(a for a in decision["actions"] if a["id"] == "written_referral")
    assert written["due"] == "immediately after the phone call"


def test_bad_input_exits_2_with_one_line_per_problem_and_nothing_on_stdout():
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case["child"]["date_of_birth"] = "2025-09-01"
    case["history"]["prior_presentations"] = []
    case["setting"] = "pharmacy"
    case["findings"][0]["description"] = "line one\nline two"  # fine: free text may span lines
    case["findings"][0]["site"] = "shin"
    result = run("assess", "-", stdin=json.dumps(case))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert (
        lines[0]
        == "setting: must be one of: ambulance, early_years, ed, gp, health_visitor, midwife, other (got 'pharmacy')"
    )
    assert lines[1] == "child.date_of_birth: after assessed_at"
    assert lines[2].startswith("findings[0].site: must be one of:")
    assert len(lines) == 3


def test_unknown_profile_is_an_input_error_listing_known_ids():
    result = run("assess", str(EXAMPLE), "--profile", "kent")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "--profile: unknown profile 'kent' (known: hips, nyscp)"


def test_not_json_and_missing_file():
    result = run("assess", "-", stdin="{not json")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("(document): not valid JSON")
    result = run("assess", "no-such-case.json")
    assert result.returncode == 2 and result.stderr.strip() == "no-such-case.json: file not found"


def test_assess_writes_nothing_anywhere(tmp_path):
    before = set(tmp_path.rglob("*"))
    result = run("assess", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 0
    assert set(tmp_path.rglob("*")) == before


def test_profiles_command_lists_status():
    result = run("profiles")
    assert result.returncode == 0
    assert result.stdout.splitlines()[1].startswith("nyscp (default)\t2025.1\tawaiting_sign_off")


def test_fallback_card_prints_the_protocol_on_one_page():
    result = run("fallback")
    assert result.returncode == 0
    text = result.stdout
    assert "WHATEVER THE EXPLANATION, the protocol requires you to" in text
    assert "0300 131 2 131" in text
    assert "Every child under 6 months" in text
    assert "Rolling alone does NOT make a baby mobile." in text
    assert "awaiting sign-off by the designated professional" in text
    assert len(text.splitlines()) <= 60


def test_fallback_card_follows_the_profile():
    text = run("fallback", "--profile", "hips").stdout
    assert "Every child under 6 months, whatever they can do." in text  # the national floor
    assert "cannot yet roll, crawl" in text
    assert "Rolling alone does NOT make a baby mobile." not in text
    assert "A birth injury only up to 14 days of age" in text  # contract 1.1, awaiting sign-off
    assert "immediately after the phone call" in text
    bad = run("fallback", "--profile", "kent")
    assert bad.returncode == 2 and "known: hips, nyscp" in bad.stderr


def run_with_resources(tmp_path, file_name, old, new):
    """Run ``assess`` on the example with a copy of resources/ where one profile is edited."""
    import os
    import shutil

    resources = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", resources)
    profile = resources / "protocols" / file_name
    text = profile.read_text(encoding="utf-8")
    for before, after in zip(old, new, strict=True):
        assert before in text
        text = text.replace(before, after)
    profile.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "triage_app", "assess", str(EXAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, "TRIAGE_RESOURCES": str(resources)},
        timeout=60,
    )


def test_a_profile_past_its_review_date_still_decides_with_a_warning(tmp_path):
    result = run_with_resources(
        tmp_path,
        "nyscp.toml",
        ["effective_date = 2025-07-01", "review_date = 2027-07-01"],
        ["effective_date = 2024-01-01", "review_date = 2025-01-01"],
    )
    assert result.returncode == 0
    assert "profile nyscp 2025.1 is past its review date" in result.stderr
    decision = json.loads(result.stdout)
    assert "was due for review on 01-Jan-2025" in decision["profile"]["warnings"][0]
    assert any("was due for review" in n for n in decision["notices"])


def test_a_malformed_profile_stops_assess_with_file_field_and_reason(tmp_path):
    result = run_with_resources(
        tmp_path, "hips.toml", ["age_floor_months = 6"], ["age_floor_months = 3"]
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "protocols/hips.toml: nim.age_floor_months: must be between 6 and 36" in result.stderr

"""Protocol profiles are data: shipped profiles load; malformed ones fail with file, field, reason."""

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from triage_app.domain.errors import ProfileError, UnknownProfileError
from triage_app.domain.profile import ProfileRegistry, load_profile_file
from triage_app.domain.resources import resource
from triage_app.domain.vocab import FindingKind

ROOT = Path(__file__).resolve().parents[2]
NYSCP = (ROOT / "resources" / "protocols" / "nyscp.toml").read_text(encoding="utf-8")
HIPS = (ROOT / "resources" / "protocols" / "hips.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def registry():
    return ProfileRegistry.load()


def test_both_partnerships_ship_and_nyscp_is_the_default(registry):
    assert registry.ids() == ["hips", "nyscp"]
    assert registry.default_id == "nyscp"
    assert registry.get().id == "nyscp"


def test_nyscp_rules(registry):
    p = registry.get("nyscp")
    assert p.age_floor_months == 6
    assert p.rolling_counts_as_mobile is False
    assert "rolls" not in p.milestones_that_end_nim
    assert p.disability_override is True
    assert p.written_referral_max_hours == 24
    assert p.follow_up_skeletal_survey_days == (11, 14)
    assert p.contact("csc_front_door").phone == "0300 131 2 131"
    assert "Emergency Duty Team" in p.contact("out_of_hours").name
    assert p.qualifying_findings == frozenset(FindingKind)


def test_hips_rules(registry):
    p = registry.get("hips")
    assert p.age_floor_months == 6  # the national floor (contract 1.1), not HIPS's own text
    assert p.rolling_counts_as_mobile is True
    assert "rolls" in p.milestones_that_end_nim
    assert p.paediatric_assessment_due == "within 4h"
    assert p.written_referral_due() == "immediately after the phone call"


@pytest.mark.parametrize("pid", ["nyscp", "hips"])
def test_profiles_carry_sign_off_metadata_and_never_an_invented_approver(registry, pid):
    p = registry.get(pid)
    assert p.version and p.effective_date < p.review_date
    assert p.approved_by is None  # nobody has signed these off
    assert p.status == "awaiting_sign_off"
    assert p.awaiting_sign_off, "unconfirmed items must be listed"
    assert p.sources
    assert p.leaflet_title and p.leaflet_paragraphs
    assert set(p.role_variants) >= {
        "gp",
        "ed",
        "health_visitor",
        "midwife",
        "ambulance",
        "early_years",
    }


def test_unverified_contacts_are_shown_as_awaiting_sign_off(registry):
    line = registry.get("hips").contact("csc_front_door").line()
    assert line.endswith("[details awaiting sign-off by the designated professional]")
    assert registry.get("nyscp").contact("csc_front_door").line() == (
        "North Yorkshire Children's Social Care (front door): 0300 131 2 131"
    )


def test_unknown_profile(registry):
    with pytest.raises(UnknownProfileError, match=r"unknown profile 'kent' \(known: hips, nyscp\)"):
        registry.get("kent")


def test_past_review_date(registry):
    p = registry.get("nyscp")
    assert not p.is_past_review(p.review_date)
    assert p.is_past_review(date(2027, 7, 2))
    assert "01-Jul-2027" in p.review_warning(date(2027, 7, 2))


def write(tmp_path, text, name="nyscp.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        ('id = "nyscp"', 'id = "NY SCP"', "id", "lower-case"),
        (
            "age_floor_months = 6",
            'age_floor_months = "six"',
            "nim.age_floor_months",
            "must be a whole number (got string 'six')",
        ),
        (
            "age_floor_months = 6",
            "age_floor_months = 60",
            "nim.age_floor_months",
            "between 6 and 36",
        ),
        (
            "rolling_counts_as_mobile = false",
            "rolling_counts_as_mobile = true",
            "nim.rolling_counts_as_mobile",
            "disagrees",
        ),
        (
            '"crawls", "bottom_shuffles"',
            '"crawl", "bottom_shuffles"',
            "nim.milestones_that_end_nim[0]",
            "unknown milestone",
        ),
        (
            'qualifying = [\n  "bruise"',
            'qualifying = [\n  "bruse"',
            "findings.qualifying[0]",
            "unknown finding kind",
        ),
        ('"bleeding@nose"', '"bleeding@nostril"', "findings.emergency[1]", "kind@site"),
        (
            "written_referral_max_hours = 24",
            "written_referral_max_hours = -1",
            "timescales.written_referral_max_hours",
            "between 0 and 72",
        ),
        (
            "follow_up_skeletal_survey_days = [11, 14]",
            "follow_up_skeletal_survey_days = [14, 11]",
            "timescales.follow_up_skeletal_survey_days",
            "from <= to",
        ),
        (
            "review_date = 2027-07-01",
            "review_date = 2024-07-01",
            "review_date",
            "after effective_date",
        ),
        ('version = "2025.1"\n', "", "version", "required"),
        ("[contacts.police]", "[contacts.polis]", "contacts.police", "required"),
        (
            'approved_by = ""',
            'approved_by = "Dr A Example"',
            "sign_off.approved_on",
            "required when",
        ),
        (
            "[exceptions.birthmark]",
            "[exceptions.freckle]",
            "exceptions.freckle",
            "unknown exception type",
        ),
    ],
)
def test_malformed_profile_names_file_field_and_reason(tmp_path, old, new, field, reason):
    assert old in NYSCP
    path = write(tmp_path, NYSCP.replace(old, new, 1))
    with pytest.raises(ProfileError) as exc:
        load_profile_file(path)
    message = str(exc.value)
    assert re.search(rf"nyscp\.toml: {re.escape(field)}: .*{re.escape(reason)}", message), message


def test_not_toml_at_all(tmp_path):
    with pytest.raises(ProfileError, match=r"nyscp\.toml: not valid TOML"):
        load_profile_file(write(tmp_path, "id = [unclosed"))


def test_file_name_must_match_id(tmp_path):
    with pytest.raises(ProfileError, match=r"kent\.toml: id: must match the file name"):
        load_profile_file(write(tmp_path, NYSCP, "kent.toml"))


def test_one_bad_file_stops_the_registry_loading(tmp_path):
    write(tmp_path, NYSCP)
    write(
        tmp_path,
        NYSCP.replace('id = "nyscp"', 'id = "york"').replace(
            "age_floor_months = 6", "age_floor_months = -1"
        ),
        "york.toml",
    )
    with pytest.raises(ProfileError, match="york.toml: nim.age_floor_months"):
        ProfileRegistry.load(tmp_path)


def test_resources_are_read_from_the_checkout():
    assert resource("protocols", "nyscp.toml").is_file()


@pytest.mark.slow
def test_an_installed_wheel_carries_the_profiles(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    target = tmp_path / "site"
    wheel = next(wheel_dir.glob("triage_app-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import json, triage_app.domain.resources as r; from triage_app.domain.engine import Engine;"
        "e = Engine.load(); print(json.dumps([str(r.resource_root()), e.registry.ids()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    root, ids = __import__("json").loads(out.stdout)
    assert root.startswith(str(target))
    assert ids == ["hips", "nyscp"]


# ------------------------------------------------------------ strict loading (issue 11)
# The code review reproduced these against nyscp.toml: each was silently accepted before.
STRICT_TABLE = [
    # a misspelt key no longer takes its default silently
    (
        "frequent_attender_threshold = 3",
        "frequent_attender_threshhold = 1",
        "timescales.frequent_attender_threshhold",
        "unknown field",
    ),
    # the string "false" is not a boolean (it read as true and hid the sign-off caveat)
    (
        'name = "Emergency Duty Team"\nphone = "0300 131 2 131"\n'
        'hours = "evenings, weekends and bank holidays; ask for the Emergency Duty Team"\n'
        "verified = false",
        'name = "Emergency Duty Team"\nphone = "0300 131 2 131"\n'
        'hours = "evenings, weekends and bank holidays; ask for the Emergency Duty Team"\n'
        'verified = "false"',
        "contacts.out_of_hours.verified",
        "must be a boolean (got string 'false')",
    ),
    (
        "follow_up_window = true",
        'follow_up_window = "no"',
        "investigations[1].follow_up_window",
        "must be a boolean",
    ),
    # fields that were parsed and never used are refused, not carried
    (
        "[timescales]\n",
        "[timescales]\nmash_decision_working_days = 1\n",
        "timescales.mash_decision_working_days",
        "unknown field",
    ),
    (
        "[timescales]\n",
        "[timescales]\npaediatric_assessment_target_hours = 4\n",
        "timescales.paediatric_assessment_target_hours",
        "unknown field",
    ),
    (
        'schema = "triage-profile/1"\n',
        'schema = "triage-profile/1"\nimaging_policy = "CT head"\n',
        "imaging_policy",
        "unknown field",
    ),
    # wrong types anywhere
    ('phone_referral = "now"', "phone_referral = 1", "timescales.phone_referral", "string"),
    ("allowed = true", 'allowed = "yes"', "exceptions.birthmark.allowed", "must be a boolean"),
    ('approved_by = ""', "approved_by = false", "sign_off.approved_by", "must be a string"),
    (
        "effective_date = 2025-07-01",
        'effective_date = "2025-07-01"',
        "effective_date",
        "must be a date",
    ),
    (
        'field = "nim"\n',
        'field = "nim"\nowner = "Dr X"\n',
        "awaiting_sign_off[0].owner",
        "unknown field",
    ),
    # birth-injury limits: only for kinds the exception applies to, in days
    (
        "subconjunctival_haemorrhage = 14",
        "subconjunctival_haemorrhage = 14\nburn = 3",
        "exceptions.birth_injury.max_age_days.burn",
        "never be used",
    ),
    (
        "subconjunctival_haemorrhage = 14",
        "subconjunctival_haemorrhage = 400",
        "exceptions.birth_injury.max_age_days.subconjunctival_haemorrhage",
        "between 0 and 366",
    ),
    (
        "subconjunctival_haemorrhage = 14",
        'subconjunctival_haemorrhage = "two weeks"',
        "exceptions.birth_injury.max_age_days.subconjunctival_haemorrhage",
        "must be a whole number",
    ),
    (
        "complete_body_map = ",
        "complete_bodymap = ",
        "role_variants.early_years.action_text.complete_bodymap",
        "unknown action id",
    ),
    (
        "[role_variants.gp]",
        "[role_variants.pharmacy]",
        "role_variants.pharmacy",
        "unknown setting",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "reason"), STRICT_TABLE)
def test_strict_profile_names_file_field_and_reason(tmp_path, old, new, field, reason):
    assert old in NYSCP, old
    path = write(tmp_path, NYSCP.replace(old, new, 1))
    with pytest.raises(ProfileError) as exc:
        load_profile_file(path)
    message = str(exc.value)
    assert re.search(rf"nyscp\.toml: {re.escape(field)}: .*{re.escape(reason)}", message), message


def test_the_shipped_profiles_have_no_unused_or_unknown_field(registry):
    # loading is strict, so loading at all proves it; and the three dead fields are gone
    for p in registry:
        for name in ("imaging_policy", "mash_decision_working_days"):
            assert not hasattr(p, name)
        assert not hasattr(p, "paediatric_assessment_target_hours")


def test_unverified_contact_keeps_its_caveat_when_verified_is_false(registry):
    line = registry.get("nyscp").contact("out_of_hours").line()
    assert line.endswith("[details awaiting sign-off by the designated professional]")

"""``triage-app case``, ``assess --record`` and ``cases``: the case contract headless.

Run as a user would (SQLite always; PostgreSQL too when TRIAGE_TEST_PG_URL is set). A refusal
exits 1 with one ``Cn: ...`` line per reason and changes nothing; bad input exits 2. The Child
AF sequence runs end to end with the contract's commands.
"""

import importlib.util
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from triage_app import cli

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("store_fixtures", ROOT / "tests/store/conftest.py")
_fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fx)

TODAY = date.today()
DOB = TODAY - timedelta(days=60)
AF_NHS = _fx.NHS[7]
HEALTH = "Dr K Shah;named doctor;health"
CSC = "J Reed;team manager;csc"
SW = "A Social;social worker;csc"


def init_tester(_monkeypatch):
    """``triage-app init --user tester`` (the password from TRIAGE_PASSWORD)."""
    assert cli.main(["init", "--user", "tester"]) == 0


@pytest.fixture(params=_fx.BACKENDS)
def store(request, app_home, monkeypatch, capsys, home_from_template):
    if request.param == "sqlite":
        monkeypatch.setenv("TRIAGE_USER", "tester")
        monkeypatch.setenv("TRIAGE_PASSWORD", "tester-password")
        home_from_template("tester", init_tester)
        capsys.readouterr()
        return []
    _fx.reset_postgres(_fx.PG_URL)
    return ["--database-url", _fx.PG_URL]


def run(capsys, store, *argv):
    code = cli.main([*argv, *store])
    out, err = capsys.readouterr()
    return code, out, err


def t(day: date, hhmm: str = "10:30") -> str:
    return f"{day.isoformat()}T{hhmm}"


def presentation(tmp_path, name, on, setting, findings, words):
    data = {
        "schema": "triage-assess/1",
        "assessed_at": t(on),
        "setting": setting,
        "child": {
            "family_name": "Example",
            "given_name": "Alfie",
            "date_of_birth": DOB.isoformat(),
            "nhs_number": AF_NHS,
        },
        "findings": findings,
        "explanation": {"text": words, "given_by": "mother"},
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def show(capsys, store, case_id):
    code, out, err = run(capsys, store, "case", "show", str(case_id), "--json")
    assert code == 0, err
    return json.loads(out)


def refused(capsys, store, *argv, rule):
    """Exit 1, every stderr line names a rule, the named rule among them; nothing changed."""
    case_id = argv[2]
    before = show(capsys, store, case_id)
    code, out, err = run(capsys, store, *argv)
    assert code == 1, (out, err)
    lines = err.strip().splitlines()
    assert lines and all(line[:3] in {f"C{n}:" for n in range(1, 9)} for line in lines), lines
    assert any(line.startswith(rule) for line in lines), lines
    after = show(capsys, store, case_id)
    assert after == before
    return lines


@pytest.fixture
def af(tmp_path, capsys, store):
    """Child AF: three presentations recorded with ``assess --record`` join one case."""
    p1 = presentation(tmp_path, "p1", DOB + timedelta(days=21), "gp",
                      [{"kind": "bleeding", "site": "mouth"}], "scratched her mouth with a nail")  # fmt: skip
    p2 = presentation(tmp_path, "p2", DOB + timedelta(days=35), "health_visitor",
                      [{"kind": "subconjunctival_haemorrhage", "site": "subconjunctiva",
                        "side": "left"}], "after she cried a lot")  # fmt: skip
    p3 = presentation(tmp_path, "p3", DOB + timedelta(days=42), "ed",
                      [{"kind": "mark", "site": "lower_leg", "side": "right"}], "cot bars")  # fmt: skip
    ids = []
    for path in (p1, p2, p3):
        code, out, err = run(capsys, store, "assess", path, "--record")
        assert code == 0, err
        decision = json.loads(out)
        assert decision["schema"] == "triage-decision/1"
        ids.append(decision["case_id"])
    assert len(set(ids)) == 1
    return ids[0]


def test_child_af_sequence_headless(capsys, store, af):
    case_id = str(af)
    shown = show(capsys, store, case_id)
    assert len(shown["presentations"]) == 3 and shown["status"] == "open"
    stage1_on = TODAY - timedelta(days=17)
    code, _, err = run(capsys, store, "case", "investigation", case_id, "skeletal_survey_initial",
                       "--report", "--performed-on", stage1_on.isoformat(),
                       "--result", "no fracture seen")  # fmt: skip
    assert code == 0, err
    shown = show(capsys, store, case_id)
    initial, follow = shown["investigations"]
    assert (initial["stage"], initial["result"]) == ("1 of 2: not complete", "no fracture seen")
    assert (follow["kind"], follow["status"]) == ("skeletal_survey_follow_up", "pending")
    window = (stage1_on + timedelta(days=11), stage1_on + timedelta(days=14))
    assert (follow["due_from"], follow["due_to"]) == tuple(d.isoformat() for d in window)
    assert shown["status"] == "results_pending"

    code, _, err = run(capsys, store, "case", "meeting", case_id,
                       "--held-at", t(stage1_on, "14:00"), "--attendee", HEALTH, "--attendee", CSC,
                       "--outcome", "s47 enquiry", "--supervision", "impose",
                       "--conditions", "supervised contact only",
                       "--relax-conditions", "both stages reported and heard",
                       "--review-on", (TODAY + timedelta(days=5)).isoformat())  # fmt: skip
    assert code == 0, err

    for outcome in ("no_concern", "csc_lead", "child_protection_plan", "other"):
        refused(capsys, store, "case", "close", case_id, "--outcome", outcome,
                "--reason", "stage 1 normal", rule="C1: the follow-up skeletal survey is pending")  # fmt: skip

    review = t(TODAY - timedelta(days=10), "09:00")
    refused(capsys, store, "case", "meeting", case_id, "--held-at", review, "--attendee", SW,
            "--outcome", "review", "--supervision", "relax", "--reason", "stage 1 normal",
            rule="C4: a decision to relax supervision needs at least one health")  # fmt: skip
    refused(capsys, store, "case", "meeting", case_id, "--held-at", review,
            "--attendee", HEALTH, "--attendee", CSC, "--outcome", "review",
            "--supervision", "relax", rule="C4: relaxing supervision before both")  # fmt: skip

    stage2_on = window[0] + timedelta(days=1)
    code, _, err = run(capsys, store, "case", "investigation", case_id,
                       "skeletal_survey_follow_up", "--report", "--performed-on",
                       stage2_on.isoformat(), "--result", "two rib fractures")  # fmt: skip
    assert code == 0, err
    shown = show(capsys, store, case_id)
    assert shown["investigations"][0]["stage"] == "1 of 2"
    assert shown["investigations"][1]["result"] == "two rib fractures"
    due = {d["id"] for d in shown["due"]}
    assert "strategy_review" in due
    assert shown["supervision"]["in_force"] is True
    assert shown["supervision"]["conditions"] == "supervised contact only"
    assert "Dr K Shah (named doctor, health)" in shown["supervision"]["decided_by"]


def test_addendum_falls_due_when_a_result_arrives_after_sealing(capsys, store, af):
    case_id = str(af)
    stage1_on = TODAY - timedelta(days=17)
    run(capsys, store, "case", "investigation", case_id, "skeletal_survey_initial", "--report",
        "--performed-on", stage1_on.isoformat(), "--result", "no fracture seen")  # fmt: skip
    code, _, err = run(capsys, store, "record", "finalise", case_id)
    assert code == 1 and "where the child is now" in err  # sealing needs the location
    code, _, err = run(capsys, store, "case", "location", case_id, "--where", "admitted",
                       "--detail", "Ward 7", "--with", "mother")  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, store, "record", "finalise", case_id)
    assert code == 0, err
    run(capsys, store, "case", "investigation", case_id, "skeletal_survey_follow_up", "--report",
        "--performed-on", (stage1_on + timedelta(days=12)).isoformat(),
        "--result", "two rib fractures")  # fmt: skip
    assert "record_addendum" in {d["id"] for d in show(capsys, store, case_id)["due"]}


def test_bypasses_are_refused_through_the_command_line(capsys, store, af):
    case_id = str(af)
    stage1_on = TODAY - timedelta(days=3)
    run(capsys, store, "case", "investigation", case_id, "skeletal_survey_initial", "--report",
        "--performed-on", stage1_on.isoformat(), "--result", "no fracture seen")  # fmt: skip
    refused(capsys, store, "case", "investigation", case_id, "skeletal_survey_follow_up",
            "--report", "--performed-on", TODAY.isoformat(), "--result", "normal",
            rule="C2: the follow-up skeletal survey's window opens on")  # fmt: skip
    refused(capsys, store, "case", "investigation", case_id, "bloods", "--not-required",
            "--by", "Dr K", rule="C2: marking an investigation not required needs a reason")  # fmt: skip
    refused(capsys, store, "case", "action", case_id, "check_cp_is", "--waive", "--by", "Dr K",
            rule="C3: waiving a duty needs a reason")  # fmt: skip
    refused(capsys, store, "case", "meeting", case_id, "--held-at", t(TODAY, "00:01"),
            "--attendee", SW, "--outcome", "call", "--supervision", "impose",
            "--conditions", "c", "--relax-conditions", "r",
            rule="C4: a decision to impose supervision needs")  # fmt: skip
    refused(capsys, store, "case", "close", case_id, "--outcome", "other", "--reason",
            "moved out of area", rule="C1: the follow-up skeletal survey is pending")  # fmt: skip
    lines = refused(capsys, store, "case", "close", case_id, "--outcome", "other", "--reason",
                    "moved", rule="C6: the duty")  # fmt: skip
    assert len(lines) > 2


def test_closed_cases_are_listed_and_reopened(capsys, store, tmp_path):
    path = presentation(tmp_path, "p", TODAY - timedelta(days=1), "gp",
                        [{"kind": "bruise", "site": "cheek"}], "rolled")  # fmt: skip
    code, out, _ = run(capsys, store, "assess", path, "--record")
    case_id = str(json.loads(out)["case_id"])
    for duty in [d["id"] for d in show(capsys, store, case_id)["due"]]:
        code, _, err = run(capsys, store, "case", "action", case_id, duty, "--waive",
                           "--reason", "test of closing", "--by", "Dr K")  # fmt: skip
        assert code == 0, err
    code, _, err = run(capsys, store, "case", "close", case_id, "--outcome", "csc_lead",
                       "--reason", "CSC lead")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, store, "cases", "--json", "--closed")
    assert [c["id"] for c in json.loads(out)["cases"]] == [int(case_id)]
    refused(capsys, store, "case", "reopen", case_id, rule="C6: reopening a case needs a reason")
    code, out, _ = run(capsys, store, "case", "reopen", case_id, "--reason", "new injury")
    assert code == 0 and "open" in out
    assert show(capsys, store, case_id)["status"] == "open"


@pytest.mark.parametrize(
    "argv",
    [
        ["case", "show", "999"],
        ["case", "investigation", "{id}", "xray", "--request"],
        ["case", "action", "{id}", "not_an_action", "--done"],
        ["case", "close", "{id}", "--outcome", "maybe", "--reason", "r"],
        ["case", "meeting", "{id}", "--held-at", "yesterday", "--outcome", "x"],
        ["case", "meeting", "{id}", "--held-at", "2025-09-03T10:00", "--attendee", "A;B;family"],
        ["case", "investigation", "{id}", "bloods", "--report", "--performed-on", "3/9/25"],
        ["case", "undo", "{id}", "not_an_action"],
        ["case", "undo", "999", "phone_csc"],
        ["case", "action", "{id}", "inform_parents", "--done", "--handler", "J Reed"],
    ],
)
def test_bad_input_exits_2_and_changes_nothing(capsys, store, tmp_path, argv):
    path = presentation(tmp_path, "p", TODAY - timedelta(days=1), "gp",
                        [{"kind": "bruise", "site": "cheek"}], "rolled")  # fmt: skip
    code, out, _ = run(capsys, store, "assess", path, "--record")
    case_id = json.loads(out)["case_id"]
    before = show(capsys, store, case_id)
    with pytest.raises(SystemExit) as stop:
        code = cli.main([a.format(id=case_id) for a in argv] + store)
        raise SystemExit(code)
    capsys.readouterr()
    assert stop.value.code == 2
    assert show(capsys, store, case_id) == before


def test_cases_json_and_case_show_list_the_same_due_items_for_every_demo_case(capsys, store):
    assert run(capsys, store, "demo", "load")[0] == 0
    code, out, _ = run(capsys, store, "cases", "--json")
    listed = json.loads(out)["cases"]
    assert listed
    for c in listed:
        assert show(capsys, store, c["id"])["due"] == c["due"]


def test_assess_record_bad_input_stores_nothing(capsys, store, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema": "triage-assess/1"}), encoding="utf-8")
    code, _, err = run(capsys, store, "assess", str(path), "--record")
    assert code == 2 and err
    code, out, _ = run(capsys, store, "cases", "--json")
    assert json.loads(out)["cases"] == []


def one_case(capsys, store, tmp_path):
    path = presentation(tmp_path, "p", TODAY - timedelta(days=1), "gp",
                        [{"kind": "bruise", "site": "cheek"}], "rolled")  # fmt: skip
    code, out, err = run(capsys, store, "assess", path, "--record")
    assert code == 0, err
    return str(json.loads(out)["case_id"])


def due_ids(capsys, store, case_id):
    return {d["id"] for d in show(capsys, store, case_id)["due"]}


def test_case_undo_takes_back_the_latest_action_as_a_new_event(capsys, store, tmp_path):
    case_id = one_case(capsys, store, tmp_path)
    assert "inform_parents" in due_ids(capsys, store, case_id)
    code, _, err = run(capsys, store, "case", "action", case_id, "inform_parents", "--done",
                       "--by", "Dr K", "--note", "told mother")  # fmt: skip
    assert code == 0, err
    assert "inform_parents" not in due_ids(capsys, store, case_id)
    code, out, err = run(capsys, store, "case", "undo", case_id, "inform_parents",
                         "--reason", "told the wrong parent")  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"case {case_id}: ")
    assert "inform_parents" in due_ids(capsys, store, case_id)  # due again
    actions = show(capsys, store, case_id)["actions"]
    done, undone = actions[-2:]  # nothing deleted: the record and its undoing (C6)
    assert done["id"] == "inform_parents" and done["note"] == "told mother"
    assert undone["id"] == "action_undone" and undone["reason"] == "told the wrong parent"
    code, out, _ = run(capsys, store, "case", "show", case_id)
    assert "action: inform_parents" not in out  # the text shows what stands


def test_case_undo_is_refused_by_rule_c6_and_changes_nothing(capsys, store, tmp_path):
    case_id = one_case(capsys, store, tmp_path)
    refused(capsys, store, "case", "undo", case_id, "inform_parents",
            rule="C6: there is no record of inform_parents")  # fmt: skip
    for duty in ("inform_parents", "check_household_children"):
        code, _, err = run(capsys, store, "case", "action", case_id, duty, "--done")
        assert code == 0, err
    refused(capsys, store, "case", "undo", case_id, "inform_parents",
            rule="C6: only the latest action")  # fmt: skip
    code, _, err = run(capsys, store, "case", "undo", case_id, "check_household_children")
    assert code == 0, err
    refused(capsys, store, "case", "undo", case_id, "check_household_children",
            rule="C6: there is no record")  # fmt: skip


def test_only_a_phone_call_names_a_call_handler_in_case_show(capsys, store, tmp_path):
    case_id = one_case(capsys, store, tmp_path)
    code, _, err = run(capsys, store, "case", "action", case_id, "phone_csc", "--done",
                       "--by", "Dr K", "--handler", "J Reed (MAST)", "--reference", "R1",
                       "--note", "advice: see today")  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, store, "case", "action", case_id, "inform_parents", "--done",
                       "--by", "Dr L")  # fmt: skip
    assert code == 0, err
    by_id = {a["id"]: a for a in show(capsys, store, case_id)["actions"]}
    call, told = by_id["phone_csc"], by_id["inform_parents"]
    assert (call["by"], call["handler"], call["note"]) == (
        "Dr K",
        "J Reed (MAST)",
        "advice: see today",
    )
    assert (told["by"], told["handler"]) == ("Dr L", None)
    code, out, _ = run(capsys, store, "case", "show", case_id)
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("action: ")}
    assert "by Dr K; call handler: J Reed (MAST); reference R1" in lines["phone_csc"]
    assert lines["inform_parents"].endswith("by Dr L")
    assert "handler" not in lines["inform_parents"]

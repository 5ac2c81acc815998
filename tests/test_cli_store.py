"""The record store's commands, run as a user would (history, cases, import, demo, audit,
assess --lookup). On SQLite always; on PostgreSQL too when TRIAGE_TEST_PG_URL is set."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from triage_app import cli
from triage_app.services import demo

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("store_fixtures", ROOT / "tests/store/conftest.py")
_fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fx)
HEADER = (
    "source,source_id,nhs_number,family_name,given_name,date_of_birth,sex,postcode,"
    "seen_at,setting,organisation,complaint,findings,outcome"
)


def init_tester(_monkeypatch):
    """``triage-app init --user tester`` (the password from TRIAGE_PASSWORD)."""
    assert cli.main(["init", "--user", "tester"]) == 0


@pytest.fixture(params=_fx.BACKENDS)
def store(request, app_home, monkeypatch, capsys, home_from_template):
    """Extra arguments selecting the database: none (TRIAGE_HOME's SQLite) or --database-url.

    The SQLite folder is initialised (encrypted) and the commands sign in as its administrator.
    """
    if request.param == "sqlite":
        monkeypatch.setenv("TRIAGE_USER", "tester")
        monkeypatch.setenv("TRIAGE_PASSWORD", "tester-password")
        home_from_template("tester", init_tester)
        capsys.readouterr()
        return []
    _fx.reset_postgres(_fx.PG_URL)
    return ["--database-url", _fx.PG_URL]


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def loaded(capsys, store):
    code, out, _ = run(capsys, "demo", "load", *store)
    assert code == 0 and "demo loaded" in out
    return store


def test_demo_load_twice_changes_nothing(capsys, loaded):
    code, out, _ = run(capsys, "demo", "load", *loaded)
    assert code == 0 and "already loaded" in out


def test_history_by_nhs_number_text_and_json(capsys, loaded):
    code, out, _ = run(capsys, "history", "--nhs-number", "999 000 0026", *loaded)
    assert code == 0
    assert "ASHBY, Alfie" in out and "NHS No. 999 000 0026" in out
    assert "prior_injury_presentation" in out and "sibling: ASHBY, Freya" in out
    code, out, _ = run(capsys, "history", "--nhs-number", demo.AF_NHS, "--json", *loaded)
    data = json.loads(out)
    assert data["schema"] == "triage-history/1" and data["child"]["nhs_number"] == demo.AF_NHS
    seen = [p["seen_at"] for p in data["presentations"]]
    assert seen == sorted(seen, reverse=True) and len(seen) == 3
    assert {f["id"] for f in data["flags"]} >= {
        "prior_injury_presentation",
        "family_safeguarding_history",
    }


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--nhs-number", "9990000027"], 2, "--nhs-number: fails the Modulus 11 check digit"),
        (["--nhs-number", "9990000085"], 1, "no child with this NHS number"),
        (["--name", "ASHBY, Alfie"], 2, "with --dob"),
        (["--name", "ASHBY, Alfie", "--dob", "13/10/2025"], 2, "--dob: must be a date"),
        (["--nhs-number", "9990000026", "--name", "X, Y"], 2, "not both"),
    ],
)
def test_history_errors(capsys, loaded, argv, code, message):
    got, out, err = run(capsys, "history", *argv, *loaded)
    assert got == code and message in err and out == ""


def test_history_by_name_and_dob_lists_ranked_probable_matches(capsys, loaded):
    code, out, _ = run(capsys, "history", "--nhs-number", demo.AF_NHS, "--json", *loaded)
    dob = json.loads(out)["child"]["date_of_birth"]
    code, out, _ = run(
        capsys,
        "history",
        "--name",
        "ASHBY, Alfy",
        "--dob",
        dob,
        "--postcode",
        "xx1 1aa",
        "--json",
        *loaded,
    )
    data = json.loads(out)
    assert code == 0 and data["schema"] == "triage-matches/1"
    top = data["matches"][0]
    assert top["child"]["nhs_number"] == demo.AF_NHS
    assert "date of birth exact" in top["reasons"] and "same postcode" in top["reasons"]
    code, out, _ = run(capsys, "history", "--name", "NOBODY, Here", "--dob", dob, *loaded)
    assert code == 1 and "No probable matches" in out


def test_cases_lists_states_sealed_and_what_is_due(capsys, loaded):
    code, out, _ = run(capsys, "cases", "--json", *loaded)
    data = json.loads(out)
    by_name = {c["child"]["name"]: c for c in data["cases"]}
    assert by_name["ASHBY, Alfie"]["status"] == "results_pending"
    assert by_name["ASHBY, Alfie"]["due"][0]["what"] == "skeletal_survey_follow_up"
    brooks = {d["what"]: d["overdue"] for d in by_name["BROOKS, Isla"]["due"]}
    assert brooks["written_referral"] is True  # with every other overdue duty (case rule C7)
    assert by_name["OKAFOR, Zara"]["status"] == "closed"
    assert {n: c["sealed"] for n, c in by_name.items()} == {
        "ASHBY, Alfie": True,  # the demo's Child AF case has a sealed referral record
        "BROOKS, Isla": False,
        "OKAFOR, Zara": False,
    }
    code, out, _ = run(capsys, "cases", *loaded)
    assert code == 0 and "OVERDUE written referral" in out and "sealed" in out


def test_import_summary_rejects_and_reimport(capsys, store, tmp_path):
    src = tmp_path / "feed.csv"
    src.write_text(
        HEADER + "\n"
        "emis,1,9990000093,Example,Ava,2025-07-20,female,XX1 1AA,2025-08-14T09:30,gp,"
        'Synthetic Surgery,"mouth, bleeding",bleeding@mouth,advice given\n'
        "emis,2,9990000093,Example,Ava,2025-07-20,female,XX1 1AA,2025-08-28T09:30,gp,"
        "Synthetic Surgery,eye,subconjunctival_haemorrhage@subconjunctiva,advice given\n"
        "emis,3,9990000093,Example,Ava,2025-07-20,female,XX1 1AA,yesterday,gp,o,c,,o\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import", "presentations", str(src), *store)
    assert code == 1  # some rows were rejected (the good ones are in)
    assert "read 3, imported 2, duplicates skipped 0, rejected 1" in out
    assert (tmp_path / "feed.rejects.csv").exists()
    code, out, _ = run(capsys, "import", "presentations", str(src), *store)
    assert "imported 0, duplicates skipped 2, rejected 1" in out
    code, out, _ = run(capsys, "history", "--nhs-number", "9990000093", "--json", *store)
    complaints = [p["complaint"] for p in json.loads(out)["presentations"]]
    assert complaints == ["eye", "mouth, bleeding"]  # newest first, text verbatim


def test_import_bad_header_or_missing_file_is_bad_input(capsys, store, tmp_path):
    src = tmp_path / "feed.csv"
    src.write_text("source,source_id\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "presentations", str(src), *store)
    assert code == 2 and "missing columns" in err and "nothing was imported" in err
    code, _, err = run(capsys, "import", "presentations", str(tmp_path / "nope.csv"), *store)
    assert code == 2 and "file not found" in err


def test_demo_generate_is_reported(capsys, store):
    code, out, _ = run(
        capsys,
        "demo",
        "generate",
        "--children",
        "50",
        "--presentations",
        "200",
        "--seed",
        "3",
        *store,
    )
    assert code == 0 and "generated 50 children, 200 presentations" in out


def test_audit_verify_intact_then_broken(capsys, loaded):
    code, out, _ = run(capsys, "audit", "verify", *loaded)
    assert code == 0 and "audit trail intact" in out
    from triage_app.bootstrap import open_record_store

    if loaded:
        ctx = open_record_store(database_url=loaded[1])
    else:
        ctx = open_record_store(user="tester", password="tester-password")
    sqlite = ctx.engine.dialect.name == "sqlite"
    with ctx.engine.begin() as conn:
        if sqlite:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        conn.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = 7"))
    ctx.close()
    code, out, _ = run(capsys, "audit", "verify", *loaded)
    assert code == 1 and "BROKEN at event 7" in out and "altered" in out


def _case(tmp_path, **child):
    case = {
        "schema": "triage-assess/1",
        "assessed_at": "2030-01-01T09:00",
        "setting": "gp",
        "child": {"nhs_number": demo.AF_NHS, **child},
        "findings": [{"kind": "bruise", "site": "thigh"}],
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def test_assess_lookup_adds_stored_history(capsys, loaded, tmp_path):
    code, out, _ = run(capsys, "history", "--nhs-number", demo.AF_NHS, "--json", *loaded)
    dob = json.loads(out)["child"]["date_of_birth"]
    case = _case(tmp_path, date_of_birth=dob)
    code, out, _ = run(capsys, "assess", str(case))
    alone = {f["id"] for f in json.loads(out)["flags"]}
    code, out, err = run(capsys, "assess", str(case), "--lookup", *loaded)
    assert code == 0
    together = {f["id"] for f in json.loads(out)["flags"]}
    assert "prior_injury_presentation" not in alone
    assert {"prior_injury_presentation", "family_safeguarding_history"} <= together
    assert "added 3 stored presentation(s) and 1 household child(ren)" in err


def test_assess_without_lookup_touches_no_database(capsys, app_home, tmp_path):
    case = _case(tmp_path, date_of_birth="2029-11-01")
    code, out, _ = run(capsys, "assess", str(case))
    assert code == 0 and json.loads(out)["schema"] == "triage-decision/1"
    assert not app_home.exists()


def test_assess_lookup_with_a_broken_database_url_says_so(capsys, tmp_path):
    case = _case(tmp_path, date_of_birth="2029-11-01")
    code, out, err = run(
        capsys,
        "assess",
        str(case),
        "--lookup",
        "--database-url",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    assert code == 1 and out == "" and "database: cannot be opened" in err
    assert "nobody" not in err  # the URL (which may hold a password) is not echoed


def test_real_process_history_and_private_database(tmp_path):
    env = {"TRIAGE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    for argv in (["demo", "load"], ["history", "--nhs-number", demo.AF_NHS]):
        result = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "fast_kdf.py"), *argv],  # test-speed Argon2
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    assert "ASHBY, Alfie" in result.stdout
    db = tmp_path / "home" / "triage.sqlite3"
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "home").stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize(
    ("extra", "problem"),
    [(["--profile", "nowhere"], "unknown profile"), ([], "child.date_of_birth: after assessed_at")],
)
def test_assess_lookup_with_bad_input_writes_nothing(capsys, app_home, tmp_path, extra, problem):
    case = _case(tmp_path, date_of_birth="2031-01-01" if not extra else "2029-11-01")
    code, out, err = run(capsys, "assess", str(case), "--lookup", *extra)
    assert code == 2 and out == "" and problem in err
    assert not app_home.exists()  # no database was created, nothing audited


def test_an_old_database_is_backed_up_and_upgraded_when_opened(capsys, app_home):
    from triage_app.store import migrate
    from triage_app.store.db import make_engine

    app_home.mkdir(parents=True)
    db = app_home / "triage.sqlite3"
    engine = make_engine(db)
    migrate.upgrade(engine, target="0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO child (nhs_number, family_name, given_name, date_of_birth, created_at, "
                "created_by, row_version) VALUES ('9990000093', 'Example', 'Ava', '2025-07-20', "
                "'2025-08-01 09:00:00', 'old', 1)"
            )
        )
    engine.dispose()
    code, out, err = run(capsys, "history", "--nhs-number", "9990000093")
    assert code == 0, err
    assert "EXAMPLE, Ava" in out
    [backup] = (app_home / "backups").glob("triage-rev0001-*.sqlite3")
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert migrate.current_revision(make_engine(db)) == migrate.head_revision()


def test_an_unexpected_failure_is_one_clear_line_not_a_traceback(capsys, store, monkeypatch):
    from triage_app.services import cases, permissions

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(cases, "list_cases", broken)
    monkeypatch.setattr(permissions, "visible_cases", broken)
    code, out, err = run(capsys, "cases", *store)
    assert code == 1 and out == ""
    assert err.strip() == "cases: failed (RuntimeError: disk went away); nothing was changed"

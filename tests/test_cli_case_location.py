"""`triage-app case location`: where the child is now and with whom (case-contract.md)."""

import importlib.util
import json
from pathlib import Path

import pytest

from triage_app import cli

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("store_fixtures", ROOT / "tests/store/conftest.py")
_fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fx)


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def brooks(capsys, app_home):
    assert run(capsys, "demo", "load")[0] == 0
    _, out, _ = run(capsys, "cases", "--json")
    return next(
        c["id"] for c in json.loads(out)["cases"] if c["child"]["name"].startswith("BROOKS")
    )


def test_location_is_recorded_and_printed_in_the_sealed_record(capsys, brooks, tmp_path):
    code, out, err = run(
        capsys, "case", "location", brooks, "--where", "admitted",
        "--detail", "Ward 7 (children's ward)", "--with", "mother",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Admitted: Ward 7 (children's ward), with mother" in out
    assert run(capsys, "record", "finalise", brooks)[0] == 0
    pdf = tmp_path / "r.pdf"
    assert run(capsys, "record", "export", brooks, "--pdf", pdf)[0] == 0
    from pypdf import PdfReader

    words = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Where the child is now Admitted: Ward 7 (children's ward), with mother" in words


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--where", "garden", "--detail", "x"], "where must be one of"),
        (["--where", "admitted", "--detail", " "], "give the ward"),
        (["--where", "home", "--detail", "home address"], "named carer"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(capsys, brooks, argv, message):
    code, out, err = run(capsys, "case", "location", brooks, *argv)
    assert code == 2 and out == "" and message in err
    assert current(brooks).line() == "At home: home address on record, with mother"  # unchanged


def current(case_id):
    from triage_app.bootstrap import open_record_store
    from triage_app.services import handover

    ctx = open_record_store()
    try:
        return handover.current_location(ctx, case_id)
    finally:
        ctx.close()


def test_sealing_needs_a_location(capsys, brooks):
    from triage_app.bootstrap import open_record_store
    from triage_app.store.orm import CaseLocationRow

    ctx = open_record_store()
    try:
        with ctx.transaction() as s:  # as for a case recorded before locations were kept
            s.query(CaseLocationRow).filter(CaseLocationRow.case_id == brooks).delete()
    finally:
        ctx.close()
    code, _, err = run(capsys, "record", "finalise", brooks)
    assert code == 1 and "where the child is now" in err and "case location" in err
    assert (
        run(capsys, "case", "location", brooks, "--where", "other", "--detail", "nursery")[0] == 0
    )
    assert run(capsys, "record", "finalise", brooks)[0] == 0


def test_unknown_case_exits_2(capsys, brooks):
    code, _, err = run(capsys, "case", "location", 999, "--where", "other", "--detail", "x")
    assert code == 2 and "no case with id 999" in err
    code, _, err = run(capsys, "case", "location", "abc", "--where", "other", "--detail", "x")
    assert code == 2

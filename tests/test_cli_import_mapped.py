"""``import presentations FILE --map MAPPING.toml [--dry-run]``, run as a user would."""

import json
import shutil
from pathlib import Path

import pytest

from triage_app import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "imports"


def init_tester(_monkeypatch):
    """``triage-app init --user tester`` (the password from TRIAGE_PASSWORD)."""
    assert cli.main(["init", "--user", "tester"]) == 0


@pytest.fixture
def store(monkeypatch, capsys, home_from_template):
    """An initialised (encrypted) SQLite folder the commands sign in to."""
    monkeypatch.setenv("TRIAGE_USER", "tester")
    monkeypatch.setenv("TRIAGE_PASSWORD", "tester-password")
    home_from_template("tester", init_tester)
    capsys.readouterr()


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def copy(tmp_path, name):
    target = tmp_path / f"{name}.csv"
    shutil.copy(EXAMPLES / f"{name}.csv", target)
    return str(target)


def history(capsys, nhs):
    code, out, _ = run(capsys, "history", "--nhs-number", nhs, "--json")
    return json.loads(out)["presentations"] if code == 0 else []


def test_dry_run_prints_counts_and_first_rows_and_stores_nothing(capsys, store, tmp_path):
    path = copy(tmp_path, "ecds-ed")
    code, out, err = run(capsys, "import", "presentations", path, "--map", "ecds-ed", "--dry-run")
    assert code == 0, err
    assert "Preview (nothing stored)" in out
    assert (
        "read 6, would import 6, duplicates skipped 0, rejected 0; mapped to findings 2, "
        "flagged 'possible injury: review' 3" in out
    )
    assert "First rows mapped to findings:" in out and "bruise@subconjunctiva" in out
    assert (
        "First rows flagged for review" in out and "possible injury: review (fall, injury)" in out
    )
    assert history(capsys, "9990000018") == []  # nothing stored


@pytest.mark.parametrize(
    ("name", "nhs", "findings", "review"),
    [
        ("ecds-ed", "9990000034", [{"kind": "bruise", "site": "subconjunctiva"}], None),
        ("gp-report", "9990000077", [], "possible injury: review (blood, bleeding)"),
        ("health-visiting", "9990000115", [], "possible injury: review (fell, swelling)"),
    ],
)
def test_each_shipped_mapping_imports_its_sample_from_the_command_line(
    capsys, store, tmp_path, name, nhs, findings, review
):
    code, out, err = run(capsys, "import", "presentations", copy(tmp_path, name), "--map", name)
    assert code == 0, err
    assert "rejected 0" in out
    (p,) = history(capsys, nhs)
    assert p["findings"] == findings and p["review"] == review


def test_a_mapping_file_by_path_and_a_rejected_row(capsys, store, tmp_path):
    mapping = tmp_path / "ours.toml"
    mapping.write_text(
        (ROOT / "resources/import-maps/gp-report.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    src = tmp_path / "gp.csv"
    lines = (EXAMPLES / "gp-report.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("03/06/2025", "2025-06-03")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", "presentations", str(src), "--map", str(mapping))
    assert code == 1  # some rows were rejected (the good ones are in)
    assert "read 5, imported 4, duplicates skipped 0, rejected 1" in out
    rejects = (tmp_path / "gp.rejects.csv").read_text(encoding="utf-8")
    assert "Date of Birth: '2025-06-03' is not a date DD/MM/YYYY" in rejects


def test_a_malformed_mapping_exits_2_naming_file_key_and_reason(capsys, store, tmp_path):
    bad = tmp_path / "bad.toml"
    text = (ROOT / "resources/import-maps/ecds-ed.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('date = "DD/MM/YYYY"', 'date = "DD/MM/YY"'), encoding="utf-8")
    code, out, err = run(
        capsys, "import", "presentations", copy(tmp_path, "ecds-ed"), "--map", str(bad)
    )
    assert code == 2 and out == ""
    assert f"{bad}: formats.date: 'DD/MM/YY' is ambiguous: a two-digit year" in err
    assert "nothing was imported" in err


def test_unknown_mapping_and_dry_run_without_a_mapping_are_bad_input(capsys, store, tmp_path):
    path = copy(tmp_path, "ecds-ed")
    code, _, err = run(capsys, "import", "presentations", path, "--map", "nonesuch")
    assert code == 2 and "shipped mappings: ecds-ed, gp-report, health-visiting" in err
    code, _, err = run(capsys, "import", "presentations", path, "--dry-run")
    assert code == 2 and "--dry-run: give --map" in err

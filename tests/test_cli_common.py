"""The command line's shared sign-in helper and its one composition root per command."""

import argparse
import json
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest

from triage_app import cli, cli_common
from triage_app.domain import guidance as guidance_module
from triage_app.domain import profile as profile_module


def init_tester(_monkeypatch):
    """``triage-app init --user tester`` (the password from TRIAGE_PASSWORD)."""
    assert cli.main(["init", "--user", "tester"]) == 0


@pytest.fixture
def signed_in(app_home, monkeypatch, capsys, home_from_template):
    monkeypatch.setenv("TRIAGE_USER", "tester")
    monkeypatch.setenv("TRIAGE_PASSWORD", "tester-password")
    home_from_template("tester", init_tester)
    capsys.readouterr()


def _count_loads(monkeypatch) -> dict[str, int]:
    """Count the loads of the two files an engine is made from (``Engine.load`` reads both;
    the engine class itself may be compiled, which takes no patched method)."""
    counts = {"guidance": 0, "profiles": 0}
    guidance_load = guidance_module.Guidance.load.__func__
    registry_load = profile_module.ProfileRegistry.load.__func__

    def counted_guidance(cls, *a, **k):
        counts["guidance"] += 1
        return guidance_load(cls, *a, **k)

    def counted_registry(cls, *a, **k):
        counts["profiles"] += 1
        return registry_load(cls, *a, **k)

    monkeypatch.setattr(guidance_module.Guidance, "load", classmethod(counted_guidance))
    monkeypatch.setattr(profile_module.ProfileRegistry, "load", classmethod(counted_registry))
    return counts


def test_assess_record_loads_the_protocol_profiles_once(signed_in, tmp_path, monkeypatch, capsys):
    """The case check before the store opens and the stored decision use the same engine."""
    seen = datetime.combine(date.today() - timedelta(days=1), datetime.min.time())
    case = {
        "schema": "triage-assess/1",
        "assessed_at": seen.replace(hour=10).strftime("%Y-%m-%dT%H:%M"),
        "setting": "gp",
        "child": {
            "family_name": "Example",
            "given_name": "Single",
            "date_of_birth": (seen.date() - timedelta(days=70)).isoformat(),
        },
        "findings": [{"kind": "bruise", "site": "cheek", "size_mm": 5}],
        "explanation": {"text": "not known", "given_by": "mother"},
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    counts = _count_loads(monkeypatch)
    code = cli.main(["assess", str(path), "--record"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["case_id"]
    assert counts == {"guidance": 1, "profiles": 1}


def test_a_store_that_cannot_be_opened_is_one_line_and_the_step_never_runs(app_home):
    args = argparse.Namespace(data_dir=str(app_home / "nothing-here"), database_url=None)
    err = StringIO()
    ran = []
    code = cli_common.with_store(args, err, ran.append, not_opened=7)
    assert (code, ran) == (7, [])
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sign-in: no database in")


def test_a_failing_step_is_reported_by_the_command_and_the_store_is_closed(signed_in):
    args = argparse.Namespace(data_dir=None, database_url=None, user=None)
    closed = []

    def step(ctx):
        close = ctx.close
        ctx.close = lambda: (closed.append(ctx.user), close())
        raise RuntimeError("boom")

    code = cli_common.with_store(
        args, StringIO(), step, failed=lambda exc: 5 if "boom" in str(exc) else 0
    )
    assert code == 5
    assert closed == ["tester"]  # the store was closed after the failure
    with pytest.raises(RuntimeError):
        cli_common.with_store(args, StringIO(), step)  # without ``failed`` the error propagates


def test_one_composition_root_per_command(app_home):
    args = argparse.Namespace(data_dir=str(app_home), database_url=None)
    assert cli_common.root(args) is cli_common.root(args)
    assert cli_common.root(args).paths.data_dir == Path(app_home).resolve()
    other = argparse.Namespace(data_dir=str(app_home / "other"), database_url=None)
    assert cli_common.root(other) is not cli_common.root(args)

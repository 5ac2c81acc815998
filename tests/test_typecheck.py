"""mypy --strict over domain, store, services and report: configured, run by CI, and clean.

CI runs mypy as its own step before the tests (.ci/run), so the run here reuses its cache
(.mypy_cache) and takes seconds; a first run on a fresh checkout takes about a minute.
"""

import tomllib
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["triage_app/domain", "triage_app/store", "triage_app/services", "triage_app/report"]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def _checked_files() -> list[Path]:
    return [
        p
        for d in CHECKED
        for p in (ROOT / d).rglob("*.py")
        if "migrations" not in p.relative_to(ROOT).parts
    ]


def test_mypy_is_strict_over_the_four_layers_and_loosened_only_for_untyped_packages():
    cfg = _config()
    assert cfg["strict"] is True
    assert sorted(cfg["files"]) == sorted(CHECKED)
    assert cfg["exclude"] == ["^triage_app/store/migrations/"]
    for switch_off in ("ignore_errors", "ignore_missing_imports", "disable_error_code"):
        assert switch_off not in cfg, switch_off
    for override in cfg.get("overrides", []):
        # Only "this package ships no types"; never an error switch-off for our own code.
        assert set(override) == {"module", "ignore_missing_imports"}, override
        ours = [m for m in override["module"] if m.startswith("triage_app")]
        assert ours in ([], ["triage_app._version"]), ours  # _version.py: written by the build


def test_ci_and_pre_commit_run_mypy():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    step = '"$VENV/bin/python" -m mypy\n'
    assert ci.count(step) == 1
    assert ci.index('"$VENV/bin/ruff" check .') < ci.index(step) < ci.index("bash scripts/test")
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "entry: .venv/bin/python -m mypy\n" in hooks


def test_the_checked_layers_have_no_type_error(monkeypatch):
    monkeypatch.chdir(ROOT)
    out, err, status = api.run(["--config-file", "pyproject.toml"])
    assert status == 0, out + err
    # Every module of the four layers was checked (none dropped by an exclude or a typo).
    assert out.startswith(f"Success: no issues found in {len(_checked_files())} source files"), out

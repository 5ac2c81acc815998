"""Root fixtures. Qt runs offscreen; no test touches the real user directories."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

import pytest


@pytest.fixture(autouse=True)
def app_home(tmp_path, monkeypatch):
    """Point TRIAGE_HOME at a temporary folder for every test."""
    home = tmp_path / "triage-home"
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    return home

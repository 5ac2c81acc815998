"""Root fixtures. Qt runs offscreen; no test touches the real user directories; Argon2 runs
at test speed except in tests marked ``real_kdf`` (see ``tests/fast_kdf.py``)."""

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


@pytest.fixture(autouse=True)
def test_speed_argon2(request, monkeypatch):
    """Light Argon2 parameters in-process (the product's own are proved by ``real_kdf`` tests)."""
    if request.node.get_closest_marker("real_kdf") is None:
        import fast_kdf

        fast_kdf.apply(monkeypatch.setattr)

"""The PyInstaller spec collects files that exist, to where the code reads them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "build.spec").read_text(encoding="utf-8")


def test_the_spec_collects_resources_to_where_the_package_reads_them():
    assert '"triage_app/resources"' in SPEC
    for part in (
        "protocols/nyscp.toml",
        "protocols/hips.toml",
        "guidance/actions.toml",
        "fonts",
        "icons/triage-app.png",
    ):
        assert (ROOT / "resources" / part).exists(), part


def test_the_spec_collects_the_migrations_alembic_reads_as_files():
    assert "migrations" in SPEC
    versions = ROOT / "triage_app" / "store" / "migrations" / "versions"
    assert sorted(p.name for p in versions.glob("0*.py"))[:3] == [
        "0001_initial.py",
        "0002_child_name_key.py",
        "0003_referral_records_and_sign_in.py",
    ]


def test_the_version_comes_from_the_package():
    assert re.search(r"__version__", SPEC)
    assert re.search(
        r'__version__ = "\d+\.\d+\.\d+"', (ROOT / "triage_app" / "__init__.py").read_text()
    )

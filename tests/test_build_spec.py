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


def test_the_version_comes_from_git_through_the_package():
    """The record's version is the build's, from git: never a number typed into a file."""
    import tomllib

    from triage_app import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["hatch"]["version"]["source"] == "vcs"
    assert "_version.py" in SPEC and "__init__.py" not in SPEC.split("VERSION =")[1].split(")")[0]
    assert "__version__ = " not in (ROOT / "triage_app" / "__init__.py").read_text().replace(
        "__version__ = _version()", ""
    )
    # An untagged commit carries its commit id, so two different programs differ.
    assert re.fullmatch(r"\d+(\.\d+)*((\.dev\d+)?\+g[0-9a-f]{7,}(\.d\d{8})?)?", __version__), (
        __version__
    )

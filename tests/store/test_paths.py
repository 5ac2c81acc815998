"""Where files go: platformdirs by default; TRIAGE_HOME, --data-dir, --database-url override."""

import stat

import pytest

from triage_app.paths import AppPaths, resolve_paths, sqlite_file_of


def test_triage_home_puts_everything_under_one_private_folder(tmp_path):
    home = tmp_path / "home"
    paths = resolve_paths(env={"TRIAGE_HOME": str(home)}).ensure()
    assert paths.data_dir == home.resolve()
    assert paths.database_file == home.resolve() / "triage.sqlite3"
    for folder in (paths.data_dir, paths.config_dir, paths.log_dir, paths.cache_dir):
        assert folder.is_dir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_data_dir_option_beats_triage_home(tmp_path):
    paths = resolve_paths(data_dir=tmp_path / "cli", env={"TRIAGE_HOME": str(tmp_path / "env")})
    assert paths.data_dir == (tmp_path / "cli").resolve()


def test_database_url_option_replaces_the_sqlite_file(tmp_path):
    url = "postgresql+psycopg://triage@db.example/triage"
    paths = resolve_paths(database_url=url, env={"TRIAGE_HOME": str(tmp_path)})
    assert paths.database_url == url
    assert paths.database_file is None


def test_without_overrides_platformdirs_chooses(monkeypatch):
    paths = resolve_paths(env={})
    assert "triage-app" in str(paths.data_dir)
    assert paths.database_url.startswith("sqlite:///")


def test_paths_are_immutable(tmp_path):
    paths = resolve_paths(data_dir=tmp_path)
    with pytest.raises(AttributeError):
        paths.data_dir = tmp_path  # type: ignore[misc]
    assert isinstance(paths, AppPaths)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////var/x.sqlite3", "/var/x.sqlite3"),
        ("sqlite:///:memory:", None),
        ("sqlite://", None),
        ("postgresql+psycopg://u@h/db", None),
    ],
)
def test_sqlite_file_of(url, expected):
    found = sqlite_file_of(url)
    assert (str(found) if found else None) == expected

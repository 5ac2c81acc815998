"""triage-app: injuries in children who are not independently mobile (NIM)."""


def _version() -> str:
    """The version the build wrote from git (hatch-vcs), else the installed distribution's."""
    try:
        from triage_app._version import __version__ as built
    except ImportError:
        from importlib import metadata

        try:
            return metadata.version("triage-app")
        except metadata.PackageNotFoundError:
            return "0.0.0"
    return str(built)  # a str; typed only once a build has written the file


__version__ = _version()
APP_NAME = "triage-app"
ORG_NAME = "triage-app"
APP_ID = "uk.nhs.triage-app"

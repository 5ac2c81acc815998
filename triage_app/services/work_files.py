"""Work files of interrupted operations: named ``.PREFIX-PID-...`` in the data folder.

Shared by sign-in (which tidies up before opening) and backup and restore (which make them),
so neither of those modules needs the other.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

WORK_PREFIX = ".backup-"
RESTORE_PREFIX = ".restore-"
PARTIAL_PREFIX = ".triage-backup-"
PARTIAL_SUFFIX = ".partial"


def owner_alive(name: str) -> bool:
    """True unless the work file or folder ``name`` (``.PREFIX-PID-...``) lost its process."""
    parts = name.lstrip(".").split("-")
    pid = next((p for p in parts[1:] if p.isdigit()), None)
    if pid is None:
        return False  # an older, unnamed work folder: its process is long gone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_work(*folders: Path) -> list[Path]:
    """Remove work folders and partial files left by killed backups or restores.

    Only those whose process (the PID in the name) is no longer running are removed.
    """
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for pattern in (
            f"{WORK_PREFIX}*",
            f"{RESTORE_PREFIX}*",
            f"{PARTIAL_PREFIX}*{PARTIAL_SUFFIX}",
        ):
            for path in folder.glob(pattern):
                if owner_alive(path.name):
                    continue
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed.append(path)
    return removed

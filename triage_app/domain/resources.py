"""Find the runtime data files (protocol profiles, guidance, fonts) the same way everywhere.

An installed wheel and the PyInstaller build carry them inside the package, at
``triage_app/resources``; a source checkout keeps them in the top-level ``resources/`` folder
(the wheel build maps one onto the other). Both are read through ``importlib.resources``.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def resource_root() -> Traversable:
    """Return the folder holding ``protocols/`` and the other runtime data."""
    override = os.environ.get("TRIAGE_RESOURCES")
    if override:
        return Path(override)
    packaged = resources.files("triage_app") / "resources"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "resources"
    return checkout


def resource(*parts: str) -> Traversable:
    """Return one file or folder below the resource root."""
    node = resource_root()
    for part in parts:
        node = node / part
    return node

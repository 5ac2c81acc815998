"""Command-line commands that use the local record store (history, cases, import, demo).

Registered by :mod:`triage_app.cli`. Empty until the store issue fills it in.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the store's sub-commands to the parser."""


def handles(command: str | None) -> bool:
    """Return True when ``command`` is one of the store's sub-commands."""
    return False


def run(args: argparse.Namespace) -> int:
    """Run one of the store's sub-commands and return its exit code."""
    raise NotImplementedError(args.command)

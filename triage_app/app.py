"""Composition root: the only module that wires every layer together.

Today it builds the command-line interface around the protocol engine; the store, the report
and the desktop window join here as they arrive.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from triage_app import cli


def main(argv: Sequence[str] | None = None) -> int:
    """Configure logging (stderr, no patient identifiers) and run the command line."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    return cli.main(argv)

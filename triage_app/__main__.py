"""Entry point: ``python -m triage_app`` and the ``triage-app`` script."""

from __future__ import annotations

import sys


def main() -> None:
    """Run triage-app with the process arguments and exit with its code."""
    from triage_app.app import main as app_main

    sys.exit(app_main(sys.argv[1:]))


if __name__ == "__main__":
    main()

"""``triage-app case location ID --where ... --detail TEXT [--with NAME]``.

Records where the case's child is now and with whom; the referral record prints the latest
location, and sealing needs one (case-contract.md). Exit codes as in the case contract:
0 done; 1 refused (nothing changed: access, or the store could not be opened); 2 bad input
(unknown case, unknown ``--where``, no detail, "home" without the named carer; nothing changed).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, TextIO

from triage_app.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_store_options,
    with_store,
)
from triage_app.domain.handover import PLACES

log = logging.getLogger(__name__)

NAME = "location"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``location`` to the ``case`` command's sub-commands."""
    p = subparsers.add_parser(
        NAME,
        help="record where the child is now and with whom (the referral record prints it)",
    )
    p.add_argument("case_id", metavar="ID", help="the case id")
    p.add_argument("--where", required=True, metavar="|".join(PLACES), help="where the child is")
    p.add_argument(
        "--detail",
        required=True,
        help="the ward, the department, the address, or what 'other' means",
    )
    p.add_argument("--with", dest="with_whom", metavar="NAME", help="who the child is with")
    add_store_options(p)
    return p


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Record the location; return the exit code."""
    from triage_app.domain.access import AccessDeniedError
    from triage_app.domain.errors import InputError
    from triage_app.domain.handover import location_problems
    from triage_app.domain.records import NotFoundError
    from triage_app.services import handover

    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        case_id = int(args.case_id)
    except ValueError:
        print(f"case location: the case id must be a number, not {args.case_id!r}", file=err)
        return EXIT_BAD_INPUT
    problems = location_problems(args.where, args.detail, args.with_whom)
    if problems:
        for p in problems:
            print(f"case location: {p}", file=err)
        return EXIT_BAD_INPUT

    def record(ctx: Any) -> int:
        try:
            saved = handover.record_location(ctx, case_id, args.where, args.detail, args.with_whom)
        except NotFoundError as exc:
            print(f"case location: {exc}", file=err)
            return EXIT_BAD_INPUT
        except InputError as exc:
            for p in exc.problems:
                print(f"case location: {p.reason}", file=err)
            return EXIT_BAD_INPUT
        except AccessDeniedError as exc:
            print(f"case location: refused: {exc}", file=err)
            return EXIT_CHECK_FAILED
        log.info("case %s: location recorded", case_id)
        print(f"case {case_id}: {saved.line()}", file=out)
        return EXIT_OK

    return with_store(args, err, record)

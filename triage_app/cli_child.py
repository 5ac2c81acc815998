"""``triage-app child``: show, link, unlink or reject records; add an NHS number.

``link`` and ``unlink`` join or separate records of the same child; ``reject`` says a
possible match is a different child; ``nhs-number`` adds a number to a record without one.

Registered by :mod:`triage_app.cli`. Exit codes as for every command: 0 success, 1 refused or
not found (nothing was changed), 2 bad input (nothing written). Output on stdout may name
the child (the user asked for it); log lines carry ids only.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, TextIO

from triage_app import json_text
from triage_app.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_store_options,
    with_store,
)

log = logging.getLogger(__name__)

COMMAND = "child"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``child`` and its sub-commands to the parser."""
    child = sub.add_parser("child", help="a child's records: show, link, unlink, NHS number")
    what = child.add_subparsers(dest="what", metavar="WHAT", required=True)

    show = what.add_parser("show", help="a record, its links and possible earlier records")
    show.add_argument("child_id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_store_options(show)

    link = what.add_parser("link", help="link two records as the same child (safeguarding lead)")
    link.add_argument("child_id", type=int, metavar="ID")
    link.add_argument("--to", type=int, required=True, metavar="ID", help="the other record")
    link.add_argument("--reason", required=True, help="why they are the same child")
    add_store_options(link)

    unlink = what.add_parser("unlink", help="end a same-child link (safeguarding lead)")
    unlink.add_argument("child_id", type=int, metavar="ID")
    unlink.add_argument("--from", dest="other", type=int, required=True, metavar="ID")
    unlink.add_argument("--reason", required=True, help="why they are not the same child")
    add_store_options(unlink)

    reject = what.add_parser(
        "reject", help="a possible match is not this child: never offer it again"
    )
    reject.add_argument("child_id", type=int, metavar="ID")
    reject.add_argument("--match", type=int, required=True, metavar="ID")
    reject.add_argument("--reason", required=True, help="how you know they are different")
    add_store_options(reject)

    number = what.add_parser("nhs-number", help="add an NHS number to a record that has none")
    number.add_argument("child_id", type=int, metavar="ID")
    number.add_argument("nhs_number", metavar="NHS_NUMBER")
    add_store_options(number)


def handles(command: str | None) -> bool:
    """Return True for ``child``."""
    return command == COMMAND


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run a ``child`` sub-command and return its exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    steps = {
        "show": _show,
        "link": _link,
        "unlink": _unlink,
        "reject": _reject,
        "nhs-number": _number,
    }
    return with_store(
        args,
        err,
        lambda ctx: steps[args.what](ctx, args, out, err),
        failed=lambda exc: _failed(args, exc, err),
    )


def _failed(args: argparse.Namespace, exc: Exception, err: TextIO) -> int:
    from triage_app.domain.access import AccessDeniedError
    from triage_app.domain.errors import InputError
    from triage_app.domain.records import NotFoundError

    where = f"child {args.what}"
    if isinstance(exc, InputError):
        for p in exc.problems:
            print(f"{where}: {p.path}: {p.reason}", file=err)
        print("nothing was changed", file=err)
        return EXIT_BAD_INPUT
    if isinstance(exc, (NotFoundError, AccessDeniedError)):
        print(f"{where}: {exc}", file=err)
        print("nothing was changed", file=err)
        return EXIT_CHECK_FAILED
    log.debug("%s failed", where, exc_info=True)
    print(f"{where}: failed ({exc.__class__.__name__}); nothing was changed", file=err)
    return EXIT_CHECK_FAILED


def _show(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.display import display_name, nhs_date
    from triage_app.domain.nhs_number import display as nhs_display
    from triage_app.services import views
    from triage_app.services.links import show_child

    o = show_child(ctx, args.child_id)
    if args.json:
        data = {
            "schema": "triage-child/1",
            "child": views.child_json(o.child),
            "linked_records": [views.child_json(c) for c in o.linked],
            "links": [
                {
                    "id": link.id,
                    "other_child_id": link.other(args.child_id),
                    "kind": link.kind,
                    "reason": link.reason,
                    "created_at": link.created_at.isoformat(timespec="minutes"),
                    "created_by": link.created_by,
                    "ended_at": link.ended_at.isoformat(timespec="minutes")
                    if link.ended_at
                    else None,
                    "ended_by": link.ended_by,
                    "end_reason": link.end_reason,
                }
                for link in o.links
            ],
            "possible_matches": [views.match_json(m) for m in o.possible_matches],
        }
        out.write(json_text.dumps(data) + "\n")
        return EXIT_OK
    c = o.child
    lines = [
        f"Record {c.id}: {display_name(c.family_name, c.given_name)}   "
        f"NHS No. {nhs_display(c.nhs_number) or '-'}   Born {nhs_date(c.date_of_birth)}"
    ]
    for link in o.links:
        kind = "same child as" if link.kind == "same_child" else "NOT the same child as"
        state = (
            f" (ended {link.ended_at:%d-%b-%Y %H:%M} by {link.ended_by}: {link.end_reason})"
            if link.ended_at
            else ""
        )
        lines.append(
            f"  {kind} record {link.other(args.child_id)}: {link.reason} "
            f"({link.created_by}, {link.created_at:%d-%b-%Y %H:%M}){state}"
        )
    if o.possible_matches:
        lines.append("Possible earlier records (unconfirmed; link or reject each):")
        lines += views.matches_lines(list(o.possible_matches))[1:]
    else:
        lines.append("No possible earlier records.")
    out.write("\n".join(lines) + "\n")
    return EXIT_OK


def _link(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.links import link_children

    link = link_children(ctx, args.child_id, args.to, args.reason)
    print(
        f"linked records {link.child_id} and {link.other_child_id} as the same child "
        f"(link {link.id}); history, lookups and flags now follow the link",
        file=out,
    )
    return EXIT_OK


def _unlink(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.links import unlink_children

    link = unlink_children(ctx, args.child_id, args.other, args.reason)
    print(
        f"ended link {link.id} between records {link.child_id} and {link.other_child_id}", file=out
    )
    return EXIT_OK


def _reject(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.links import reject_match

    link = reject_match(ctx, args.child_id, args.match, args.reason)
    print(
        f"recorded that records {link.child_id} and {link.other_child_id} are not the same "
        "child; the match will not be offered again",
        file=out,
    )
    return EXIT_OK


def _number(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.nhs_number import display as nhs_display
    from triage_app.services.links import add_nhs_number

    child = add_nhs_number(ctx, args.child_id, args.nhs_number)
    print(f"record {child.id} now has NHS No. {nhs_display(child.nhs_number)}", file=out)
    return EXIT_OK

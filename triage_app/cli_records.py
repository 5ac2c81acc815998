"""``triage-app record``: finalise (seal), add an addendum, list, export, and the leaflet.

Registered by :mod:`triage_app.cli`. Exit codes as for every command: 0 success, 1 refused or
not found (nothing was changed), 2 bad input (nothing written). Output on stdout names files
and hashes; log lines carry ids only.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from triage_app.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_store_options,
    with_store,
)

log = logging.getLogger(__name__)

COMMAND = "record"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``record`` and its sub-commands to the parser."""
    record = sub.add_parser("record", help="sealed referral records: finalise, addendum, export")
    what = record.add_subparsers(dest="what", metavar="WHAT", required=True)

    fin = what.add_parser("finalise", help="seal the case's referral record (version 1)")
    fin.add_argument("case_id", type=int, metavar="CASE_ID")
    add_store_options(fin)

    add = what.add_parser("addendum", help="seal a corrected version that supersedes the last")
    add.add_argument("case_id", type=int, metavar="CASE_ID")
    add.add_argument("--reason", required=True, help="what is corrected or added, and why")
    add_store_options(add)

    lst = what.add_parser("list", help="the sealed versions of a case's record")
    lst.add_argument("case_id", type=int, metavar="CASE_ID")
    add_store_options(lst)

    exp = what.add_parser("export", help="write the sealed PDF and/or FHIR document")
    exp.add_argument("case_id", type=int, metavar="CASE_ID")
    exp.add_argument("--version", type=int, help="the version to export (default: the latest)")
    exp.add_argument("--pdf", metavar="OUT.pdf", help="write the sealed PDF here")
    exp.add_argument("--fhir", metavar="OUT.json", help="write the FHIR document Bundle here")
    exp.add_argument("--force", action="store_true", help="replace existing files")
    add_store_options(exp)

    leaf = what.add_parser("leaflet", help="the parent and carer leaflet (no database)")
    leaf.add_argument("--profile", help="protocol profile id (default: the default profile)")
    leaf.add_argument("--out", required=True, metavar="OUT.pdf", help="write the leaflet here")
    leaf.add_argument("--child-name", help='print "For the parents or carers of NAME"')
    leaf.add_argument("--force", action="store_true", help="replace an existing file")


def handles(command: str | None) -> bool:
    """Return True for ``record``."""
    return command == COMMAND


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run a ``record`` sub-command and return its exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if args.what == "leaflet":
        return _leaflet(args, out, err)
    if args.what == "export" and not (args.pdf or args.fhir):
        print("record export: give --pdf OUT.pdf and/or --fhir OUT.json", file=err)
        return EXIT_BAD_INPUT
    if args.what == "addendum" and not args.reason.strip():
        print("--reason: say what the addendum corrects or adds, and why", file=err)
        return EXIT_BAD_INPUT
    steps = {"finalise": _finalise, "addendum": _addendum, "list": _list, "export": _export}
    return with_store(
        args,
        err,
        lambda ctx: steps[args.what](ctx, args, out, err),
        failed=lambda exc: _failed(args, exc, err),
    )


def _failed(args: argparse.Namespace, exc: Exception, err: TextIO) -> int:
    from triage_app.domain.access import AccessDeniedError
    from triage_app.domain.records import ConflictError, NotFoundError
    from triage_app.domain.sealed import SealingError
    from triage_app.report import UncoveredCharacterError

    where = f"record {args.what}"
    clear = (SealingError, NotFoundError, ConflictError, AccessDeniedError, UncoveredCharacterError)
    if isinstance(exc, clear):
        print(f"{where}: {_first_line(exc)}", file=err)
        print("nothing was changed", file=err)
        return EXIT_CHECK_FAILED
    log.debug("%s failed", where, exc_info=True)
    print(
        f"{where}: failed ({exc.__class__.__name__}: {_first_line(exc)}); nothing was changed",
        file=err,
    )
    return EXIT_CHECK_FAILED


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return (text.splitlines() or [""])[0][:400]


def _describe(rec: Any) -> str:
    kind = f"addendum to {rec.supersedes_uid}" if rec.supersedes_uid else "original"
    return (
        f"{rec.record_uid} (case {rec.case_id}, version {rec.version}, {kind}) sealed "
        f"{rec.sealed_at:%d-%b-%Y %H:%M} by {rec.sealed_by}; PDF {len(rec.pdf):,} bytes, "
        f"SHA-256 {rec.pdf_sha256}"
    )


def _finalise(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.referrals import finalise_case

    rec = finalise_case(ctx, args.case_id)
    print(f"sealed {_describe(rec)}", file=out)
    return EXIT_OK


def _addendum(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.referrals import add_addendum

    rec = add_addendum(ctx, args.case_id, args.reason)
    print(f"sealed {_describe(rec)}", file=out)
    return EXIT_OK


def _list(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.referrals import list_records

    found = list_records(ctx, args.case_id)
    if not found:
        print(f"case {args.case_id} has no sealed referral record yet", file=out)
        return EXIT_CHECK_FAILED
    for rec in found:
        print(_describe(rec), file=out)
        if rec.addendum_reason:
            print(f"    reason: {rec.addendum_reason}", file=out)
    return EXIT_OK


def _export(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.sealed import ExportTargetError
    from triage_app.services.referrals import export_record

    try:
        result = export_record(
            ctx,
            args.case_id,
            args.version,
            pdf_path=args.pdf,
            fhir_path=args.fhir,
            overwrite=args.force,
        )
    except ExportTargetError as exc:
        exists = any(Path(p).exists() for p in (args.pdf, args.fhir) if p)
        hint = " (--force replaces an existing file)" if exists and not args.force else ""
        print(f"record export: {exc}; nothing was written{hint}", file=err)
        return EXIT_BAD_INPUT
    rec = result.record
    if result.pdf_path:
        print(f"wrote {result.pdf_path}: {rec.record_uid} PDF, SHA-256 {rec.pdf_sha256}", file=out)
    if result.fhir_path:
        print(f"wrote {result.fhir_path}: {rec.record_uid} FHIR document Bundle", file=out)
    return EXIT_OK


def _leaflet(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.errors import UnknownProfileError
    from triage_app.domain.sealed import ExportTargetError
    from triage_app.services.referrals import write_leaflet

    try:
        path = write_leaflet(
            args.profile, Path(args.out), child_name=args.child_name, overwrite=args.force
        )
    except UnknownProfileError as exc:
        print(f"--profile: {exc}", file=err)
        return EXIT_BAD_INPUT
    except ExportTargetError as exc:
        print(f"record leaflet: {exc}; nothing was written", file=err)
        return EXIT_BAD_INPUT
    except Exception as exc:  # one clear line
        log.debug("leaflet failed", exc_info=True)
        print(f"record leaflet: failed ({exc.__class__.__name__}: {_first_line(exc)})", file=err)
        return EXIT_CHECK_FAILED
    print(f"wrote {path}: parent and carer leaflet", file=out)
    return EXIT_OK

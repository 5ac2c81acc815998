"""Command-line commands that use the local record store (history, cases, import, demo, audit).

Registered by :mod:`triage_app.cli`. Exit codes as for every command: 0 success, 1 a check
failed or nothing was found, 2 bad input (nothing written). Output on stdout may name
patients (the user asked for it); log lines never do (ids only).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from triage_app import json_text
from triage_app.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_store_options,
    first_line,
    open_context,
    root,
    with_store,
)

log = logging.getLogger(__name__)

COMMANDS = ("history", "cases", "import", "demo", "audit")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the store's sub-commands to the parser."""
    history = sub.add_parser("history", help="prior presentations of a child and household")
    history.add_argument("--nhs-number", help="the child's NHS number (spaces allowed)")
    history.add_argument("--name", help='"FAMILY, Given" when there is no NHS number')
    history.add_argument("--dob", help="date of birth YYYY-MM-DD (with --name)")
    history.add_argument("--postcode", help="postcode (with --name; improves ranking)")
    history.add_argument("--json", action="store_true", help="print JSON")
    add_store_options(history)

    cases = sub.add_parser("cases", help="open and recent cases, with what is due or overdue")
    cases.add_argument("--json", action="store_true", help="print JSON")
    cases.add_argument(
        "--closed", action="store_true", help="the closed cases (all, or the last --recent-days)"
    )
    cases.add_argument("--recent-days", type=int, help="closed cases: last N days (default 30)")
    add_store_options(cases)

    imp = sub.add_parser("import", help="import records from another system")
    imp_sub = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    pres = imp_sub.add_parser("presentations", help="presentations CSV (docs/import-format.md)")
    pres.add_argument("file", help="the CSV file; bad rows go to FILE.rejects.csv beside it")
    pres.add_argument(
        "--map",
        metavar="MAPPING.toml",
        help="read another system's extract through a mapping file (or the name of a shipped "
        "one: ecds-ed, gp-report, health-visiting); see docs/import-format.md",
    )
    pres.add_argument(
        "--dry-run",
        action="store_true",
        help="with --map: show what would be imported, mapped, flagged and rejected; store nothing",
    )
    add_store_options(pres)

    demo = sub.add_parser("demo", help="synthetic demonstration data")
    demo_sub = demo.add_subparsers(dest="what", metavar="WHAT", required=True)
    add_store_options(demo_sub.add_parser("load", help="a few synthetic families to explore"))
    gen = demo_sub.add_parser("generate", help="deterministic synthetic data at scale")
    gen.add_argument("--children", type=int, required=True)
    gen.add_argument("--presentations", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    add_store_options(gen)

    audit = sub.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(dest="what", metavar="WHAT", required=True)
    add_store_options(
        audit_sub.add_parser(
            "verify", help="check the hash chain and every sealed record (exit 1: broken)"
        )
    )


def handles(command: str | None) -> bool:
    """Return True when ``command`` is one of the store's sub-commands."""
    return command in COMMANDS


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run one of the store's sub-commands and return its exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    handler: Callable[[Any, argparse.Namespace, TextIO, TextIO], int] = {
        "history": _history,
        "cases": _cases,
        "import": _import,
        "demo": _demo,
        "audit": _audit,
    }[args.command]
    if args.command == "history":
        problem = _history_args_problem(args)
        if problem:
            print(problem, file=err)
            return EXIT_BAD_INPUT
    if args.command == "demo" and not _prepare_demo_folder(args, out, err):
        return EXIT_CHECK_FAILED
    if args.command == "import" and getattr(args, "map", None) is not None:
        from triage_app.cli_import_mapped import prepare  # a bad mapping: nothing is opened

        if not prepare(args, err):
            return EXIT_BAD_INPUT
        handler = _import_mapped
    elif args.command == "import" and getattr(args, "dry_run", False):
        print("--dry-run: give --map MAPPING.toml (the preview is of a mapped import)", file=err)
        return EXIT_BAD_INPUT

    def failed(exc: Exception) -> int:
        # Each use-case is one transaction: on any error it was rolled back.
        log.debug("%s failed", args.command, exc_info=True)
        print(
            f"{args.command}: failed ({exc.__class__.__name__}: {first_line(exc)}); "
            "nothing was changed",
            file=err,
        )
        return EXIT_CHECK_FAILED

    return with_store(args, err, lambda ctx: handler(ctx, args, out, err), failed=failed)


def _prepare_demo_folder(args: argparse.Namespace, out: TextIO, err: TextIO) -> bool:
    """Into a fresh data folder, ``demo`` first creates the demonstration account."""
    from triage_app.services import auth

    app = root(args)
    try:
        if app.store_state() != "fresh":
            return True
        ctx = app.initialise(auth.Credentials(auth.DEMO_USER, auth.DEMO_PASSWORD), demo=True)
    except auth.SignInError as exc:
        print(f"demo: {exc}", file=err)
        return False
    ctx.close()
    print(
        f"created a demonstration folder: account {auth.DEMO_USER!r}, password "
        f"{auth.DEMO_PASSWORD!r} (safeguarding lead). Every record in it is synthetic: "
        "never put real patients' records in this folder.",
        file=out,
    )
    return True


def lookup(
    data: Any, args: argparse.Namespace, stderr: TextIO, notices: list[str] | None = None
) -> Any:
    """For ``assess --lookup``: return the case with stored history added (or ``None``).

    Notes go to stderr; the "possible earlier injury, unconfirmed" ones are also added to
    ``notices`` (for the decision).
    """
    from triage_app.domain.errors import InputError, UnknownProfileError
    from triage_app.domain.parse import parse_assessment
    from triage_app.services.history import lookup_for_case

    # Bad input must write nothing anywhere (assess contract): check the case and its profile
    # before the database is opened; the engine then reports the problems.
    try:
        assessment = parse_assessment(data, profile_override=args.profile)
        root(args).protocol.registry.get(assessment.profile_id)  # the command's one engine
    except (InputError, UnknownProfileError, ValueError):
        return data
    ctx = open_context(args, stderr)
    if ctx is None:
        return None
    try:
        extended, notes = lookup_for_case(ctx, data)
    finally:
        ctx.close()
    from triage_app.domain.records import POSSIBLE_EARLIER_INJURY

    for note in notes:
        print(note, file=stderr)
        if notices is not None and note.startswith(POSSIBLE_EARLIER_INJURY):
            notices.append(note)
    return extended


def _history_args_problem(args: argparse.Namespace) -> str | None:
    if args.nhs_number and (args.name or args.dob):
        return "history: give --nhs-number, or --name with --dob, not both"
    if args.nhs_number:
        return None
    if not args.name or not args.dob:
        return 'history: give --nhs-number, or --name "FAMILY, Given" with --dob YYYY-MM-DD'
    try:
        date.fromisoformat(args.dob)
    except ValueError:
        return f"--dob: must be a date YYYY-MM-DD (got {args.dob!r})"
    return None


def _history(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.errors import InputError
    from triage_app.services import views
    from triage_app.services.history import history_by_nhs_number
    from triage_app.services.matching import find_matches

    try:
        if args.nhs_number:
            found = history_by_nhs_number(ctx, args.nhs_number)
            if found is None:
                print("history: no child with this NHS number is stored", file=err)
                return EXIT_CHECK_FAILED
            _emit(
                views.history_json(found) if args.json else views.history_lines(found, ctx.clock()),
                out,
            )
            return EXIT_OK
        matches = find_matches(ctx, args.name, date.fromisoformat(args.dob), args.postcode)
    except InputError as exc:
        for p in exc.problems:
            print(f"--nhs-number: {p.reason}" if p.path == "nhs_number" else str(p), file=err)
        return EXIT_BAD_INPUT
    _emit(views.matches_json(matches) if args.json else views.matches_lines(matches), out)
    return EXIT_OK if matches else EXIT_CHECK_FAILED


def _cases(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import views
    from triage_app.services.permissions import visible_cases

    recent = args.recent_days if args.recent_days is not None else (None if args.closed else 30)
    found = visible_cases(ctx, recent_days=recent, closed=args.closed)
    _emit(views.cases_json(found) if args.json else views.cases_lines(found), out)
    return EXIT_OK


def _import(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.errors import InputError
    from triage_app.services.importing import import_presentations

    path = Path(args.file)
    if not path.is_file():
        print(f"{args.file}: file not found", file=err)
        return EXIT_BAD_INPUT
    try:
        summary = import_presentations(ctx, path)
    except InputError as exc:
        for p in exc.problems:
            print(str(p), file=err)
        print("nothing was imported", file=err)
        return EXIT_BAD_INPUT
    print(
        f"read {summary.read}, imported {summary.imported}, duplicates skipped "
        f"{summary.duplicates}, rejected {summary.rejected}"
        + (
            f", attached {summary.attached} (now carrying an NHS number)"
            if summary.attached
            else ""
        ),
        file=out,
    )
    if summary.rejects_file:
        print(f"rejected rows (unchanged, with line and reason): {summary.rejects_file}", file=out)
    return EXIT_CHECK_FAILED if summary.rejected else EXIT_OK


def _import_mapped(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.cli_import_mapped import run_mapped

    return run_mapped(ctx, args, out, err)


def _demo(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.errors import InputError
    from triage_app.services import demo, synthetic

    loc = root(args).location
    state = root(args).store_state()
    marked = loc.keyring.is_demo() if state == "encrypted" else None
    try:
        demo.refuse_non_demo(ctx, marked)
    except demo.NotADemoFolderError as exc:
        print(f"demo {args.what}: {exc}", file=err)
        return EXIT_CHECK_FAILED
    if args.what == "load":
        result = demo.load(ctx)
        if not result.loaded:
            print("demo data is already loaded; nothing changed", file=out)
            return EXIT_OK
        print(
            f"demo loaded: {result.children} children, {result.presentations} presentations, "
            f"{result.cases} cases (all synthetic)",
            file=out,
        )
        return EXIT_OK
    try:
        made = synthetic.generate(ctx, args.children, args.presentations, seed=args.seed)
    except InputError as exc:
        for p in exc.problems:
            print(str(p), file=err)
        return EXIT_BAD_INPUT
    print(
        f"generated {made.children} children, {made.presentations} presentations, "
        f"{made.household_links} household links (seed {args.seed})",
        file=out,
    )
    return EXIT_OK


def _audit(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.audit_log import verify

    loc = root(args).location
    check = verify(ctx, loc.keyring if loc.database_file is not None else None)
    if check.intact:
        print(
            f"audit trail intact: {check.events} events; "
            f"sealed referral records intact: {check.records}; "
            f"account signatures intact: {check.accounts}",
            file=out,
        )
        if check.anchor:
            print(f"account-signing anchor: {check.anchor}", file=out)
        return EXIT_OK
    if check.broken_account is not None:
        print(f"account check BROKEN: {check.problem}", file=out)
    elif check.broken_record is not None:
        print(f"sealed referral record BROKEN: {check.problem}", file=out)
    else:
        print(f"audit trail BROKEN at event {check.broken_event_id}: {check.problem}", file=out)
    return EXIT_CHECK_FAILED


def _emit(data: dict[str, Any] | list[str], out: TextIO) -> None:
    """Print JSON (a dict) or text lines (a list) on stdout."""
    if isinstance(data, dict):
        out.write(json_text.dumps(data) + "\n")
    else:
        out.write("\n".join(data) + "\n")
    out.flush()

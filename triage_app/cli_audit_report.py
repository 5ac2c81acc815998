"""``triage-app audit-report``: the protocol-compliance audit from the command line.

    triage-app audit-report --from D --to D [--setting S] [--organisation O] [--json]
                            [--pdf F] [--csv F] [--suppress-small]

Safeguarding leads only (signed in like the other store commands). Prints one line per metric
(or the JSON document with ``--json``) and writes the PDF and CSV when asked. Exit codes:
0 done; 1 refused (role) or the store cannot be opened; 2 bad input (dates, setting, path).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TextIO

from triage_app import json_text
from triage_app.cli_common import add_store_options, with_store
from triage_app.domain import compliance as c
from triage_app.domain.access import AccessDeniedError
from triage_app.domain.compliance import AuditFilter, AuditReport
from triage_app.domain.errors import InputError

log = logging.getLogger(__name__)
EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2
COMMAND = "audit-report"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``audit-report`` to the parser."""
    p = sub.add_parser(
        COMMAND,
        help="protocol-compliance audit over a period (safeguarding leads only)",
        description="Every compliance metric with its numerator, denominator and the rule "
        "that defines it; run charts in the PDF. Exports carry no names, NHS numbers or "
        "dates of birth.",
    )
    p.add_argument("--from", dest="start", required=True, metavar="D", help="first day YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="D", help="last day YYYY-MM-DD")
    p.add_argument("--setting", help="only presentations in this setting (gp, ed, ...)")
    p.add_argument("--organisation", help="only presentations at this organisation")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--pdf", type=Path, metavar="F", help="write the printable report here")
    p.add_argument("--csv", type=Path, metavar="F", help="write the CSV export here")
    p.add_argument(
        "--suppress-small",
        action="store_true",
        help='counts of 1 to 4 read "<5" and no case is listed (for sharing outside)',
    )
    add_store_options(p)


def handles(command: str | None) -> bool:
    """True for ``audit-report``."""
    return command == COMMAND


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ``audit-report`` and return its exit code."""
    from triage_app.services import compliance as audit

    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        f = AuditFilter(
            audit.parse_day(args.start, "--from"),
            audit.parse_day(args.end, "--to"),
            args.setting,
            args.organisation,
        )
        audit.validate_filter(f)
        for option, path in (("--pdf", args.pdf), ("--csv", args.csv)):
            if path is not None and not path.parent.is_dir():
                raise InputError([_problem(option, f"folder does not exist: {path.parent}")])
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=err)
        return EXIT_BAD_INPUT

    def report(ctx: object) -> int:
        try:
            found = audit.audit_report(ctx, f)
            if args.pdf is not None:
                audit.write_pdf(ctx, found, args.pdf, args.suppress_small)
            if args.csv is not None:
                audit.write_csv(ctx, found, args.csv, args.suppress_small)
        except AccessDeniedError as exc:
            print(f"audit-report: refused: {exc}", file=err)
            return EXIT_REFUSED
        except InputError as exc:
            for problem in exc.problems:
                print(str(problem), file=err)
            return EXIT_BAD_INPUT
        except OSError as exc:
            print(
                f"audit-report: cannot write ({exc.__class__.__name__}: {exc.strerror})", file=err
            )
            return EXIT_REFUSED
        if args.json:
            out.write(json_text.dumps(audit.report_json(found, args.suppress_small)))
            out.write("\n")
        else:
            _print_text(found, args.suppress_small, out)
        return EXIT_OK

    return with_store(args, err, report, not_opened=EXIT_REFUSED)


def _problem(path: str, message: str) -> object:
    from triage_app.domain.errors import Problem

    return Problem(path, message)


def _print_text(report: AuditReport, suppress: bool, out: TextIO) -> None:
    f = report.filter
    print(
        f"Protocol compliance audit {f.start.isoformat()} to {f.end.isoformat()} "
        f"(setting {f.setting or 'all'}, organisation {f.organisation or 'all'})",
        file=out,
    )
    for m in report.metrics:
        k = m.counts
        if not k.available:
            print(f"{m.definition.id}\tnot computed: {k.computed_on}", file=out)
            continue
        pct = c.shown_percent(k.numerator, k.denominator, suppress)
        pct_text = "" if pct is None else (f"\t{pct}%" if not isinstance(pct, str) else f"\t{pct}")
        flag = "\tBELOW TARGET" if m.failing_overall else ""
        line = (
            f"{m.definition.id}\t{c.shown_count(k.numerator, suppress)} of "
            f"{c.shown_count(k.denominator, suppress)}{pct_text}{flag}"
        )
        if m.definition.id == "phoned_same_day" and k.median_minutes is not None:
            line += f"\tminutes to call: median {k.median_minutes:g}, p90 {k.p90_minutes:g}"
        print(line, file=out)
        if not suppress:
            for fc in k.failing[:10]:
                case = f"case {fc.case_id}" if fc.case_id is not None else "no case"
                print(f"  failing: {case}, age {fc.child_age}, {fc.setting}, {fc.month}", file=out)
            if len(k.failing) > 10:
                print(f"  ... {len(k.failing) - 10} more (--csv lists them all)", file=out)

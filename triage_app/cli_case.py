"""``triage-app case ...`` and ``assess --record``: the case contract headless.

See shared/docs/case-contract.md. Every command signs in like the other store commands. Exit
0: done. Exit 1: refused by a case rule; stderr has one line per reason naming the rule
(``C1: ...``) and nothing is changed. Exit 2: bad input (unknown case, kind, action, option
value, malformed date); nothing is changed. Dates ``YYYY-MM-DD``; times ``YYYY-MM-DDTHH:MM``.

(``case location`` is registered by the where-the-child-is module when it is installed.
``case undo ID ACTION_ID [--reason TEXT]`` takes back the latest action recorded on the case,
as the window's "Undo" does: an ``action_undone`` event under case rule C6. ``case action``
takes ``--handler NAME`` for a phone call: the person spoken to.)
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, datetime
from typing import Any, TextIO

from triage_app import cli_common, json_text

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2
AGENCIES = ("health", "csc", "police", "education", "other")
SUPERVISION = ("impose", "maintain", "change", "relax")
OUTCOMES = ("no_concern", "csc_lead", "child_protection_plan", "other")


def _time(text: str) -> datetime:
    try:
        value = datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a time YYYY-MM-DDTHH:MM (got {text!r})"
        ) from None
    return value


def _date(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD (got {text!r})") from None


def _attendee(text: str) -> tuple[str, str, str]:
    parts = [p.strip() for p in text.split(";")]
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError(f'must be "NAME;ROLE;AGENCY" (got {text!r})')
    if parts[2] not in AGENCIES:
        raise argparse.ArgumentTypeError(
            f"agency must be one of {', '.join(AGENCIES)} (got {parts[2]!r})"
        )
    return parts[0], parts[1], parts[2]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``case`` and its sub-commands."""
    case = sub.add_parser("case", help="one case: show it, record actions, results, meetings")
    steps = case.add_subparsers(dest="case_command", metavar="STEP", required=True)

    show = steps.add_parser("show", help="the case, what is due, the supervision in force")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print JSON")
    cli_common.add_store_options(show)

    action = steps.add_parser("action", help="record a referral duty as done, or waive it")
    action.add_argument("id", type=int)
    action.add_argument("action_id", metavar="ACTION_ID")
    how = action.add_mutually_exclusive_group(required=True)
    how.add_argument("--done", action="store_true")
    how.add_argument("--waive", action="store_true")
    action.add_argument("--at", type=_time, help="when it was done (default: now)")
    action.add_argument("--by", help="who did it (or who decided to waive it)")
    action.add_argument("--note")
    action.add_argument("--reference", help="e.g. the social-care reference")
    action.add_argument(
        "--handler", help="the person spoken to (the call handler): a phone call only"
    )
    action.add_argument("--reason", help="why the duty is waived")
    cli_common.add_store_options(action)

    inv = steps.add_parser("investigation", help="request, report or not-require one")
    inv.add_argument("id", type=int)
    inv.add_argument("kind", metavar="KIND")
    what = inv.add_mutually_exclusive_group(required=True)
    what.add_argument("--request", action="store_true")
    what.add_argument("--report", action="store_true")
    what.add_argument("--not-required", action="store_true")
    inv.add_argument("--at", type=_time, help="when it was requested (default: now)")
    inv.add_argument("--label", help="what a free-text investigation (kind other) is")
    inv.add_argument("--performed-on", type=_date)
    inv.add_argument("--result")
    inv.add_argument("--early-reason", help="why the follow-up was performed before its window")
    inv.add_argument("--by", help="the clinician who decided")
    inv.add_argument("--reason", help="why it is not required")
    cli_common.add_store_options(inv)

    meeting = steps.add_parser("meeting", help="record a strategy meeting (supervision: C4)")
    meeting.add_argument("id", type=int)
    meeting.add_argument("--held-at", type=_time, required=True)
    meeting.add_argument(
        "--attendee", type=_attendee, action="append", default=[], help='"NAME;ROLE;AGENCY"'
    )
    meeting.add_argument("--outcome", default="")
    meeting.add_argument("--supervision", choices=SUPERVISION)
    meeting.add_argument("--conditions")
    meeting.add_argument("--relax-conditions")
    meeting.add_argument("--review-on", type=_date)
    meeting.add_argument("--reason")
    cli_common.add_store_options(meeting)

    undo = steps.add_parser(
        "undo", help="undo the latest action, recorded in error (C6: a new event, never a delete)"
    )
    undo.add_argument("id", type=int)
    undo.add_argument("action_id", metavar="ACTION_ID", help="the action recorded last")
    undo.add_argument("--reason", default="", help="why (default: recorded in error)")
    cli_common.add_store_options(undo)

    close = steps.add_parser("close", help="close the case (C1, C3, C6)")
    close.add_argument("id", type=int)
    close.add_argument("--outcome", choices=OUTCOMES, required=True)
    close.add_argument("--reason", default="")
    cli_common.add_store_options(close)

    reopen = steps.add_parser("reopen", help="reopen a closed case with a reason")
    reopen.add_argument("id", type=int)
    reopen.add_argument("--reason", default="")
    cli_common.add_store_options(reopen)

    from triage_app import cli_case_location

    cli_case_location.add_parser(steps)  # case location (issue 12)


def handles(command: str | None) -> bool:
    """Return True for ``case``."""
    return command == "case"


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run one ``case`` step and return its exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if args.case_command == "location":
        from triage_app import cli_case_location

        return cli_case_location.run(args, out, err)
    return cli_common.with_store(
        args,
        err,
        lambda ctx: _guarded(lambda: _STEPS[args.case_command](ctx, args, out, err), err),
        not_opened=EXIT_REFUSED,
    )


def _guarded(call: Any, err: TextIO) -> int:
    """Map refusals and bad input to exit codes, one line per reason."""
    from triage_app.domain.cases import CaseRuleError
    from triage_app.domain.errors import InputError
    from triage_app.domain.records import ConflictError, NotFoundError

    try:
        return call()
    except CaseRuleError as exc:
        for reason in exc.reasons:
            print(reason, file=err)
        return EXIT_REFUSED
    except InputError as exc:
        for p in exc.problems:
            print(str(p), file=err)
        return EXIT_BAD_INPUT
    except NotFoundError as exc:
        print(f"case: {exc}", file=err)
        return EXIT_BAD_INPUT
    except ConflictError as exc:
        print(str(exc), file=err)
        return EXIT_REFUSED
    except Exception as exc:  # one line, never a traceback full of values
        log.debug("case step failed", exc_info=True)
        first = (str(exc).splitlines() or [""])[0][:200]
        print(f"case: failed ({exc.__class__.__name__}: {first}); nothing was changed", file=err)
        return EXIT_REFUSED


def _summary(case: Any, out: TextIO) -> None:
    print(f"case {case.id}: {case.status} (version {case.version})", file=out)


def _show(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import cases, views

    details = cases.show_case(ctx, args.id)
    if args.json:
        out.write(json_text.dumps(views.case_json(details)) + "\n")
    else:
        out.write("\n".join(views.case_lines(details)) + "\n")
    return EXIT_OK


def _action(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import cases

    version = cases.get_case(ctx, args.id).version
    if args.waive:
        case = cases.waive_action(
            ctx, args.id, version, args.action_id, reason=args.reason or "", by=args.by or ""
        )
    else:
        case = cases.record_action(
            ctx, args.id, version, args.action_id, at=args.at, by=args.by, note=args.note,
            reference=args.reference, handler=args.handler,
        )  # fmt: skip
    _summary(case, out)
    return EXIT_OK


def _investigation(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import cases

    version = cases.get_case(ctx, args.id).version
    if args.request:
        case = cases.request_investigation(
            ctx, args.id, version, args.kind, requested_at=args.at, label=args.label
        )
    elif args.report:
        if args.performed_on is None:
            print("--performed-on: required with --report (YYYY-MM-DD)", file=err)
            return EXIT_BAD_INPUT
        case = cases.report_result(
            ctx, args.id, version, args.kind, performed_on=args.performed_on,
            result=args.result or "", early_reason=args.early_reason, by=args.by,
            label=args.label,
        )  # fmt: skip
    else:
        case = cases.mark_not_required(
            ctx, args.id, version, args.kind, reason=args.reason or "", by=args.by or "",
            label=args.label,
        )  # fmt: skip
    _summary(case, out)
    return EXIT_OK


def _meeting(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.records import Attendee, StrategyMeeting
    from triage_app.services import cases

    meeting = StrategyMeeting(
        held_at=args.held_at,
        outcome=args.outcome,
        attendees=tuple(Attendee(*a) for a in args.attendee),
        supervision=args.supervision,
        conditions=args.conditions,
        relax_conditions=args.relax_conditions,
        review_on=args.review_on,
        reason=args.reason,
    )
    version = cases.get_case(ctx, args.id).version
    _summary(cases.record_meeting(ctx, args.id, version, meeting), out)
    return EXIT_OK


def _undo(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import cases

    version = cases.get_case(ctx, args.id).version
    case = cases.undo_latest(ctx, args.id, version, args.action_id, reason=args.reason)
    _summary(case, out)
    return EXIT_OK


def _close(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import cases

    version = cases.get_case(ctx, args.id).version
    case = cases.close_case(ctx, args.id, version, outcome=args.outcome, reason=args.reason)
    _summary(case, out)
    return EXIT_OK


def _reopen(ctx: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import cases

    version = cases.get_case(ctx, args.id).version
    _summary(cases.reopen_case(ctx, args.id, version, reason=args.reason), out)
    return EXIT_OK


_STEPS = {
    "show": _show,
    "action": _action,
    "investigation": _investigation,
    "meeting": _meeting,
    "undo": _undo,
    "close": _close,
    "reopen": _reopen,
}


def run_record(data: Any, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``assess CASE.json --record``: store, open or join the case, print with ``case_id``.

    The presentation, the decision and the case (opened, or the child's open case joined)
    are stored in one transaction.
    """
    from triage_app.domain.errors import InputError, UnknownProfileError
    from triage_app.domain.parse import parse_assessment

    # Bad input writes nothing anywhere: check the case before the database is opened.
    try:
        assessment = parse_assessment(data, profile_override=args.profile)
        cli_common.root(args).protocol.registry.get(assessment.profile_id)
    except InputError as exc:
        for p in exc.problems:
            print(str(p), file=stderr)
        return EXIT_BAD_INPUT
    except (UnknownProfileError, ValueError) as exc:
        print(f"--profile: {exc}", file=stderr)
        return EXIT_BAD_INPUT
    return cli_common.with_store(
        args,
        stderr,
        lambda ctx: _guarded(lambda: _record(ctx, data, args, stdout), stderr),
        not_opened=EXIT_REFUSED,
    )


def _record(ctx: Any, data: Any, args: argparse.Namespace, out: TextIO) -> int:
    from triage_app.services.assessments import record_and_open

    done = record_and_open(
        ctx, data, profile_override=args.profile, separate_reason=args.separate_case
    )
    assert done.case is not None  # always opened or joined without min_urgency
    decision = done.recorded.decision.to_json()
    decision["case_id"] = done.case.id
    decision["case_joined"] = done.joined
    decision["presentation_id"] = done.recorded.presentation.id
    decision["child_id"] = done.recorded.child.id
    out.write(json_text.dumps(decision) + "\n")
    out.flush()
    return EXIT_OK

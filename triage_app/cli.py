"""Command-line interface: ``triage-app assess`` and friends.

Commands print results on stdout and problems on stderr, one line per problem. Exit codes:
0 success, 1 a check failed, 2 bad input (nothing written anywhere).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from triage_app import __version__, cli_common, cli_store, json_text
from triage_app.domain.decode import MAX_INPUT_BYTES, MAX_PROBLEMS, decode_case
from triage_app.domain.engine import Engine
from triage_app.domain.errors import InputError, ProfileError, UnknownProfileError
from triage_app.domain.fallback import fallback_card

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="triage-app",
        description="Injuries in children who are not independently mobile: "
        "the local protocol, step by step.",
        epilog="With no command, triage-app opens the desktop app "
        "([gui] [--data-dir DIR] [--database-url URL]); --self-test builds the window "
        "offscreen on a temporary store and exits 0.",
    )
    parser.add_argument("--version", action="version", version=f"triage-app {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    assess = sub.add_parser(
        "assess",
        help="decide one case (JSON in, JSON out); touches no database unless --lookup",
        description="Read a triage-assess/1 case and print the triage-decision/1 decision.",
    )
    assess.add_argument("case", help="the case file, or - for standard input")
    assess.add_argument("--profile", help="protocol profile id (overrides the case's profile)")
    assess.add_argument(
        "--lookup",
        action="store_true",
        help="add the child's stored history and household (by NHS number) before deciding",
    )
    assess.add_argument(
        "--record",
        action="store_true",
        help="store the presentation and decision, open or join the child's case (one "
        'transaction); the decision printed carries "case_id"',
    )
    assess.add_argument(
        "--separate-case",
        metavar="REASON",
        help="with --record: open a separate case although the child has an open one (why)",
    )
    cli_store.add_store_options(assess)

    sub.add_parser("profiles", help="list the installed protocol profiles and their status")
    fallback = sub.add_parser(
        "fallback", help="print the one-page paper protocol for when the app is unavailable"
    )
    fallback.add_argument("--profile", help="protocol profile id (default: the default profile)")
    for module in _command_modules():
        module.register(sub)
    return parser


def run_assess(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """``triage-app assess``: print the decision, or every problem with exit code 2."""
    try:
        raw = _read_case(args.case, stdin)
    except FileNotFoundError:
        print(f"{args.case}: file not found", file=stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"{args.case}: cannot be read ({exc.__class__.__name__})", file=stderr)
        return EXIT_BAD_INPUT
    try:
        data = decode_case(raw)
    except InputError as exc:
        _print_problems(exc, stderr)
        return EXIT_BAD_INPUT
    if getattr(args, "record", False):
        from triage_app import cli_case

        return cli_case.run_record(data, args, stdout, stderr)
    if getattr(args, "separate_case", None):
        print("--separate-case: only with --record", file=stderr)
        return EXIT_BAD_INPUT
    notices: list[str] = []
    if getattr(args, "lookup", False):
        data = cli_store.lookup(data, args, stderr, notices)
        if data is None:
            return EXIT_CHECK_FAILED
    engine = _engine(stderr, args)
    if engine is None:
        return EXIT_CHECK_FAILED
    try:
        decision = engine.assess_json(data, profile_override=args.profile)
    except InputError as exc:
        _print_problems(exc, stderr)
        return EXIT_BAD_INPUT
    if notices:
        # "possible earlier injury, unconfirmed": the decision carries it until a person
        # links or rejects the possible earlier record.
        decision["notices"] = [*decision.get("notices", []), *notices]
    _print_json(decision, stdout)
    return EXIT_OK


def _read_case(name: str, stdin: TextIO) -> bytes | str:
    """Read at most one byte more than the input limit, so an oversized case costs nothing."""
    limit = MAX_INPUT_BYTES + 1
    if name == "-":
        buffer = getattr(stdin, "buffer", None)
        return buffer.read(limit) if buffer is not None else stdin.read(limit)
    with Path(name).open("rb") as handle:
        return handle.read(limit)


def _print_problems(exc: InputError, stderr: TextIO) -> None:
    """One line per problem; past ``MAX_PROBLEMS``, one line counting the rest."""
    for problem in exc.problems[:MAX_PROBLEMS]:
        print(_one_line(str(problem)), file=stderr)
    if len(exc.problems) > MAX_PROBLEMS:
        print(f"(and {len(exc.problems) - MAX_PROBLEMS} more problems)", file=stderr)


def run_profiles(stdout: TextIO, stderr: TextIO) -> int:
    """``triage-app profiles``: one line per installed profile."""
    engine = _engine(stderr)
    if engine is None:
        return EXIT_CHECK_FAILED
    for p in engine.registry:
        default = " (default)" if p.id == engine.registry.default_id else ""
        past = " PAST REVIEW DATE" if p.is_past_review(date.today()) else ""
        print(
            f"{p.id}{default}\t{p.version}\t{p.status}\treview {p.review_date}{past}\t"
            f"{p.partnership_name}",
            file=stdout,
        )
    return EXIT_OK


def run_fallback(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``triage-app fallback``: the printable one-page protocol card."""
    engine = _engine(stderr, args)
    if engine is None:
        return EXIT_CHECK_FAILED
    try:
        profile = engine.registry.get(args.profile)
    except UnknownProfileError as exc:
        print(f"--profile: {exc}", file=stderr)
        return EXIT_BAD_INPUT
    stdout.write(fallback_card(profile, date.today()))
    return EXIT_OK


def _engine(stderr: TextIO, args: argparse.Namespace | None = None) -> Engine | None:
    """The command's one protocol engine (its composition root's), or ``None`` if broken."""
    try:
        engine = cli_common.root(args).protocol
    except ProfileError as exc:
        print(str(exc), file=stderr)
        return None
    today = date.today()
    for profile in engine.registry:
        if profile.is_past_review(today):
            log.warning("profile %s %s is past its review date", profile.id, profile.version)
    return engine


def _print_json(data: Any, stdout: TextIO) -> None:
    stdout.write(json_text.dumps(data))
    stdout.write("\n")
    stdout.flush()


# Every character str.splitlines() breaks on: a problem must stay one line on stderr.
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


def _command_modules() -> list[Any]:
    """Modules that add sub-commands, each with ``register``, ``handles`` and ``run``."""
    from triage_app import cli_audit_report, cli_case, cli_child, cli_records, cli_security

    return [cli_store, cli_records, cli_security, cli_case, cli_audit_report, cli_child]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "assess":
        return run_assess(args, sys.stdin, sys.stdout, sys.stderr)
    if args.command == "profiles":
        return run_profiles(sys.stdout, sys.stderr)
    if args.command == "fallback":
        return run_fallback(args, sys.stdout, sys.stderr)
    for module in _command_modules():
        if module.handles(args.command):
            return module.run(args)
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT

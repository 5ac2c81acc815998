"""What every command-line module shares: the store options, sign-in and exit codes.

Sign-in for every command that touches the database: ``--user`` or ``TRIAGE_USER`` names the
account and ``TRIAGE_PASSWORD`` holds its password; on a terminal whatever is missing is
asked for (the password without echo). A wrong password opens nothing; a locked account says
until when. Each command gets one composition root (:func:`root`,
:class:`triage_app.bootstrap.Bootstrap`): its store, clock and protocol engine.

The command-line modules import this module and the layers below it, never ``app.py``.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from triage_app.bootstrap import Bootstrap

log = logging.getLogger(__name__)

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2
USER_ENV, PASSWORD_ENV, NEW_PASSWORD_ENV = "TRIAGE_USER", "TRIAGE_PASSWORD", "TRIAGE_NEW_PASSWORD"


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--data-dir``, ``--database-url`` and ``--user`` to a command."""
    group = parser.add_argument_group("record store")
    group.add_argument("--data-dir", help="folder for the database (overrides TRIAGE_HOME)")
    group.add_argument(
        "--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db"
    )
    group.add_argument(
        "--user",
        help="the account to sign in as (default: TRIAGE_USER); its password comes from "
        "TRIAGE_PASSWORD or is asked for on a terminal",
    )


def root(args: argparse.Namespace | None) -> Bootstrap:
    """The command's composition root (built on first use, then the same for the command)."""
    if args is None:
        return Bootstrap()
    found = getattr(args, "bootstrap", None)
    if found is None:
        found = Bootstrap(getattr(args, "data_dir", None), getattr(args, "database_url", None))
        args.bootstrap = found
    return found


def is_terminal() -> bool:
    """True when standard input is a terminal (so missing answers may be asked for)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def ask(prompt: str, *, secret: bool) -> str:
    """Ask on the terminal (a secret without echo); return the answer without its newline."""
    if secret:
        return getpass.getpass(prompt)
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return sys.stdin.readline().rstrip("\n")


def new_password(env_name: str, who: str) -> str | None:
    """A new password from ``env_name``, or asked twice on a terminal; ``None`` if neither."""
    given = os.environ.get(env_name)
    if given is not None:
        return given
    if not is_terminal():
        return None
    first = ask(f"new password for {who}: ", secret=True)
    if ask("the same password again: ", secret=True) != first:
        raise ValueError("the two passwords differ")
    return first


def credentials(args: argparse.Namespace, *, prompt: bool) -> Any:
    """The account to sign in as, from ``--user``/``TRIAGE_USER`` and ``TRIAGE_PASSWORD``.

    Args:
        args: the command's arguments (``--user`` when present).
        prompt: ask on the terminal for what is missing.

    Returns:
        ``Credentials`` or ``None`` when no account was named.
    """
    from triage_app.services.auth import Credentials

    user = getattr(args, "user", None) or os.environ.get(USER_ENV) or None
    password = os.environ.get(PASSWORD_ENV)
    if prompt and is_terminal():
        if not user:
            user = ask("user: ", secret=False).strip() or None
        if user and password is None:
            password = ask(f"password for {user}: ", secret=True)
    return Credentials(user, password) if user else None


def sign_in_context(args: argparse.Namespace, stderr: TextIO) -> Any:
    """Sign in and open the store for a command, or print why not and return ``None``."""
    from triage_app.services import auth

    app = root(args)
    try:
        try:
            ctx = app.sign_in(credentials(args, prompt=False))
        except auth.CredentialsNeededError:
            if not is_terminal():
                raise
            ctx = app.sign_in(credentials(args, prompt=True))
    except auth.SignInError as exc:
        print(f"sign-in: {exc}", file=stderr)
        return None
    if app.store_state() == "plain":
        print(
            "warning: this database is not encrypted (it was made before encryption): anyone "
            "who can read the file can read its records; run 'triage-app init --user NAME' "
            "to encrypt it",
            file=stderr,
        )
    return ctx


def open_context(args: argparse.Namespace, stderr: TextIO) -> Any:
    """Sign in and open the store for a command, or print why not and return ``None``.

    As :func:`sign_in_context`, and a store that cannot be opened at all (a schema from a
    newer version, a server that is down) is one line on stderr, never a traceback.
    """
    from triage_app.store.migrate import SchemaError

    try:
        return sign_in_context(args, stderr)
    except SchemaError as exc:
        print(f"database: {exc}", file=stderr)
    except Exception as exc:  # report, never a traceback; no URL (may hold a password)
        log.debug("cannot open the database", exc_info=True)
        print(
            f"database: cannot be opened ({exc.__class__.__name__}: {first_line(exc)})",
            file=stderr,
        )
    return None


def with_store(
    args: argparse.Namespace,
    stderr: TextIO,
    step: Callable[[Any], int],
    *,
    not_opened: int = EXIT_CHECK_FAILED,
    failed: Callable[[Exception], int] | None = None,
) -> int:
    """Sign in, run ``step(ctx)`` and close the store; return the exit code.

    Args:
        args: the command's arguments (the store options).
        stderr: where sign-in problems are printed (one line each).
        step: the command's work on the open store; returns the exit code.
        not_opened: the exit code when the store cannot be opened (the reason is printed).
        failed: reports an error of ``step`` in one line and returns its exit code (every
            use-case is one transaction: nothing was changed); without it, errors propagate.
    """
    ctx = open_context(args, stderr)
    if ctx is None:
        return not_opened
    try:
        return step(ctx)
    except Exception as exc:
        if failed is None:
            raise
        return failed(exc)
    finally:
        ctx.close()


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, at most 200 characters (for one-line reports)."""
    return (str(exc).splitlines() or [""])[0][:200]

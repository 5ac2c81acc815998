"""The security commands: ``init``, ``user``, ``backup``, ``restore``.

Sign-in is :mod:`triage_app.cli_common`'s, as for every command. Exit codes as for every
command: 0 success, 1 refused or failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from triage_app.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    USER_ENV,
    add_store_options,
    ask,
    credentials,
    first_line,
    is_terminal,
    new_password,
    root,
    sign_in_context,
    with_store,
)

log = logging.getLogger(__name__)

COMMANDS = ("init", "user", "backup", "restore")


def add_profile_options(parser: argparse.ArgumentParser) -> None:
    """Add the professional profile: printed as the referring clinician on referral records."""
    from triage_app.domain.handover import PROFESSIONAL_ROLES

    group = parser.add_argument_group(
        "professional profile (asked for on a terminal when not given)"
    )
    group.add_argument("--full-name", help="the full name, as printed on referrals")
    group.add_argument(
        "--professional-role", choices=list(PROFESSIONAL_ROLES), help="the clinical role"
    )
    group.add_argument("--organisation", help="the organisation (and department)")
    group.add_argument("--phone", help="a call-back number for social care")


def profile_from(args: argparse.Namespace, err: TextIO) -> Any:
    """The professional profile from the options, asking on a terminal for what is missing.

    Returns ``None`` when none of it is given off a terminal; raises ValueError when only
    part is given (the account would print as a referrer nobody can call back).
    """
    from triage_app.domain.handover import PROFESSIONAL_ROLES, ReferrerDetails

    values = {
        "name": args.full_name,
        "professional_role": args.professional_role,
        "organisation": args.organisation,
        "phone": args.phone,
    }
    if is_terminal():
        questions = {
            "name": "full name: ",
            "professional_role": f"professional role ({', '.join(PROFESSIONAL_ROLES)}): ",
            "organisation": "organisation: ",
            "phone": "call-back number: ",
        }
        for key, question in questions.items():
            while not (values[key] or "").strip():
                values[key] = ask(question, secret=False).strip()
                if key == "professional_role" and values[key] not in PROFESSIONAL_ROLES:
                    print(f"choose one of: {', '.join(PROFESSIONAL_ROLES)}", file=err)
                    values[key] = None
    if not any(values.values()):
        return None
    profile = ReferrerDetails(**values)
    missing = profile.missing()
    if missing:
        raise ValueError("the professional profile also needs: " + ", ".join(missing))
    return profile


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``init``, ``user``, ``backup`` and ``restore`` to the parser."""
    init = sub.add_parser(
        "init",
        help="create the data folder, the encrypted database and its first administrator",
        description="The password comes from TRIAGE_PASSWORD, or is asked for twice.",
    )
    init.add_argument(
        "--lock-after", type=int, default=5, metavar="N", help="failed sign-ins before a lock"
    )
    init.add_argument(
        "--lock-minutes", type=int, default=15, metavar="M", help="how long a lock lasts"
    )
    add_store_options(init)

    user = sub.add_parser("user", help="user accounts (administrators)")
    user_sub = user.add_subparsers(dest="what", metavar="WHAT", required=True)
    add = user_sub.add_parser(
        "add",
        help="add an account (its password from TRIAGE_NEW_PASSWORD, or asked twice)",
    )
    add.add_argument("name", help="the new account's user name")
    add.add_argument("--role", required=True, help="clinician, safeguarding_lead or administrator")
    add_profile_options(add)
    add_store_options(add)
    add_store_options(user_sub.add_parser("list", help="list the accounts and their roles"))
    login = user_sub.add_parser(
        "db-login",
        help="PostgreSQL: give an account its own database login role (password from "
        "TRIAGE_NEW_PASSWORD, or asked twice); installs the grants and row-level security",
    )
    login.add_argument("name", help="the account")
    add_store_options(login)
    add_store_options(
        user_sub.add_parser(
            "passwd", help="change your password (the new one from TRIAGE_NEW_PASSWORD or asked)"
        )
    )

    backup = sub.add_parser("backup", help="an encrypted, consistent copy of the data folder")
    backup.add_argument("out", help="the backup file to write (must not exist)")
    add_store_options(backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty data folder")
    restore.add_argument("backup_file", metavar="IN", help="the backup file")
    restore.add_argument(
        "--force", action="store_true", help="replace a data folder that already holds data"
    )
    add_store_options(restore)


def handles(command: str | None) -> bool:
    """Return True for the commands of this module."""
    return command in COMMANDS


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ``init``, ``user``, ``backup`` or ``restore`` and return the exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = {
        "init": _init,
        "user": _user,
        "backup": _backup,
        "restore": _restore,
    }[args.command]
    try:
        return handler(args, out, err)
    except Exception as exc:  # one clear line, never a traceback with values
        log.debug("%s failed", args.command, exc_info=True)
        print(f"{args.command}: failed ({exc.__class__.__name__}: {first_line(exc)})", file=err)
        return EXIT_CHECK_FAILED


def _init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.auth import Credentials, SignInError
    from triage_app.services.backup import plain_copies

    user = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if not user:
        print("init: give the first administrator's name with --user NAME", file=err)
        return EXIT_BAD_INPUT
    try:
        password = new_password(PASSWORD_ENV, user)
    except ValueError as exc:
        print(f"init: {exc}; nothing was created", file=err)
        return EXIT_BAD_INPUT
    if password is None:
        print(
            f"init: no password: set {PASSWORD_ENV}, or run on a terminal to be asked",
            file=err,
        )
        return EXIT_BAD_INPUT
    app = root(args)
    loc = app.location
    try:
        was_plain = app.store_state() == "plain"
        if args.lock_after < 1 or args.lock_minutes < 1:
            raise SignInError("--lock-after and --lock-minutes must be at least 1")
        ctx = app.initialise(Credentials(user, password), lock=(args.lock_after, args.lock_minutes))
    except SignInError as exc:
        print(f"init: {exc}", file=err)
        return EXIT_CHECK_FAILED
    if loc.database_file is None:
        from triage_app.services.permissions import db_login_of

        login = db_login_of(ctx, user)
        ctx.close()
        print(f"created the first account on the database server: {user!r}", file=out)
        print(_login_line(user, login), file=out)
        return EXIT_OK
    ctx.close()
    if was_plain:
        print(
            f"encrypted the existing database in {loc.data_dir} (every record kept); "
            f"administrator {user!r}",
            file=out,
        )
    else:
        print(
            f"created an encrypted database with administrator {user!r} in {loc.data_dir}",
            file=out,
        )
    for copy in plain_copies(loc):
        print(f"warning: an unencrypted copy from before encryption remains: {copy}", file=err)
    return EXIT_OK


def _user(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.domain.access import AccessDeniedError, Permission, parse_role
    from triage_app.services import permissions
    from triage_app.services.auth import Credentials, SignInError

    role = profile = None
    if args.what == "add":
        try:
            role = parse_role(args.role)
        except ValueError as exc:
            print(f"--role: {exc}", file=err)
            return EXIT_BAD_INPUT
        try:
            profile = profile_from(args, err)
        except ValueError as exc:
            print(f"user add: {exc}; nothing was changed", file=err)
            return EXIT_BAD_INPUT
    ctx = sign_in_context(args, err)
    if ctx is None:
        return EXIT_CHECK_FAILED
    try:
        if args.what == "list":
            for a in permissions.list_accounts(ctx):
                last = f"{a.last_sign_in_at:%Y-%m-%d %H:%M}" if a.last_sign_in_at else "never"
                state = "active" if a.active else "inactive"
                print(f"{a.username}\t{a.role or '-'}\t{state}\tlast sign-in {last}", file=out)
            return EXIT_OK
        loc = root(args).location
        keyring = loc.keyring if loc.database_file is not None else None
        if args.what == "passwd":
            return _passwd(ctx, keyring, args, out, err)
        if args.what == "db-login":
            permissions.require(ctx, Permission.MANAGE_USERS)
            password = new_password(NEW_PASSWORD_ENV, args.name)
            made = permissions.create_db_login(ctx, args.name, password)
            print(f"{args.name!r} connects as database role {made!r}", file=out)
            return EXIT_OK
        permissions.require(ctx, Permission.MANAGE_USERS)
        try:
            password = new_password(NEW_PASSWORD_ENV, args.name)
        except ValueError as exc:
            print(f"user add: {exc}; nothing was changed", file=err)
            return EXIT_BAD_INPUT
        if password is None:
            print(
                f"user add: no password for {args.name!r}: set {NEW_PASSWORD_ENV}, "
                "or run on a terminal to be asked",
                file=err,
            )
            return EXIT_BAD_INPUT
        account = permissions.add_account(ctx, Credentials(args.name, password), role, keyring)
        print(f"added {account.username!r} ({account.role})", file=out)
        login = permissions.db_login_of(ctx, account.username)
        if login is not None:
            print(_login_line(account.username, login), file=out)
        if profile is None:
            print(
                f"warning: {account.username!r} has no professional profile (full name, role, "
                "organisation, call-back number); referral records would name the account only",
                file=err,
            )
        else:
            from triage_app.services import handover

            handover.set_profile(ctx, profile, username=account.username)
        return EXIT_OK
    except AccessDeniedError as exc:
        print(f"user {args.what}: {exc}", file=err)
        return EXIT_CHECK_FAILED
    except SignInError as exc:
        print(f"user {args.what}: {exc}", file=err)
        return EXIT_BAD_INPUT
    finally:
        ctx.close()


def _login_line(user: str, login: str | None) -> str:
    return (
        f"{user!r} connects to the server as database login role {login!r}, with the same "
        "password: give them the database URL with that role name"
    )


def _passwd(ctx: Any, keyring: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services import permissions

    current = credentials(args, prompt=True)
    try:
        new = new_password(NEW_PASSWORD_ENV, ctx.user)
    except ValueError as exc:
        print(f"user passwd: {exc}; nothing was changed", file=err)
        return EXIT_BAD_INPUT
    if new is None or current is None or current.password is None:
        print(f"user passwd: set {NEW_PASSWORD_ENV}, or run on a terminal to be asked", file=err)
        return EXIT_BAD_INPUT
    permissions.change_own_password(ctx, current.password, new, keyring)
    print(f"password changed for {ctx.user!r}", file=out)
    return EXIT_OK


def _backup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.backup import BackupError, create_backup

    def backup(ctx: Any) -> int:
        try:
            summary = create_backup(ctx, root(args).location, args.out)
        except BackupError as exc:
            print(f"backup: {exc}", file=err)
            return EXIT_CHECK_FAILED
        print(
            f"backup written: {summary.path} ({summary.size} bytes, schema "
            f"{summary.revision}, {summary.audit_events} audit events; encrypted, opens only "
            "with a user's password)",
            file=out,
        )
        return EXIT_OK

    return with_store(args, err, backup)


def _restore(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from triage_app.services.auth import SignInError
    from triage_app.services.backup import BackupError, restore_backup

    creds = credentials(args, prompt=True)
    if creds is None or creds.password is None:
        print(
            "restore: sign in as an account in the backup: set TRIAGE_USER and "
            "TRIAGE_PASSWORD, or run on a terminal",
            file=err,
        )
        return EXIT_BAD_INPUT
    app = root(args)
    app.ensure_private_folders()
    loc = app.location
    try:
        moved = restore_backup(loc, args.backup_file, creds, force=args.force)
    except (BackupError, SignInError) as exc:
        print(f"restore: {exc}", file=err)
        return EXIT_CHECK_FAILED
    if moved is not None:
        print(f"the replaced database and key file were moved to {moved}", file=out)
    ctx = sign_in_context(args, err)
    if ctx is None:
        return EXIT_CHECK_FAILED
    try:
        with ctx.transaction() as s:
            ctx.audit(s, "import", "backup", None, after={"file": Path(args.backup_file).name})
    finally:
        ctx.close()
    print(f"restored into {loc.data_dir}: integrity and audit trail checked", file=out)
    return EXIT_OK

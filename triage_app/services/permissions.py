"""Role checks in the services: user management is for administrators; cases by role.

The rules themselves are pure (:mod:`triage_app.domain.access`); this module applies them to
the signed-in context, so they hold whatever the front end (command line or window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from triage_app.domain.access import AccessDeniedError, Permission, Role, allowed, can_see_case
from triage_app.domain.records import CaseSummary
from triage_app.services import cases
from triage_app.services.auth import Credentials, SignInError, create_account, hash_password
from triage_app.services.context import StoreContext
from triage_app.store import signing
from triage_app.store.case_repository import CaseRepository
from triage_app.store.db import database_key
from triage_app.store.keyring import KdfParams, Keyring, KeyringError
from triage_app.store.orm import User

RECENT_DAYS = 30


@dataclass(frozen=True)
class Account:
    """A user account as the administrator sees it (never its password hash)."""

    username: str
    role: str | None
    active: bool
    can_sign_in: bool
    created_at: datetime
    last_sign_in_at: datetime | None


def require(ctx: StoreContext, permission: Permission) -> None:
    """Raise AccessDeniedError unless the signed-in user's role grants ``permission``."""
    if not allowed(ctx.role, permission):
        raise AccessDeniedError(ctx.user, ctx.role, permission)


def visible_cases(
    ctx: StoreContext, recent_days: int | None = RECENT_DAYS, *, closed: bool = False
) -> list[CaseSummary]:
    """Open and recently closed cases this user may see, with what is due (audited view).

    A clinician (or administrator) sees the cases they opened; a safeguarding lead sees all
    (the case service's own listing). The audit event lists exactly the cases shown. What is
    due is case rule C7's one list. ``closed``: the closed cases alone.
    """
    if allowed(ctx.role, Permission.VIEW_ALL_CASES):
        return cases.list_cases(ctx, recent_days=recent_days, closed=closed)
    now = ctx.clock()
    since = now - timedelta(days=recent_days) if recent_days is not None else None
    with ctx.transaction() as s:
        listed = CaseRepository(s).listing(since, closed_only=closed)
        shown = [c for c in listed if can_see_case(ctx.role, ctx.user, c.opened_by)]
        out = cases.summaries(ctx, s, shown, now)
        ctx.audit(s, "view", "case_list", None, after={"cases": [c.id for c in shown]})
        return out


def list_accounts(ctx: StoreContext) -> list[Account]:
    """Return every account (administrators only; audited)."""
    require(ctx, Permission.MANAGE_USERS)
    with ctx.transaction() as s:
        rows = s.scalars(select(User).order_by(User.username)).all()
        out = [
            Account(
                r.username,
                r.role,
                bool(r.active),
                r.password_hash is not None,
                r.created_at,
                r.last_sign_in_at,
            )
            for r in rows
        ]
        ctx.audit(s, "view", "user_list", None, after={"users": len(out)})
        return out


def add_account(
    ctx: StoreContext, credentials: Credentials, role: Role, keyring: Keyring | None
) -> Account:
    """Create an account (administrators only): its role, password hash and key wrapping.

    For an encrypted database the database key (open in ``ctx``) is wrapped for the new user
    with their password; if the database step then fails, the wrapping is removed again.

    Raises:
        AccessDeniedError: the acting user is not an administrator.
        SignInError: the name is taken or the password is too short.
    """
    require(ctx, Permission.MANAGE_USERS)
    name = credentials.user.strip()
    if not name or len(name) > 100 or any(not ch.isprintable() for ch in name):
        raise SignInError("a user name needs 1 to 100 printable characters")
    if credentials.password is None or len(credentials.password) < 8:
        raise SignInError("a password needs at least 8 characters")
    with ctx.session_factory.begin() as s:
        if s.scalar(select(User).where(User.username == name)) is not None:
            raise SignInError(f"user {name!r} already exists; nothing was changed")
    key = database_key(ctx.engine)
    wrapped = False
    if key is not None and keyring is not None:
        try:
            keyring.add_user(key, name, credentials.password)
        except KeyringError as exc:
            raise SignInError(f"{exc}; nothing was changed") from None
        wrapped = True
    now = ctx.clock()
    try:
        # Signed by the acting administrator's key (held since their sign-in).
        create_account(
            ctx,
            Credentials(name, credentials.password),
            role,
            created_by=ctx.user,
            kdf=keyring.params if keyring is not None else None,
        )
    except BaseException:
        if wrapped and keyring is not None:
            keyring.remove_user(name)
        raise
    return Account(name, role.value, True, True, now, None)


def change_own_password(ctx: StoreContext, current: str, new: str, keyring: Keyring | None) -> None:
    """Change the signed-in user's password: re-wrap the key, store the new hash (audited).

    Raises:
        SignInError: the current password is wrong, or the new one is too short.
    """
    if len(new) < 8:
        raise SignInError("a password needs at least 8 characters")
    if keyring is not None and database_key(ctx.engine) is not None:
        try:
            keyring.change_password(ctx.user, current, new)
        except KeyringError as exc:
            raise SignInError(f"the password was not changed: {exc}") from None
    with ctx.transaction() as s:
        row = s.scalar(select(User).where(User.username == ctx.user))
        if row is None:
            raise SignInError(f"no account {ctx.user!r} in this database")
        row.password_hash = hash_password(new)
        if row.db_role and s.get_bind().dialect.name == "postgresql":
            # The database login role keeps the account's password (one password a person).
            from triage_app.store import pg_roles

            pg_roles.set_password(s.connection(), row.db_role, new)
        if row.signing_secret:
            # The administrator's signing key follows the password (re-wrapped, same key).
            try:
                private = signing.unwrap(row.signing_secret, current, ctx.user)
            except signing.SigningError:
                raise SignInError(
                    "the password was not changed: the current one is wrong"
                ) from None
            params = keyring.params if keyring is not None else KdfParams()
            row.signing_secret = signing.wrap(private, new, ctx.user, params)
        ctx.audit(s, "update", "user", ctx.user, after={"password": "changed"})


def db_login_of(ctx: StoreContext, username: str) -> str | None:
    """PostgreSQL: the account's own database login role (``None`` elsewhere, or none yet)."""
    if ctx.engine.dialect.name != "postgresql":
        return None
    with ctx.session_factory.begin() as s:
        return s.scalar(select(User.db_role).where(User.username == username))


def create_db_login(ctx: StoreContext, username: str, password: str | None) -> str:
    """PostgreSQL: give an account its own login role in its group (administrators only).

    Installs the group roles, grants and row-level security first (idempotent; see
    :mod:`triage_app.store.pg_roles`), so the connecting role must be the database owner and
    allowed to create roles. Audited; returns the login role's name.

    Raises:
        AccessDeniedError: the acting user is not an administrator.
        SignInError: not a PostgreSQL database, or no such account.
    """
    from triage_app.store import pg_roles

    require(ctx, Permission.MANAGE_USERS)
    if ctx.engine.dialect.name != "postgresql":
        raise SignInError("database login roles exist only on a PostgreSQL server")
    with ctx.transaction() as s:
        row = s.scalar(select(User).where(User.username == username))
        if row is None or not row.role:
            raise SignInError(f"no account {username!r}; nothing was changed")
        conn = s.connection()
        pg_roles.install(conn)
        name = pg_roles.create_login(conn, username, row.role, password)
        ctx.audit(s, "update", "user", username, after={"db_role": name})
    return name

"""Sign-in: unwrap the database key with a password, open the store, audit who came in.

The embedded (SQLite) database is encrypted with SQLCipher; its key is wrapped per user in
``keys.json`` (:mod:`triage_app.store.keyring`). Signing in unwraps it: a wrong password
cannot open the database at all. Failed sign-ins and locks happen before the database can be
opened, so the keyring keeps them and they are written to the audit trail at the next
successful sign-in, together with the sign-in itself.

A PostgreSQL database is reachable before sign-in (the server authenticates the connection),
so there the password is checked against the account's Argon2 hash in ``app_user`` and
failures and locks go straight to the audit trail; the lock is read back from it.

Messages never contain a password, a key or a patient identifier.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage_app.domain.access import (
    ACCOUNT_LOCK,
    SIGN_IN,
    SIGN_IN_FAILURE,
    Role,
    failures_in_a_row,
    locked_until,
)
from triage_app.services.context import Clock, StoreContext, open_store, system_clock
from triage_app.store import audit
from triage_app.store.keyring import AccountLockedError as KeyringLocked
from triage_app.store.keyring import KdfParams, Keyring, LockPolicy, WrongPasswordError
from triage_app.store.orm import AuditEventRow, User

log = logging.getLogger(__name__)

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"  # published on purpose: the demo folder holds synthetic data
SQLITE_HEADER = b"SQLite format 3\x00"
NEED_SIGN_IN = (
    "this database needs a sign-in: set TRIAGE_USER and TRIAGE_PASSWORD, or run on a terminal"
)


class SignInError(Exception):
    """Signing in failed; the message says why in plain words (never a secret)."""


class NotInitialisedError(SignInError):
    """There is no encrypted database yet in the data folder."""


class CredentialsNeededError(SignInError):
    """The database needs a signed-in user and none was given."""


class WrongCredentialsError(SignInError):
    """Unknown user or wrong password (the two are not told apart)."""


class AccountLockedError(SignInError):
    """Too many failed sign-ins; ``until`` (UTC) says when the lock ends."""

    def __init__(self, user: str, until: datetime) -> None:
        self.user = user
        self.until = until
        super().__init__(
            f"account {user!r} is locked after repeated failed sign-ins until "
            f"{until:%Y-%m-%d %H:%M} UTC"
        )


@dataclass(frozen=True)
class Credentials:
    """A user name and password (the password is never shown in a repr).

    ``password`` is ``None`` when only a name was given (enough for a store without accounts).
    """

    user: str
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Location:
    """Where the store lives (built from ``AppPaths`` by the composition root)."""

    data_dir: Path
    database_url: str
    database_file: Path | None
    backup_dir: Path | None = None

    @property
    def keyring(self) -> Keyring:
        """The key file of the data folder."""
        return Keyring(self.data_dir)


def store_state(loc: Location) -> str:
    """Return ``server``, ``encrypted``, ``plain`` (made before encryption) or ``fresh``."""
    if loc.database_file is None:
        return "server"
    if loc.keyring.exists():
        return "encrypted"
    db = loc.database_file
    if db.is_file() and db.stat().st_size > 0:
        with db.open("rb") as handle:
            if handle.read(16) == SQLITE_HEADER:
                return "plain"
        raise SignInError(
            f"{db} exists but {loc.keyring.path.name} is missing beside it: the database "
            "cannot be opened without its key file (restore both from a backup)"
        )
    return "fresh"


def hash_password(password: str) -> str:
    """Return the Argon2id hash stored in ``app_user.password_hash``."""
    return PasswordHasher().hash(password)


def sign_in(
    loc: Location,
    credentials: Credentials | None,
    *,
    clock: Clock = system_clock,
    kdf: KdfParams | None = None,
    policy: LockPolicy | None = None,
    now_utc: datetime | None = None,
) -> StoreContext:
    """Sign in and return the open store, acting as the signed-in user with their role.

    Without credentials, a demonstration folder signs in as ``demo`` (its password is
    published, so asking for it protects nothing), and a store without accounts (a database
    made before encryption, or a server database no one has initialised) opens as before.

    Raises:
        NotInitialisedError: no database yet (run ``init``, or ``demo load``).
        CredentialsNeededError: the store has accounts and no credentials were given.
        WrongCredentialsError: unknown user or wrong password.
        AccountLockedError: locked after too many failures.
    """
    state = store_state(loc)
    if state == "fresh":
        raise NotInitialisedError(
            f"no database in {loc.data_dir}: run 'triage-app init --user NAME' to create it "
            "(or 'triage-app demo load' for synthetic demonstration data)"
        )
    if state == "plain":
        return _open(loc, None, credentials.user if credentials else None, None, clock)
    if state == "server":
        return _server_sign_in(loc, credentials, clock, policy or LockPolicy(), now_utc)
    ring = Keyring(loc.data_dir, params=kdf, policy=policy)
    named_demo = credentials is None or credentials.user == DEMO_USER
    if named_demo and (credentials is None or credentials.password is None) and ring.is_demo():
        credentials = Credentials(DEMO_USER, DEMO_PASSWORD)
    if credentials is None or credentials.password is None:
        raise CredentialsNeededError(NEED_SIGN_IN)
    try:
        key = ring.unlock(credentials.user, credentials.password, now_utc)
    except KeyringLocked as exc:
        raise AccountLockedError(exc.user, exc.until) from None
    except WrongPasswordError:
        raise WrongCredentialsError("unknown user or wrong password; nothing was opened") from None
    ctx = _open(loc, key, credentials.user, None, clock)
    try:
        ctx.role = _account_role(ctx, credentials.user)
        _audit_sign_in(ctx, ring)
    except BaseException:
        ctx.close()
        raise
    return ctx


def initialise(
    loc: Location,
    credentials: Credentials,
    *,
    role: Role = Role.ADMINISTRATOR,
    demo: bool = False,
    clock: Clock = system_clock,
    kdf: KdfParams | None = None,
    policy: LockPolicy | None = None,
) -> StoreContext:
    """Create the encrypted database at the latest schema and its first account.

    For SQLite: a random database key wrapped for the user in ``keys.json``, the encrypted
    database, and the ``app_user`` row (Argon2 hash, role); a database made before encryption
    is encrypted, its records kept. For a server database: the first account with a
    password. Audited (the account's creation and its first sign-in).

    ``policy`` (failures before a lock, its minutes) is kept in the folder's key file;
    ``sign_in`` uses it unless given another.

    Raises:
        SignInError: the folder or server already has a database with accounts.
    """
    if credentials.password is None or len(credentials.password) < 8:
        raise SignInError("a password needs at least 8 characters")
    state = store_state(loc)
    if state == "encrypted" or (state == "plain" and demo):
        assert loc.database_file is not None
        raise SignInError(
            f"{loc.data_dir} already holds a database ({loc.database_file.name}); "
            "nothing was changed"
        )
    if state == "server":
        ctx = _open(loc, None, credentials.user, role.value, clock)
        try:
            if _server_accounts(ctx):
                raise SignInError("this database already has accounts; nothing was changed")
            create_account(ctx, credentials, role, created_by=credentials.user)
        except BaseException:
            ctx.close()
            raise
        return ctx
    ring = Keyring(loc.data_dir, params=kdf)
    key = ring.create(credentials.user, credentials.password, demo=demo, policy=policy)
    if state == "plain":
        try:
            from triage_app.services.backup import encrypt_plain_store

            return encrypt_plain_store(loc, key, credentials, role, clock)
        except BaseException:
            ring.path.unlink(missing_ok=True)
            raise
    ctx = None
    try:
        ctx = _open(loc, key, credentials.user, role.value, clock)
        create_account(ctx, credentials, role, created_by=credentials.user)
    except BaseException:
        if ctx is not None:
            ctx.close()
        _remove_new_store(loc)
        raise
    return ctx


def _open(
    loc: Location, key: bytes | None, user: str | None, role: str | None, clock: Clock
) -> StoreContext:
    return open_store(
        loc.database_url,
        user=user,
        clock=clock,
        backup_dir=loc.backup_dir,
        database_file=loc.database_file,
        key=key,
        role=role,
    )


def _remove_new_store(loc: Location) -> None:
    """Undo a failed ``initialise``: remove the new key file and database files."""
    assert loc.database_file is not None
    db = loc.database_file
    for path in (loc.keyring.path, db, *(db.with_name(db.name + x) for x in ("-wal", "-shm"))):
        path.unlink(missing_ok=True)


def create_account(
    ctx: StoreContext, credentials: Credentials, role: Role, created_by: str
) -> None:
    """Create (or give a password to) an account with its role; audit it and its sign-in."""
    now = ctx.clock()
    with ctx.session_factory.begin() as s:
        row = s.scalar(select(User).where(User.username == credentials.user))
        if row is None:
            row = User(username=credentials.user, created_at=now)
            s.add(row)
        row.role, row.active = role.value, True
        row.password_hash = hash_password(credentials.password)
        row.last_sign_in_at = now
        s.flush()
        after = {"username": credentials.user, "role": role.value}
        audit.record(
            s,
            at=now,
            username=created_by,
            action="create",
            entity="user",
            entity_id=credentials.user,
            after=after,
        )
        _audit(s, now, credentials.user, SIGN_IN, {"role": role.value})


def _account_role(ctx: StoreContext, user: str) -> str:
    """Return the role of an active account, or refuse the sign-in."""
    with ctx.session_factory.begin() as s:
        row = s.scalar(select(User).where(User.username == user))
        if row is None or not row.active or not row.role:
            raise WrongCredentialsError(
                f"account {user!r} is not active in this database; ask an administrator"
            )
        return row.role


def _audit(s: Session, at: datetime, user: str, entity: str, after: dict[str, str]) -> None:
    # audit.ACTIONS has no sign-in action: a sign-in is recorded as the creation of a
    # "sign_in" (or "sign_in_failure", "account_lock") event about the account.
    audit.record(
        s,
        at=at,
        username=user,
        action="create",
        entity=entity,
        entity_id=user,
        after=after,
    )


def _audit_sign_in(ctx: StoreContext, ring: Keyring) -> None:
    """Write the keyring's pending failures and locks, then this sign-in, to the audit trail.

    Runs under the key-file lock, so two sign-ins at the same moment cannot both write the
    same pending events; each event carries an id, and one already in the trail (a process
    killed between the commit and the clearing) is not written again: exactly once.
    """
    with ring.locked():
        pending = ring.pending_events()
        now = ctx.clock()
        with ctx.session_factory.begin() as s:
            written = _written_event_ids(s) if pending else set()
            for user, events in pending.items():
                for ev in events:
                    if ev.get("id") and ev["id"] in written:
                        continue
                    entity = ACCOUNT_LOCK if ev.get("event") == "locked" else SIGN_IN_FAILURE
                    after = {"at_utc": ev.get("at", "")}
                    if ev.get("id"):
                        after["event_id"] = ev["id"]
                    if ev.get("name_hmac"):
                        after["name_hmac"] = ev["name_hmac"]
                    _audit(s, now, user, entity, after)
            _audit(s, now, ctx.user, SIGN_IN, {"role": ctx.role or ""})
            row = s.scalar(select(User).where(User.username == ctx.user))
            if row is not None:
                row.last_sign_in_at = now
        for user, events in pending.items():
            ring.clear_events(user, len(events))


def _written_event_ids(s: Session, recent: int = 500) -> set[str]:
    """Ids of the keyring events already in the newest part of the trail."""
    rows = s.scalars(
        select(AuditEventRow.after)
        .where(AuditEventRow.entity.in_((SIGN_IN_FAILURE, ACCOUNT_LOCK)))
        .order_by(AuditEventRow.id.desc())
        .limit(recent)
    )
    out = set()
    for after in rows:
        try:
            found = json.loads(after or "{}").get("event_id")
        except (ValueError, AttributeError):
            continue
        if found:
            out.add(found)
    return out


def _server_accounts(ctx: StoreContext) -> int:
    with ctx.session_factory.begin() as s:
        return s.scalar(select(func.count()).where(User.password_hash.is_not(None))) or 0


def _server_sign_in(
    loc: Location,
    credentials: Credentials | None,
    clock: Clock,
    policy: LockPolicy,
    now_utc: datetime | None,
) -> StoreContext:
    """PostgreSQL: check the password against ``app_user``; failures audited at once."""
    ctx = _open(loc, None, credentials.user if credentials else None, None, clock)
    try:
        if not _server_accounts(ctx):
            return ctx  # no accounts yet: the server's own authentication is all there is
        if credentials is None or credentials.password is None:
            raise CredentialsNeededError(NEED_SIGN_IN)
        now = now_utc or datetime.now(UTC)
        with ctx.session_factory.begin() as s:
            until = locked_until(_server_history(s, credentials.user))
            if until is not None and until > now:
                raise AccountLockedError(credentials.user, until)
            row = s.scalar(select(User).where(User.username == credentials.user))
            ok = row is not None and row.password_hash and row.active
            try:
                ok = ok and PasswordHasher().verify(row.password_hash, credentials.password)
            except VerificationError:
                ok = False
            if not ok:
                _audit(s, ctx.clock(), credentials.user, SIGN_IN_FAILURE, {"at_utc": str(now)})
                failures = failures_in_a_row(_server_history(s, credentials.user))
                if failures >= policy.max_failures:
                    until = now + timedelta(minutes=policy.lock_minutes)
                    _audit(s, ctx.clock(), credentials.user, ACCOUNT_LOCK, {"until": str(until)})
        if not ok:
            if failures >= policy.max_failures:
                raise AccountLockedError(credentials.user, until)
            raise WrongCredentialsError("unknown user or wrong password; nothing was opened")
        ctx.role = row.role
        with ctx.session_factory.begin() as s:
            _audit(s, ctx.clock(), credentials.user, SIGN_IN, {"role": row.role or ""})
            s.get(User, row.id).last_sign_in_at = ctx.clock()
    except BaseException:
        ctx.close()
        raise
    return ctx


def _server_history(s: Session, user: str) -> list[tuple[str, str | None]]:
    """The account's sign-in events, newest first, as (kind, lock end) pairs."""
    rows = s.scalars(
        select(AuditEventRow)
        .where(AuditEventRow.entity.in_((SIGN_IN, SIGN_IN_FAILURE, ACCOUNT_LOCK)))
        .where(AuditEventRow.entity_id == user)
        .order_by(AuditEventRow.id.desc())
        .limit(50)
    )
    return [(r.entity, json.loads(r.after or "{}").get("until")) for r in rows]

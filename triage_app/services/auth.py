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
import os
import shutil
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from triage_app.domain.access import (
    ACCOUNT_LOCK,
    SIGN_IN,
    SIGN_IN_FAILURE,
    Role,
    failures_in_a_row,
    locked_until,
)
from triage_app.domain.clock import ClockLike
from triage_app.services.context import ProtocolSource, StoreContext, open_store
from triage_app.services.work_files import owner_alive as owner_alive
from triage_app.services.work_files import remove_stale_work
from triage_app.store import audit, signing
from triage_app.store.db import release_file
from triage_app.store.keyring import (
    KEYFILE_NAME,
    LOCK_POLICY_ENTITY,
    UNKNOWN_USER,
    KdfParams,
    Keyring,
    LockPolicy,
    WrongPasswordError,
    sync_folder,
    write_private_atomic,
)
from triage_app.store.keyring import AccountLockedError as KeyringLocked
from triage_app.store.orm import AuditEventRow, User

log = logging.getLogger(__name__)

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"  # published on purpose: the demo folder holds synthetic data
SQLITE_HEADER = b"SQLite format 3\x00"
_SIGN_IN_LOCK = 4_143_240_000  # advisory lock keys for PostgreSQL sign-in attempts (+ crc32)
SIGN_IN_REFUSED = (
    "sign_in_refused"  # audit entity: a right password, an account that fails its check
)
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


class AccountIntegrityError(SignInError):
    """The account's record does not carry a valid administrator's signature."""


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
    finish_interrupted(loc)
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
    clock: ClockLike | None = None,
    kdf: KdfParams | None = None,
    policy: LockPolicy | None = None,
    now_utc: datetime | None = None,
    protocol: ProtocolSource | None = None,
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
        return _open(loc, None, credentials.user if credentials else None, None, clock, protocol)
    if state == "server":
        return _server_sign_in(loc, credentials, clock, policy or LockPolicy(), now_utc, protocol)
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
    ctx = _open(loc, key, credentials.user, None, clock, protocol)
    try:
        ctx.role = _account_role(ctx, credentials.user)
        check_account(ctx, credentials.user, credentials.password, kdf, ring)
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
    clock: ClockLike | None = None,
    kdf: KdfParams | None = None,
    policy: LockPolicy | None = None,
    protocol: ProtocolSource | None = None,
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
        ctx = _open(loc, None, credentials.user, role.value, clock, protocol)
        try:
            if _server_accounts(ctx):
                raise SignInError("this database already has accounts; nothing was changed")
            create_account(
                ctx, credentials, role, created_by=credentials.user, kdf=kdf, anchor=True
            )
        except BaseException:
            ctx.close()
            raise
        return ctx
    return _initialise_file(
        loc, credentials, role, demo, clock, kdf, policy, state == "plain", protocol
    )


STAGE_PREFIX = ".commit-"
READY = "ready"


def _initialise_file(
    loc: Location,
    credentials: Credentials,
    role: Role,
    demo: bool,
    clock: ClockLike | None,
    kdf: KdfParams | None,
    policy: LockPolicy | None,
    plain: bool,
    protocol: ProtocolSource | None = None,
) -> StoreContext:
    """Create (or encrypt) the folder's database in a private staging folder, then commit.

    Everything is built in ``.commit-PID-XXXX`` inside the data folder: the key file, and the
    encrypted database with its first account (or the encrypted copy of a plain database).
    Only when that is complete is a ``ready`` marker written (the commit point); the
    database and then the key file are renamed into place and the staging folder removed.
    A kill before ``ready`` leaves the folder as it was (the staging folder is removed by the
    next command); a kill after it is finished by the next command (:func:`finish_interrupted`).
    The whole step holds the folder's key-file lock.
    """
    assert loc.database_file is not None
    assert credentials.password is not None  # initialise refuses a missing password
    db = loc.database_file
    final_ring = loc.keyring
    loc.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with final_ring.locked():
        finish_interrupted(loc)
        if final_ring.exists() or (not plain and db.exists() and db.stat().st_size > 0):
            raise SignInError(
                f"{loc.data_dir} already holds a database ({db.name}); nothing was changed"
            )
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=loc.data_dir))
        try:
            ring = Keyring(stage, params=kdf)
            key = ring.create(credentials.user, credentials.password, demo=demo, policy=policy)
            staged_db = stage / db.name
            if plain:
                from triage_app.store.db import checkpoint_plain, encrypt_copy

                checkpoint_plain(db)
                encrypt_copy(db, staged_db, key)
            staged = open_store(
                f"sqlite:///{staged_db}",
                user=credentials.user,
                clock=clock,
                # An older plain database is upgraded on its encrypted copy: keep the
                # (encrypted) pre-upgrade copy in the backup folder, as every upgrade does.
                backup_dir=loc.backup_dir if plain else None,
                database_file=staged_db,
                key=key,
                role=role.value,
            )
            try:
                create_account(
                    staged, credentials, role, created_by=credentials.user, kdf=kdf, anchor=True
                )
                kept = ring.policy_in_file()
                with staged.transaction() as s:
                    staged.audit(
                        s,
                        "create",
                        LOCK_POLICY_ENTITY,
                        None,
                        after={
                            "max_failures": kept.max_failures,
                            "lock_minutes": kept.lock_minutes,
                        },
                    )
                    if plain:
                        staged.audit(s, "update", "database", None, after={"encrypted": True})
                signer = staged._signer
            finally:
                staged.close()
            for suffix in ("-wal", "-shm"):
                if staged_db.with_name(staged_db.name + suffix).exists():
                    raise SignInError("the new database was not closed cleanly; nothing changed")
            for path in (staged_db, ring.path):
                _fsync_file(path)
            write_private_atomic(stage / READY, b"ready\n")  # the commit point
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        _finish(loc, stage)
    if plain:
        log.info("a database made before encryption was encrypted")
    ctx = _open(loc, key, credentials.user, role.value, clock, protocol)
    ctx._signer = signer
    return ctx


def finish_interrupted(loc: Location) -> None:
    """Finish or undo an ``init`` that was interrupted (a kill, a power cut).

    A staging folder with its ``ready`` marker is complete: it is moved into place. One
    without it is removed: the folder is as it was before that ``init``.
    """
    if loc.database_file is None or not loc.data_dir.is_dir():
        return
    remove_stale_work(loc.data_dir)  # work folders of killed backups and restores
    stages = sorted(loc.data_dir.glob(STAGE_PREFIX + "*"))
    if not stages:
        return
    with loc.keyring.locked():
        for stage in sorted(loc.data_dir.glob(STAGE_PREFIX + "*")):
            if (stage / READY).is_file():
                _finish(loc, stage)
            elif not owner_alive(stage.name):
                shutil.rmtree(stage, ignore_errors=True)


def _finish(loc: Location, stage: Path) -> None:
    """Move a complete staging folder into place: database first, the key file last."""
    db = loc.database_file
    assert db is not None
    staged_db = stage / db.name
    if staged_db.exists():
        # This process's kept connections to the file being replaced close first (H138).
        release_file(db)
        for suffix in ("-wal", "-shm"):
            # A plain database's journal (already checkpointed) must not meet the new file.
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        os.replace(staged_db, db)
        sync_folder(loc.data_dir)
    staged_keys = stage / KEYFILE_NAME
    if staged_keys.exists():
        os.replace(staged_keys, loc.keyring.path)
        sync_folder(loc.data_dir)
    shutil.rmtree(stage, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open(
    loc: Location,
    key: bytes | None,
    user: str | None,
    role: str | None,
    clock: ClockLike | None,
    protocol: ProtocolSource | None = None,
) -> StoreContext:
    return open_store(
        loc.database_url,
        user=user,
        clock=clock,
        protocol=protocol,
        backup_dir=loc.backup_dir,
        database_file=loc.database_file,
        key=key,
        role=role,
    )


def create_account(
    ctx: StoreContext,
    credentials: Credentials,
    role: Role,
    created_by: str,
    *,
    kdf: KdfParams | None = None,
    anchor: bool = False,
) -> None:
    """Create (or give a password to) an account with its role; sign it; audit it.

    An administrator (and the first account of a database, ``anchor``) gets an Ed25519
    signing key, its private half wrapped under their password. The account's name, role and
    state are signed by the acting administrator's key (``ctx``'s signer), or, for the
    ``anchor``, by its own new key, which the audit trail then records as the folder's root
    of trust (see :mod:`triage_app.store.signing`). The first account also gets its sign-in
    audited.

    Raises:
        SignInError: no signing key is at hand (an administrator must sign in with their
            password to manage accounts), or ``credentials`` carry no password.
    """
    if credentials.password is None:
        raise SignInError("an account needs a password; nothing was changed")
    now = ctx.clock()
    params = kdf or KdfParams()
    own_key = None
    if anchor or role is Role.ADMINISTRATOR:
        own_key = signing.new_signer(credentials.password or "", credentials.user, params)
    if anchor:
        assert own_key is not None
        signer_name, signer_key = credentials.user, own_key[0]
    elif ctx._signer is not None:
        signer_name, signer_key = ctx._signer
    else:
        raise SignInError(
            "accounts are signed with an administrator's key: sign in as an administrator "
            "with a password to add one; nothing was changed"
        )
    with ctx.session_factory.begin() as s:
        row = s.scalar(select(User).where(User.username == credentials.user))
        if row is None:
            row = User(username=credentials.user, created_at=now)
            s.add(row)
        row.role, row.active = role.value, True
        row.password_hash = hash_password(credentials.password)
        if anchor:
            row.last_sign_in_at = now
        row.signing_key = own_key[1] if own_key else None
        row.signing_secret = own_key[2] if own_key else None
        signing.sign_account(row, signer_key, signer_name)
        s.flush()
        after = {"username": credentials.user, "role": role.value, "signed_by": signer_name}
        if s.get_bind().dialect.name == "postgresql":
            after["db_role"] = _server_login(s, credentials, role)
        if own_key:
            after["signing_key"] = own_key[1]
        audit.record(
            s,
            at=now,
            username=created_by,
            action="create",
            entity="user",
            entity_id=credentials.user,
            after=after,
        )
        if anchor:
            assert own_key is not None
            _audit(
                s,
                now,
                credentials.user,
                signing.ANCHOR_ENTITY,
                {"username": credentials.user, "public_key": own_key[1]},
            )
            _audit(s, now, credentials.user, SIGN_IN, {"role": role.value})
    if anchor:
        assert own_key is not None
        ctx._signer = (credentials.user, own_key[0])


SERVER_LOGIN_NEEDS_OWNER = (
    "on a PostgreSQL server each account gets its own database login role, and the "
    "database role in this URL may not create roles: run this connected as the database "
    "owner (see docs/deployment-postgresql.md); nothing was changed"
)


def _server_login(s: Session, credentials: Credentials, role: Role) -> str:
    """PostgreSQL: the account's own login role (its password the account's), in its group.

    In the same transaction as the account, so no account exists without its own login role
    (and so no two people share one). Installs the group roles, grants and row-level
    security first (idempotent; :mod:`triage_app.store.pg_roles`).

    Raises:
        SignInError: the connected database role may not create roles (not the owner).
    """
    from triage_app.store import pg_roles

    conn = s.connection()
    if not pg_roles.may_create_roles(conn):
        raise SignInError(SERVER_LOGIN_NEEDS_OWNER)
    pg_roles.install(conn)
    return pg_roles.create_login(conn, credentials.user, role.value, credentials.password)


def check_account(
    ctx: StoreContext,
    user: str,
    password: str | None,
    kdf: KdfParams | None = None,
    ring: Keyring | None = None,
) -> None:
    """Refuse an account whose record does not verify; hold an administrator's signing key.

    A database made before account signing (no anchor in its audit trail) is adopted at an
    administrator's first sign-in: that administrator's new key becomes the anchor and signs
    every account as it stands (audited). Until then, sign-in is not checked.

    Raises:
        AccountIntegrityError: the account's name, role or state does not match its signature.
    """
    with ctx.session_factory.begin() as s:
        check = signing.AccountCheck(s)
        if check.anchor is None:
            if ctx.role == Role.ADMINISTRATOR.value and password:
                _adopt_unsigned(ctx, s, check, user, password, kdf or KdfParams(), ring)
            return
        problem = check.problem(user)
        if problem is not None:
            _audit(s, ctx.clock(), user, SIGN_IN_REFUSED, {"reason": "account signature"})
        row = check.rows.get(user)
        secret = row.signing_secret if row is not None else None
    if problem is not None:
        log.warning("sign-in refused: an account record does not verify")
        raise AccountIntegrityError(
            f"account {user!r} cannot sign in: {problem}. An administrator must check the "
            "accounts ('triage-app audit verify'), or restore a backup"
        )
    if secret and password:
        try:
            ctx._signer = (user, signing.unwrap(secret, password, user))
        except signing.SigningError:
            log.warning("an administrator's signing key did not open with their password")


def _adopt_unsigned(
    ctx: StoreContext,
    s: Session,
    check: signing.AccountCheck,
    user: str,
    password: str,
    params: KdfParams,
    ring: Keyring | None = None,
) -> None:
    """Make this administrator the anchor of an unsigned (older) database; sign every account.

    The folder's lock rule, as it stands, is recorded in the audit trail too (if none was).
    """
    private, public, secret = signing.new_signer(password, user, params)
    me = check.rows[user]
    me.signing_key, me.signing_secret = public, secret
    now = ctx.clock()
    _audit(s, now, user, signing.ANCHOR_ENTITY, {"username": user, "public_key": public})
    signed = []
    for name, row in sorted(check.rows.items()):
        if row.role is None and not row.password_hash:
            continue
        signing.sign_account(row, private, user)
        signed.append(name)
    audit.record(
        s,
        at=now,
        username=user,
        action="update",
        entity="user",
        entity_id=None,
        after={"signed_accounts": signed, "signed_by": user},
    )
    if ring is not None and ring.exists():
        recorded = s.scalar(select(func.count()).where(AuditEventRow.entity == LOCK_POLICY_ENTITY))
        if not recorded:
            kept = ring.policy_in_file()
            _audit(
                s,
                now,
                user,
                LOCK_POLICY_ENTITY,
                {"max_failures": kept.max_failures, "lock_minutes": kept.lock_minutes},
            )
    ctx._signer = (user, private)


def _account_role(ctx: StoreContext, user: str) -> str:
    """Return the role of an active account, or refuse the sign-in."""
    with ctx.session_factory.begin() as s:
        row = s.scalar(select(User).where(User.username == user))
        if row is None or not row.active or not row.role:
            raise WrongCredentialsError(
                f"account {user!r} is not active in this database; ask an administrator"
            )
        return row.role


def _audit(
    s: Session, at: datetime, user: str, entity: str, after: Mapping[str, str | int]
) -> None:
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
    clock: ClockLike | None,
    policy: LockPolicy,
    now_utc: datetime | None,
    protocol: ProtocolSource | None = None,
) -> StoreContext:
    """PostgreSQL: check the password against ``app_user``; failures audited at once."""
    ctx = _open(loc, None, credentials.user if credentials else None, None, clock, protocol)
    try:
        if not _server_accounts(ctx):
            return ctx  # no accounts yet: the server's own authentication is all there is
        if credentials is None or credentials.password is None:
            raise CredentialsNeededError(NEED_SIGN_IN)
        now = now_utc or datetime.now(UTC)
        with ctx.session_factory.begin() as s:
            # One attempt per account at a time (PostgreSQL): an advisory lock on the name
            # and the account row's lock, held until this attempt is counted and committed.
            s.execute(
                text("SELECT pg_advisory_xact_lock(:k)"),
                {"k": _SIGN_IN_LOCK + zlib.crc32(credentials.user.encode("utf-8", "replace"))},
            )
            s.execute(
                select(User.id).where(User.username == credentials.user).with_for_update()
            ).all()
            until = locked_until(_server_history(s, credentials.user))
            if until is not None and until > now:
                raise AccountLockedError(credentials.user, until)
            row = s.scalar(select(User).where(User.username == credentials.user))
            ok = False
            if row is not None and row.password_hash and row.active:
                try:
                    ok = PasswordHasher().verify(row.password_hash, credentials.password)
                except VerificationError:
                    ok = False
            if not ok and row is None:
                # Not an account: recorded under a keyed hash, never the typed name (it may be
                # a password typed into the wrong field).
                _audit(
                    s,
                    ctx.clock(),
                    UNKNOWN_USER,
                    SIGN_IN_FAILURE,
                    {"at_utc": str(now), "name_hmac": signing.name_hmac(s, credentials.user)},
                )
                failures = 0
            elif not ok:
                _audit(s, ctx.clock(), credentials.user, SIGN_IN_FAILURE, {"at_utc": str(now)})
                failures = failures_in_a_row(_server_history(s, credentials.user))
                if failures >= policy.max_failures:
                    until = now + timedelta(minutes=policy.lock_minutes)
                    _audit(s, ctx.clock(), credentials.user, ACCOUNT_LOCK, {"until": str(until)})
        if not ok or row is None:
            if failures >= policy.max_failures and until is not None:
                raise AccountLockedError(credentials.user, until)
            raise WrongCredentialsError("unknown user or wrong password; nothing was opened")
        ctx.role = row.role
        check_account(ctx, credentials.user, credentials.password)
        with ctx.session_factory.begin() as s:
            _audit(s, ctx.clock(), credentials.user, SIGN_IN, {"role": row.role or ""})
            s.get_one(User, row.id).last_sign_in_at = ctx.clock()
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

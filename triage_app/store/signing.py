"""Account signatures: an administrator's Ed25519 key signs each account's name, role, state.

Every account row carries a ``signature`` over its *claims* (:func:`account_claims`: user
name, role, active flag, and for an administrator their public signing key) made with the
private key of the administrator named in ``signed_by``. An administrator's private key is
stored only wrapped (AES-256-GCM) under a key derived from their own password by Argon2id,
so it is usable only by someone who knows that password.

Trust starts at the folder's *anchor*: the first account's public key, written into the
hash-chained audit trail when the database was created (entity :data:`ANCHOR_ENTITY`). A
signing key is trusted when it is the anchor, or belongs to an administrator whose own
account verifies under a trusted key. :func:`verify_accounts` checks every account with a
role; changing a role, state or key in the database without an administrator's password
breaks a signature.

Extensible: :data:`SIGNED_FIELDS` lists the account columns a signature covers; a later
version may add fields under a new ``v`` in the claims (old signatures keep verifying under
their own version).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from triage_app.store.keyring import KdfParams, key_from_password
from triage_app.store.orm import AuditEventRow, User

ANCHOR_ENTITY = "signing_anchor"  # audit entity: the folder's first (root) signing key
ADMINISTRATOR = "administrator"
SIGNED_FIELDS = ("username", "role", "active", "signing_key")
_CLAIMS_VERSION = 1


class SigningError(Exception):
    """A signing key cannot be made or unwrapped (wrong password, damaged secret)."""


@dataclass(frozen=True)
class Anchor:
    """The folder's root signing key, as the audit trail recorded it."""

    username: str
    public_key: str
    event_id: int

    @property
    def fingerprint(self) -> str:
        """A short, printable fingerprint to compare with a note kept off the computer."""
        return fingerprint(self.public_key)


def fingerprint(public_key: str) -> str:
    """SHA-256 of the public key, first 16 hex digits in groups of four."""
    digest = hashlib.sha256(public_key.encode("ascii")).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def new_signer(
    password: str, username: str, params: KdfParams
) -> tuple[Ed25519PrivateKey, str, str]:
    """Make a key pair; return (private key, public key text, wrapped private key JSON)."""
    private = Ed25519PrivateKey.generate()
    return private, public_text(private), wrap(private, password, username, params)


def public_text(private: Ed25519PrivateKey) -> str:
    """The raw public key, base64."""
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def wrap(private: Ed25519PrivateKey, password: str, username: str, params: KdfParams) -> str:
    """The private key encrypted under an Argon2id key from the password (JSON text)."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = key_from_password(password, salt, params)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(kek).encrypt(nonce, raw, b"triage-signing:" + username.encode("utf-8"))
    return json.dumps(
        {
            "kdf": "argon2id",
            "time_cost": params.time_cost,
            "memory_cost_kib": params.memory_cost_kib,
            "parallelism": params.parallelism,
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "wrapped": _b64(sealed),
        },
        sort_keys=True,
    )


def unwrap(secret: str, password: str, username: str) -> Ed25519PrivateKey:
    """Unwrap an administrator's private key with their password.

    Raises:
        SigningError: the password is wrong or the secret is damaged.
    """
    try:
        data = json.loads(secret)
        params = KdfParams(data["time_cost"], data["memory_cost_kib"], data["parallelism"])
        kek = key_from_password(password, _unb64(data["salt"]), params)
        raw = AESGCM(kek).decrypt(
            _unb64(data["nonce"]),
            _unb64(data["wrapped"]),
            b"triage-signing:" + username.encode("utf-8"),
        )
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, KeyError, TypeError, InvalidTag):
        raise SigningError("the signing key does not open with this password") from None


def account_claims(row: User) -> bytes:
    """The canonical bytes an account's signature covers (:data:`SIGNED_FIELDS`)."""
    claims: dict[str, Any] = {"v": _CLAIMS_VERSION}
    for name in SIGNED_FIELDS:
        value = getattr(row, name)
        claims[name] = bool(value) if name == "active" else value
    return json.dumps(claims, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_account(row: User, private: Ed25519PrivateKey, signer: str) -> None:
    """Sign the account row's claims in place (``signature``, ``signed_by``)."""
    row.signed_by = signer
    row.signature = _b64(private.sign(account_claims(row)))


def anchor(session: Session) -> Anchor | None:
    """The folder's signing anchor (the first one the audit trail recorded), or ``None``."""
    row = session.execute(
        select(AuditEventRow.id, AuditEventRow.after)
        .where(AuditEventRow.entity == ANCHOR_ENTITY)
        .order_by(AuditEventRow.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    try:
        facts = json.loads(row[1] or "{}")
        return Anchor(str(facts["username"]), str(facts["public_key"]), int(row[0]))
    except (ValueError, KeyError, TypeError):
        return Anchor("", "", int(row[0]))  # a damaged anchor verifies nothing


class AccountCheck:
    """Verifies accounts against the anchor, each account's chain of signers memoised."""

    def __init__(self, session: Session) -> None:
        self.anchor = anchor(session)
        self.rows = {r.username: r for r in session.scalars(select(User))}
        self._memo: dict[str, str | None] = {}

    def problem(self, username: str) -> str | None:
        """Why the account does not verify, or ``None`` when it does."""
        if username in self._memo:
            return self._memo[username]
        self._memo[username] = "its signature chain loops back on itself"
        found = self._problem(username)
        self._memo[username] = found
        return found

    def _problem(self, username: str) -> str | None:
        row = self.rows.get(username)
        if row is None:
            return "no such account"
        if self.anchor is None:
            return "the audit trail records no signing anchor for this database"
        if not row.signature or not row.signed_by:
            return "it carries no administrator's signature"
        key = self._trusted_key(row.signed_by, row)
        if isinstance(key, str) and key.startswith("!"):
            return key[1:]
        try:
            Ed25519PublicKey.from_public_bytes(_unb64(str(key))).verify(
                _unb64(row.signature), account_claims(row)
            )
        except (InvalidSignature, ValueError):
            return (
                f"its name, role or state does not match the signature by {row.signed_by!r} "
                "(changed outside the app)"
            )
        return None

    def _trusted_key(self, signer: str, signed: User) -> str:
        """The signer's trusted public key, or ``"!reason"``."""
        assert self.anchor is not None
        if signer == self.anchor.username and signed.username == signer:
            # The anchor account signs itself with the key the audit trail recorded.
            if signed.signing_key != self.anchor.public_key:
                return "!its signing key is not the one the audit trail recorded at creation"
            return self.anchor.public_key
        signer_row = self.rows.get(signer)
        if signer_row is None or not signer_row.signing_key:
            return f"!its signer {signer!r} has no signing key"
        if signer == self.anchor.username:
            if signer_row.signing_key != self.anchor.public_key:
                return "!its signer's key is not the one the audit trail recorded at creation"
        elif signer_row.role != ADMINISTRATOR or not signer_row.active:
            return f"!its signer {signer!r} is not an active administrator"
        upstream = self.problem(signer)
        if upstream is not None:
            return f"!its signer {signer!r} does not verify ({upstream})"
        return signer_row.signing_key

    def broken(self) -> list[tuple[str, str]]:
        """Every account with a role that does not verify: (name, reason)."""
        out = []
        for name, row in sorted(self.rows.items()):
            if row.role is None and not row.password_hash:
                continue  # an acting-user row with no account (no role, cannot sign in)
            found = self.problem(name)
            if found is not None:
                out.append((name, found))
        return out


def name_hmac(session: Session, name: str) -> str:
    """A keyed hash (HMAC-SHA-256, first 32 hex digits) of a typed user name.

    The key is the database's own random ``name_hmac`` secret (made on first use). Repeated
    guesses of one name can be told apart without the name (maybe a password) being kept.
    """
    import hmac

    from sqlalchemy.exc import IntegrityError

    from triage_app.store.orm import AppSecret

    row = session.get(AppSecret, "name_hmac")
    if row is None:
        try:
            with session.begin_nested():
                session.add(AppSecret(name="name_hmac", value=_b64(secrets.token_bytes(32))))
        except IntegrityError:
            pass  # made by another sign-in at the same moment
        row = session.get(AppSecret, "name_hmac")
    assert row is not None
    key = _unb64(row.value)
    return hmac.new(key, name.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)

"""Who may do what: roles, permissions and the case-visibility rule (pure rules, no I/O).

Roles (issue 6, "Access"):

- **clinician**: records assessments and cases, and sees the cases they opened;
- **safeguarding lead**: also sees every case and the dashboard across users, and links (or
  unlinks) records of the same child;
- **administrator**: manages user accounts and protocol profiles, and sees the cases they
  opened (an administrator is often also a clinician).

A context opened without a sign-in has no role (``None``): tests, and a database made before
accounts existed. It keeps the behaviour it had before roles (every case visible) but can
never manage users.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """The roles an account can hold."""

    CLINICIAN = "clinician"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    ADMINISTRATOR = "administrator"


class Permission(StrEnum):
    """Things the services check before doing them."""

    RECORD = "record"
    VIEW_ALL_CASES = "view_all_cases"
    VIEW_DASHBOARD_ALL = "view_dashboard_all"
    MANAGE_USERS = "manage_users"
    MANAGE_PROFILES = "manage_profiles"
    VIEW_AUDIT = "view_audit"  # the protocol-compliance audit: safeguarding leads only
    # Say that two child records are, or are not, the same child (and undo it).
    LINK_RECORDS = "link_records"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CLINICIAN: frozenset({Permission.RECORD}),
    Role.SAFEGUARDING_LEAD: frozenset(
        {
            Permission.RECORD,
            Permission.VIEW_ALL_CASES,
            Permission.VIEW_DASHBOARD_ALL,
            Permission.VIEW_AUDIT,
            Permission.LINK_RECORDS,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {Permission.RECORD, Permission.MANAGE_USERS, Permission.MANAGE_PROFILES}
    ),
}
# What a context without a sign-in may do (its behaviour before roles existed).
UNMANAGED = frozenset(
    {
        Permission.RECORD,
        Permission.VIEW_ALL_CASES,
        Permission.VIEW_DASHBOARD_ALL,
        Permission.LINK_RECORDS,
    }
)


class AccessDeniedError(PermissionError):
    """The acting user's role does not allow the action (the message says which role does)."""

    def __init__(self, user: str, role: str | None, permission: Permission) -> None:
        self.user = user
        self.role = role
        self.permission = permission
        needed = [r.value for r, grants in GRANTS.items() if permission in grants]
        super().__init__(
            f"{user!r} ({role or 'no role'}) may not {permission.value.replace('_', ' ')}; "
            f"this needs the role {' or '.join(needed)}"
        )


def parse_role(text: str) -> Role:
    """Return the role named by ``text`` (``safeguarding-lead`` is accepted too).

    Raises:
        ValueError: an unknown role, with the list of known ones.
    """
    cleaned = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Role(cleaned)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {text!r} (known: {known})") from None


def allowed(role: str | None, permission: Permission) -> bool:
    """Return True when ``role`` (``None``: no sign-in) grants ``permission``."""
    if role is None:
        return permission in UNMANAGED
    try:
        return permission in GRANTS[Role(role)]
    except ValueError:
        return False  # an unknown role stored in the database grants nothing


def can_see_case(role: str | None, user: str, opened_by: str) -> bool:
    """Return True when ``user`` with ``role`` may see a case opened by ``opened_by``."""
    return allowed(role, Permission.VIEW_ALL_CASES) or opened_by == user


# Sign-in events in the audit trail (a sign-in, a failed one, a lock) and the lock rule read
# back from them where failures are audited at once (PostgreSQL).
SIGN_IN, SIGN_IN_FAILURE, ACCOUNT_LOCK = "sign_in", "sign_in_failure", "account_lock"


def failures_in_a_row(history: list[tuple[str, str | None]]) -> int:
    """Count failed sign-ins since the last success or lock (``history`` newest first)."""
    count = 0
    for kind, _ in history:
        if kind != SIGN_IN_FAILURE:
            break
        count += 1
    return count


def locked_until(history: list[tuple[str, str | None]]) -> datetime | None:
    """When the newest lock ends, unless a successful sign-in came after it (newest first)."""
    for kind, until in history:
        if kind == SIGN_IN:
            return None
        if kind == ACCOUNT_LOCK:
            return datetime.fromisoformat(until) if until else None
    return None

"""PostgreSQL: each app user connects as their own login role; the server enforces the roles.

:func:`install` (run once by the database owner) creates three group roles mirroring the
app's roles, ``triage_clinician``, ``triage_safeguarding_lead`` and ``triage_administrator``
(all members of ``triage_user``), grants them what the app's permissions allow and turns on
row-level security:

- everyone reads; clinical tables take inserts and updates;
- ``audit_event`` and ``referral_record`` are insert-only for everyone (no UPDATE, DELETE or
  TRUNCATE is granted; triggers refuse them as well);
- ``app_user``: only administrators insert or change accounts; anyone may stamp their own
  ``last_sign_in_at`` (a column grant, on their own row only);
- ``safeguarding_case`` and the rows hanging off a case (actions, investigations, meetings):
  a clinician or administrator writes only the cases they opened; a safeguarding lead writes
  any case.

:func:`create_login` makes (or updates) a person's login role, member of their group, and
records it in ``app_user.db_role``; :func:`app_user_sql` is the SQL function the policies
use to map ``current_user`` back to the app account. The table owner (who runs migrations)
is not bound by these rules: keep that role for administration only (see
docs/deployment-postgresql.md).
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import Connection, text

GROUPS = {
    "clinician": "triage_clinician",
    "safeguarding_lead": "triage_safeguarding_lead",
    "administrator": "triage_administrator",
}
EVERYONE = "triage_user"
APPEND_ONLY = ("audit_event", "referral_record")
CASE_CHILDREN = ("case_action", "investigation", "strategy_meeting")


def login_role(username: str) -> str:
    """The login role of an app account: ``triage_u_<name>_<6 hex>`` (valid, unique)."""
    clean = re.sub(r"[^a-z0-9_]", "_", username.lower())[:40]
    return f"triage_u_{clean}_{hashlib.sha256(username.encode()).hexdigest()[:6]}"


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError("not a safe role name")
    return f'"{name}"'


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    )


def install(conn: Connection) -> None:
    """Create the group roles, grants, the account-mapping function and row-level security.

    Idempotent. Run as the database owner (a role that may create roles).
    """
    for group in (EVERYONE, *GROUPS.values()):
        if not _role_exists(conn, group):
            conn.execute(text(f"CREATE ROLE {_ident(group)} NOLOGIN"))
    for group in GROUPS.values():
        conn.execute(text(f"GRANT {_ident(EVERYONE)} TO {_ident(group)}"))
    tables = [
        r[0]
        for r in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    ]
    everyone = _ident(EVERYONE)
    admins = _ident(GROUPS["administrator"])
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}"))
    for table in tables:
        t = _ident(table)
        conn.execute(text(f"REVOKE ALL ON {t} FROM PUBLIC, {everyone}"))
        if table == "alembic_version":
            conn.execute(text(f"GRANT SELECT ON {t} TO {everyone}"))
        elif table in APPEND_ONLY or table == "app_secret":
            conn.execute(text(f"GRANT SELECT, INSERT ON {t} TO {everyone}"))
        elif table == "app_user":
            conn.execute(text(f"GRANT SELECT ON {t} TO {everyone}"))
            conn.execute(text(f"GRANT UPDATE (last_sign_in_at) ON {t} TO {everyone}"))
            conn.execute(text(f"GRANT INSERT, UPDATE ON {t} TO {admins}"))
        else:
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE ON {t} TO {everyone}"))
    conn.execute(text(app_user_sql()))
    _policies(conn)


def app_user_sql() -> str:
    """The function mapping the connected login role to its app account."""
    return (
        "CREATE OR REPLACE FUNCTION triage_app_user() RETURNS text LANGUAGE sql STABLE "
        "AS $$ SELECT username FROM app_user WHERE db_role = current_user $$"
    )


# A row-level security policy: name, command, USING expression, WITH CHECK expression.
_Policy = tuple[str, str, str | None, str | None]


def _policies(conn: Connection) -> None:
    lead = f"pg_has_role('{GROUPS['safeguarding_lead']}', 'MEMBER')"
    own_case = f"(opened_by = triage_app_user() OR {lead})"
    rules: dict[str, list[_Policy]] = {
        "app_user": [
            ("read", "SELECT", "true", None),
            ("own_sign_in", "UPDATE", "db_role = current_user", "db_role = current_user"),
            (
                "administrators",
                "ALL",
                f"pg_has_role('{GROUPS['administrator']}', 'MEMBER')",
                f"pg_has_role('{GROUPS['administrator']}', 'MEMBER')",
            ),
        ],
        "safeguarding_case": [
            ("read", "SELECT", "true", None),
            ("open_own", "INSERT", None, own_case),
            ("write_own", "UPDATE", own_case, own_case),
        ],
    }
    for child in CASE_CHILDREN:
        owned = (
            "EXISTS (SELECT 1 FROM safeguarding_case c WHERE c.id = case_id AND "
            f"(c.opened_by = triage_app_user() OR {lead}))"
        )
        rules[child] = [
            ("read", "SELECT", "true", None),
            ("add_own", "INSERT", None, owned),
            ("write_own", "UPDATE", owned, owned),
        ]
    for table, policies in rules.items():
        t = _ident(table)
        conn.execute(text(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"))
        for name, command, using, check in policies:
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {t}"))
            sql = f"CREATE POLICY {name} ON {t} FOR {command} TO {_ident(EVERYONE)}"
            if using is not None:
                sql += f" USING ({using})"
            if check is not None:
                sql += f" WITH CHECK ({check})"
            conn.execute(text(sql))


def create_login(conn: Connection, username: str, role: str, password: str | None) -> str:
    """Create or update ``username``'s login role in its group; record it; return its name.

    Args:
        conn: a connection as a role that may create roles (the database owner).
        username: the app account (must exist in ``app_user``).
        role: the account's app role (``clinician``, ``safeguarding_lead``,
            ``administrator``).
        password: the login password (``None``: keep the current one, or none).
    """
    name = login_role(username)
    ident = _ident(name)
    if not _role_exists(conn, name):
        conn.execute(text(f"CREATE ROLE {ident} LOGIN"))
    if password is not None:
        quoted = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
        conn.execute(text(f"ALTER ROLE {ident} PASSWORD {quoted}"))
    for group in GROUPS.values():
        conn.execute(text(f"REVOKE {_ident(group)} FROM {ident}"))
    conn.execute(text(f"GRANT {_ident(GROUPS[role])} TO {ident}"))
    conn.execute(
        text("UPDATE app_user SET db_role = :r WHERE username = :u"), {"r": name, "u": username}
    )
    return name

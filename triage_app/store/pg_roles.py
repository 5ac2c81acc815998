"""PostgreSQL: each app user connects as their own login role; the server enforces the roles.

:func:`install` (run once by the database owner) creates three group roles mirroring the
app's roles, ``triage_clinician``, ``triage_safeguarding_lead`` and ``triage_administrator``
(all members of ``triage_user``), grants them what the app's permissions allow and turns on
row-level security:

- everyone reads; clinical tables take inserts and updates;
- ``audit_event`` and ``referral_record`` are insert-only for everyone (no UPDATE, DELETE or
  TRUNCATE is granted; triggers refuse them as well);
- ``app_user``: only administrators insert or change accounts; anyone may stamp their own
  ``last_sign_in_at`` and change their own ``password_hash`` (column grants, on their own
  row only);
- ``safeguarding_case`` and the rows hanging off a case (actions, investigations, meetings
  and their attendees, where the child is, the presentations it holds): a clinician or
  administrator writes only the cases they opened, or one their own assessment joined (case
  rule C8); a safeguarding lead writes any case. A referral record is sealed only on a case
  its opener (or a lead) holds.
- reading is not restricted per case: the history check reads every presentation of a
  child, whoever recorded it.

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
from sqlalchemy.exc import DBAPIError

GROUPS = {
    "clinician": "triage_clinician",
    "safeguarding_lead": "triage_safeguarding_lead",
    "administrator": "triage_administrator",
}
EVERYONE = "triage_user"
APPEND_ONLY = ("audit_event", "referral_record")
CASE_CHILDREN = ("case_action", "investigation", "strategy_meeting", "case_location")


def login_role(username: str, database: str) -> str:
    """The login role of an app account in a database: ``triage_u_<name>_<6 hex>``.

    The hex digits hash the database's name with the account's, so the same name in two
    databases on one server (roles are server-wide) gets two roles, each in its own group.
    """
    clean = re.sub(r"[^a-z0-9_]", "_", username.lower())[:40]
    digest = hashlib.sha256(f"{database}\x00{username}".encode()).hexdigest()[:6]
    return f"triage_u_{clean}_{digest}"


def may_create_roles(conn: Connection) -> bool:
    """Whether the connected role may create login roles (superuser or CREATEROLE)."""
    row = conn.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).first()
    return bool(row and row[0])


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError("not a safe role name")
    return f'"{name}"'


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    )


def _ensure_role(conn: Connection, name: str, login: bool) -> None:
    """Create a role unless it exists (another session may be creating it at this moment)."""
    if _role_exists(conn, name):
        return
    try:
        with conn.begin_nested():
            conn.execute(text(f"CREATE ROLE {_ident(name)} {'LOGIN' if login else 'NOLOGIN'}"))
    except DBAPIError:
        if not _role_exists(conn, name):  # not a race lost to another session
            raise


def _is_member(conn: Connection, member: str, group: str) -> bool:
    found = conn.execute(
        text(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = :g AND r.rolname = :m"
        ),
        {"g": group, "m": member},
    ).first()
    return found is not None


def _ensure_member(conn: Connection, member: str, group: str) -> None:
    """Grant ``group`` to ``member`` unless granted (another session may be granting it now).

    Two databases installed at the same moment on a new server both find the membership
    missing; the second GRANT then fails on the first one's row (a unique violation), and
    without the savepoint it would abort the whole installation.
    """
    if _is_member(conn, member, group):
        return
    try:
        with conn.begin_nested():
            conn.execute(text(f"GRANT {_ident(group)} TO {_ident(member)}"))
    except DBAPIError:
        if not _is_member(conn, member, group):  # not a race lost to another session
            raise


def install(conn: Connection) -> None:
    """Create the group roles, grants, the account-mapping function and row-level security.

    Idempotent. Run as the database owner (a role that may create roles).
    """
    for group in (EVERYONE, *GROUPS.values()):
        _ensure_role(conn, group, login=False)
    for group in GROUPS.values():
        _ensure_member(conn, group, EVERYONE)
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
            # Their own row only (policy ``own_sign_in``): the sign-in stamp and a new
            # password's hash (neither is signed; the role and state are).
            conn.execute(
                text(f"GRANT UPDATE (last_sign_in_at, password_hash) ON {t} TO {everyone}")
            )
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


def case_rights_sql() -> list[str]:
    """The functions the case policies use: who may write a case, who may join one (C8).

    A person writes a case they opened, or one their own assessment joined (case rule C8: a
    later presentation of the child joins the child's open case, and the assessing clinician
    records what they did on it); a safeguarding lead writes any case.
    """
    lead = f"pg_has_role('{GROUPS['safeguarding_lead']}', 'MEMBER')"
    return [
        "CREATE OR REPLACE FUNCTION triage_may_write_case(cid integer) RETURNS boolean "
        f"LANGUAGE sql STABLE AS $$ SELECT {lead} "
        "OR EXISTS (SELECT 1 FROM safeguarding_case c WHERE c.id = cid "
        "AND c.opened_by = triage_app_user()) "
        "OR EXISTS (SELECT 1 FROM case_presentation cp JOIN presentation p "
        "ON p.id = cp.presentation_id WHERE cp.case_id = cid "
        "AND p.created_by = triage_app_user()) $$",
        # Joining (C8): the case is not closed and this person has just recorded a
        # presentation of its child that no case holds yet (the join's own case update runs
        # before its case_presentation row is written).
        "CREATE OR REPLACE FUNCTION triage_may_join_case(cid integer) RETURNS boolean "
        "LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM safeguarding_case c "
        "JOIN presentation p ON p.child_id = c.child_id WHERE c.id = cid "
        "AND c.status <> 'closed' AND p.created_by = triage_app_user() "
        "AND NOT EXISTS (SELECT 1 FROM case_presentation cp WHERE cp.presentation_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM safeguarding_case o WHERE o.presentation_id = p.id)) $$",
    ]


def _policies(conn: Connection) -> None:
    for sql in case_rights_sql():
        conn.execute(text(sql))
    lead = f"pg_has_role('{GROUPS['safeguarding_lead']}', 'MEMBER')"
    admin = f"pg_has_role('{GROUPS['administrator']}', 'MEMBER')"
    opened = f"(opened_by = triage_app_user() OR {lead})"
    writes = "triage_may_write_case(case_id)"
    case_writer = "triage_may_write_case(id) OR triage_may_join_case(id)"
    read: _Policy = ("read", "SELECT", "true", None)
    rules: dict[str, list[_Policy]] = {
        "app_user": [
            read,
            ("own_sign_in", "UPDATE", "db_role = current_user", "db_role = current_user"),
            ("administrators", "ALL", admin, admin),
        ],
        "safeguarding_case": [
            read,
            ("open_own", "INSERT", None, opened),
            ("write_own", "UPDATE", case_writer, case_writer),
        ],
        "case_presentation": [
            read,
            (
                "add_own",
                "INSERT",
                None,
                f"{writes} OR (triage_may_join_case(case_id) AND EXISTS (SELECT 1 FROM "
                "presentation p WHERE p.id = presentation_id AND "
                "p.created_by = triage_app_user()))",
            ),
            ("write_own", "UPDATE", writes, writes),
        ],
        # Sealing is for those who see the case in the app: its opener or a lead.
        "referral_record": [
            read,
            (
                "seal_own",
                "INSERT",
                None,
                f"EXISTS (SELECT 1 FROM safeguarding_case c WHERE c.id = case_id AND "
                f"(c.opened_by = triage_app_user() OR {lead}))",
            ),
        ],
    }
    in_meeting = (
        "EXISTS (SELECT 1 FROM strategy_meeting m WHERE m.id = meeting_id AND "
        "triage_may_write_case(m.case_id))"
    )
    rules["meeting_attendee"] = [
        read,
        ("add_own", "INSERT", None, in_meeting),
        ("write_own", "UPDATE", in_meeting, in_meeting),
    ]
    for child in CASE_CHILDREN:
        rules[child] = [
            read,
            ("add_own", "INSERT", None, writes),
            ("write_own", "UPDATE", writes, writes),
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
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    name = login_role(username, database)
    ident = _ident(name)
    _ensure_role(conn, name, login=True)
    conn.execute(text(f"ALTER ROLE {ident} LOGIN"))
    if password is not None:
        set_password(conn, name, password)
    for group in GROUPS.values():
        if group != GROUPS[role]:
            conn.execute(text(f"REVOKE {_ident(group)} FROM {ident}"))
    _ensure_member(conn, name, GROUPS[role])
    conn.execute(
        text("UPDATE app_user SET db_role = :r WHERE username = :u"), {"r": name, "u": username}
    )
    return name


def set_password(conn: Connection, name: str, password: str) -> None:
    """Set a login role's password (the owner, or the role itself, may)."""
    quoted = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
    conn.execute(text(f"ALTER ROLE {_ident(name)} PASSWORD {quoted}"))

"""Least privilege on PostgreSQL: the app signs in as a role that can change data, not schema.

Migrations run as the owner of the tables. The app's login role gets only what serving the desk
needs: SELECT, INSERT, UPDATE and DELETE on the tables (and, on the audit trail, only SELECT and
INSERT), USAGE on the sequences, and the same on tables the owner's later migrations create.
Not being the owner, it cannot ``ALTER TABLE``, ``DISABLE TRIGGER`` or ``DROP`` anything, so the
append-only triggers hold even against the app's own credentials.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from factcheck.maintenance.schema import quote

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# The trail is written once and read: the app never needs to change or remove an event.
APPEND_ONLY_TABLES = ("audit_events",)


class RoleError(ValueError):
    """The app role cannot be made as asked; the message names the option and the rule."""


@dataclass
class AppRole:
    name: str
    created: bool
    password: str | None  # set only when the role was created now (shown once)


def check_role_name(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise RoleError(
            f"--app-role {name!r}: a role name is 1–63 lower-case letters, digits or _, "
            "not starting with a digit"
        )
    return name


def grant_app_role(conn: sa.Connection, role: str, schema: str) -> None:
    """Give ``role`` the app's privileges on ``schema``, now and for tables made later."""
    r, s = quote(role), quote(schema)
    owner = conn.exec_driver_sql("SELECT current_user").scalar()
    assert owner is not None
    statements = [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {s} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {s} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    present = set(
        conn.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
        ).scalars()
    )
    for table in APPEND_ONLY_TABLES:
        if table in present:
            statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{quote(table)} FROM {r}")
    for statement in statements:
        conn.exec_driver_sql(statement)


def check_app_role(conn: sa.Connection, role: str) -> None:
    """Refuse, before anything changes, a role the app must not sign in as."""
    check_role_name(role)
    me, schema = conn.exec_driver_sql("SELECT current_user, current_schema()").one()
    if schema is None:
        raise RoleError("--app-role: the database has no current schema to grant on")
    if role == me:
        raise RoleError(
            f"--app-role {role}: that is the role running the migrations (the owner); "
            "the app needs a role of its own"
        )
    existing = conn.execute(
        sa.text("SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = :r"),
        {"r": role},
    ).first()
    if existing is not None and any(existing):
        raise RoleError(
            f"--app-role {role}: the role exists and is a superuser or may create roles or "
            "bypass row security; the app must not sign in with such powers"
        )
    owns = conn.execute(
        sa.text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s AND pg_get_userbyid(c.relowner) = :r"
        ),
        {"s": schema, "r": role},
    ).scalar()
    if owns:
        raise RoleError(
            f"--app-role {role}: the role owns tables in schema {schema}; the app must not be "
            "the owner (it could ALTER them and disable the audit triggers)"
        )


def ensure_app_role(conn: sa.Connection, role: str) -> AppRole:
    """Create the login role ``role`` if missing, then grant it the app's privileges."""
    check_app_role(conn, role)
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    assert schema is not None
    exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    password = None
    if exists is None:
        password = secrets.token_urlsafe(24)
        # CREATE ROLE takes no bind parameters; the password is URL-safe base64, quoted.
        conn.exec_driver_sql(
            f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"NOBYPASSRLS PASSWORD '{password}'"
        )
    grant_app_role(conn, role, schema)
    return AppRole(name=role, created=exists is None, password=password)


def grantees(conn: sa.Connection, schema: str) -> list[str]:
    """Roles other than the owner with USAGE on ``schema``: the app roles to grant again."""
    return list(
        conn.execute(
            sa.text(
                "SELECT DISTINCT r.rolname FROM pg_namespace n "
                "CROSS JOIN LATERAL aclexplode(n.nspacl) a "
                "JOIN pg_roles r ON r.oid = a.grantee "
                "WHERE n.nspname = :s AND a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner "
                "ORDER BY r.rolname"
            ),
            {"s": schema},
        ).scalars()
    )

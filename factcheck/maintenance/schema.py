"""What the migrations create, and whether a database holds exactly that.

A restored backup is trusted only if its schema objects — tables, columns, constraints, indexes,
triggers, functions — are the ones the migrations create at the backup's revision, nothing more
and nothing less. An extra trigger (say ``AFTER INSERT ON notes … SET role = 'admin'``) or a
disabled append-only trigger is a reason to refuse the backup, not a detail.

The expected schema is built by running the migrations up to that revision into a scratch
SQLite file or a scratch PostgreSQL schema, and described the same way as the candidate.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app

# One schema object: (kind, name, the table it belongs to, its normalised definition).
SchemaObject = tuple[str, str, str, str]


def alembic_config() -> Any:
    return current_app.extensions["migrate"].migrate.get_config()


def known_revisions() -> tuple[list[str], str]:
    """Every revision the code knows, oldest first, and the head."""
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    head = script.get_current_head()
    assert head is not None
    return revisions, head


def migrate(conn: sa.Connection, revision: str) -> None:
    """Run the migrations up to ``revision`` on ``conn`` (inside the caller's transaction)."""
    config = alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


def quote(name: str) -> str:
    """A double-quoted SQL identifier (names here come from catalogs or our own generation)."""
    return '"' + name.replace('"', '""') + '"'


# --- SQLite -------------------------------------------------------------------------------


def _normalise(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


_TABLE_CONSTRAINT = re.compile(r"^(CONSTRAINT|PRIMARY KEY|FOREIGN KEY|UNIQUE|CHECK)\b", re.I)


def _split_top_level(body: str) -> list[str]:
    """Split on commas outside parentheses and quotes."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote_char = 0, ""
    for char in body:
        if quote_char:
            if char == quote_char:
                quote_char = ""
        elif char in "'\"`[":
            quote_char = "]" if char == "[" else char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


def _normalise_sqlite(kind: str, sql: str | None) -> str:
    """Whitespace collapsed; a table's constraints in name order (batch migrations that
    recreate a table write them in no fixed order), its columns in their real order."""
    text = _normalise(sql)
    if kind != "table" or "(" not in text or not text.endswith(")"):
        return text
    head, body = text[: text.index("(")], text[text.index("(") + 1 : -1]
    items = _split_top_level(body)
    columns = [i for i in items if not _TABLE_CONSTRAINT.match(i)]
    constraints = sorted(i for i in items if _TABLE_CONSTRAINT.match(i))
    return f"{head}({', '.join(columns + constraints)})"


def describe_sqlite(conn: Any) -> set[SchemaObject]:
    """Every object of ``sqlite_master`` (a DB-API or SQLAlchemy connection)."""
    query = "SELECT type, name, tbl_name, sql FROM sqlite_master"
    rows = conn.exec_driver_sql(query) if isinstance(conn, sa.Connection) else conn.execute(query)
    # sqlite_stat tables appear with ANALYZE and hold no schema of ours.
    return {
        (str(t), str(n), str(tb), _normalise_sqlite(str(t), s))
        for t, n, tb, s in rows
        if not str(n).startswith("sqlite_stat")
    }


def expected_sqlite(revision: str) -> set[SchemaObject]:
    with tempfile.TemporaryDirectory(prefix="factcheck-schema-") as folder:
        engine = sa.create_engine(f"sqlite:///{Path(folder) / 'expected.sqlite3'}")
        try:
            with engine.begin() as conn:
                migrate(conn, revision)
            with engine.connect() as conn:
                return describe_sqlite(conn)
        finally:
            engine.dispose()


# --- PostgreSQL ---------------------------------------------------------------------------

_PG_CATALOG = {
    # Relations: tables, sequences, views (toast and the like are not ours to compare).
    "relation": """
        SELECT c.relkind::text, c.relname, c.relname,
               c.relpersistence::text || ' rls=' || c.relrowsecurity::text
        FROM pg_class c
        WHERE c.relnamespace = :ns AND c.relkind IN ('r', 'p', 'S', 'v', 'm', 'f')""",
    "column": """
        SELECT 'column', c.relname || '.' || a.attname, c.relname,
               format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull::text
               || ' generated=' || a.attgenerated::text || ' identity=' || a.attidentity::text
               || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = :ns AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND a.attnum > 0 AND NOT a.attisdropped""",
    "constraint": """
        SELECT 'constraint', con.conname, c.relname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE con.connamespace = :ns""",
    "index": """
        SELECT 'index', i.relname, c.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class c ON c.oid = x.indrelid
        WHERE c.relnamespace = :ns""",
    "trigger": """
        SELECT 'trigger', t.tgname, c.relname,
               pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = :ns AND NOT t.tgisinternal""",
    "function": """
        SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
               '', CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid)
                        ELSE p.prokind::text END
        FROM pg_proc p WHERE p.pronamespace = :ns""",
    "rule": """
        SELECT 'rule', r.rulename, c.relname, pg_get_ruledef(r.oid)
        FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
        WHERE c.relnamespace = :ns AND c.relkind <> 'v'""",
    "policy": """
        SELECT 'policy', p.polname, c.relname,
               coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' / '
               || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        WHERE c.relnamespace = :ns""",
    "type": """
        SELECT 'type', t.typname, '', t.typtype::text
        FROM pg_type t
        WHERE t.typnamespace = :ns AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
          AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid
                          AND c.relkind <> 'c')""",
}


# pg_dump writes a CHECK's ``IN (…)`` back as PostgreSQL deparsed it, and parsing that again casts
# each element rather than the array: the same test, spelled two ways. Spell both one way.
_CAST_ELEMENT = re.compile(r"\('((?:[^']|'')*)'::character varying\)::text")
_CAST_ARRAY = re.compile(r"\((ARRAY\[[^\]]*\])\)::text\[\]")


def _normalise_postgres(definition: str) -> str:
    text = _CAST_ELEMENT.sub(r"'\1'::character varying", definition)
    return _normalise(_CAST_ARRAY.sub(r"\1", text))


def describe_postgres(conn: sa.Connection, schema: str) -> set[SchemaObject]:
    """The catalog objects of ``schema``, with the schema's own name taken out of definitions."""
    ns = conn.execute(
        sa.text("SELECT oid FROM pg_namespace WHERE nspname = :s"), {"s": schema}
    ).scalar()
    if ns is None:
        return set()
    # Definitions name objects outside the search path with their schema: put it first, and
    # take out what qualification remains, so two schemas built alike describe alike.
    conn.exec_driver_sql(f"SET LOCAL search_path TO {quote(schema)}")
    qualified = re.compile(rf"(?:{re.escape(quote(schema))}|\b{re.escape(schema)})\.")
    found: set[SchemaObject] = set()
    for query in _PG_CATALOG.values():
        for kind, name, table, definition in conn.execute(sa.text(query), {"ns": ns}):
            found.add((kind, name, table, _normalise_postgres(qualified.sub("", definition or ""))))
    return found


@contextmanager
def scratch_schema(engine: sa.Engine, prefix: str) -> Iterator[str]:
    """A new, empty schema of the database behind ``engine``, dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {quote(name)}")
    try:
        yield name
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quote(name)} CASCADE")


def expected_postgres(engine: sa.Engine, revision: str) -> set[SchemaObject]:
    with scratch_schema(engine, "fc_expected") as schema:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL search_path TO {quote(schema)}")
            migrate(conn, revision)
        with engine.begin() as conn:
            return describe_postgres(conn, schema)


# --- both ---------------------------------------------------------------------------------


def differences(expected: set[SchemaObject], actual: set[SchemaObject]) -> list[str]:
    """What ``actual`` has that the migrations do not create, and the reverse, one per line."""
    want = {(k, n, t): d for k, n, t, d in expected}
    have = {(k, n, t): d for k, n, t, d in actual}
    problems = []
    for key in sorted(set(have) - set(want)):
        kind, name, table = key
        on = f" on {table}" if table and table != name else ""
        problems.append(f"{kind} {name}{on} is not created by the migrations")
    for key in sorted(set(want) - set(have)):
        kind, name, table = key
        on = f" on {table}" if table and table != name else ""
        problems.append(f"{kind} {name}{on} is missing")
    for key in sorted(set(want) & set(have)):
        if want[key] != have[key]:
            kind, name, table = key
            on = f" on {table}" if table and table != name else ""
            problems.append(f"{kind} {name}{on} differs from what the migrations create")
    return problems

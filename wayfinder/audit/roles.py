"""The PostgreSQL roles: the application's role owns nothing and cannot rewrite the audit trail.

A table's owner (and any superuser) can disable its triggers, drop them, or
truncate the table, whatever the triggers say. So the schema belongs to an
*owner* role that only migrations use, and the application connects as a
separate role with only:
- SELECT, INSERT, UPDATE, DELETE on the tables and USAGE on the sequences;
- SELECT, INSERT on the append-only tables (the audit trail) - no UPDATE, DELETE
  or TRUNCATE, and no ownership to lift the triggers with;
- SELECT on ``django_migrations`` (Django reads it; only migrations write it).

``grant_app_role ROLE`` (run as the owner after every ``migrate``) sets this up,
and ``role_problems`` is what ``check --deploy`` and ``verify_audit_log`` report
when the running role can do more.
"""

from __future__ import annotations

from django.db import connection as default_connection

APPEND_ONLY_TABLES = ("audit_auditevent",)
READ_ONLY_TABLES = ("django_migrations",)


def grant_app_role(role: str, connection=default_connection) -> list[str]:
    """Give ``role`` what the application needs on every table and sequence the
    current (owner) role has, and no more. Idempotent; returns the statements run."""
    if connection.vendor != "postgresql":
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user"
        )
        tables = sorted(row[0] for row in cursor.fetchall())
    if role == owner:
        raise ValueError(f"{role} is the owner: the application must connect as another role")
    app = quote(role)
    statements = [
        f"GRANT USAGE ON SCHEMA {quote('public')} TO {app}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {app}",
        # Tables a later migration creates are usable at once (grant_app_role then narrows them again).
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA public GRANT USAGE ON SEQUENCES TO {app}",
    ]
    for table in APPEND_ONLY_TABLES:
        if table in tables:
            statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(table)} FROM {app}")
            statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM PUBLIC")
    for table in READ_ONLY_TABLES:
        if table in tables:
            statements.append(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {app}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements


def role_problems(connection=default_connection) -> list[str]:
    """What the connected role can do that the application's role must not: be a
    superuser, own tables (and so disable their triggers), or change audit rows."""
    if connection.vendor != "postgresql":
        return []
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
        role, superuser, createrole = cursor.fetchone()
        if superuser:
            problems.append(f"the application connects to PostgreSQL as {role}, a superuser")
        if createrole:
            problems.append(f"the application's role {role} may create roles")
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE pg_has_role(current_user, c.relowner, 'MEMBER') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        owned = cursor.fetchone()[0]
        if owned:
            problems.append(
                f"the application's role {role} owns {owned} tables or other objects (it can lift triggers)"
            )
        for table in APPEND_ONLY_TABLES:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if not cursor.fetchone()[0]:
                continue
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                cursor.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, privilege])
                if cursor.fetchone()[0]:
                    problems.append(f"the application's role {role} has {privilege} on {table}")
    return problems

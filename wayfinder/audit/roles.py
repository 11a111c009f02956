"""The PostgreSQL roles: the application's role owns nothing and cannot rewrite the audit trail.

A table's owner (and any superuser) can disable its triggers, drop them, or
truncate the table, whatever the triggers say. So the schema belongs to an
*owner* role that only migrations use, and the application connects as a
separate role with only:
- SELECT, INSERT, UPDATE, DELETE on the tables and USAGE on the sequences;
- SELECT, INSERT on the append-only tables (the audit trail) - no UPDATE, DELETE
  or TRUNCATE, and no ownership to lift the triggers with;
- SELECT on ``django_migrations`` (Django reads it; only migrations write it);
- EXECUTE on ``wayfinder_analyze(table)``: ANALYZE needs the table's owner on
  PostgreSQL 15, and the importers refresh planner statistics after a bulk load,
  so this owner-defined function runs ANALYZE on one of the owner's tables (of
  its indexed columns: ``indexed_columns``).

``grant_app_role ROLE`` (run as the owner after every ``migrate``) sets this up,
and ``role_problems`` is what ``check --deploy`` and ``verify_audit_log`` report
when the running role can do more.
"""

from __future__ import annotations

from django.db import connection as default_connection

APPEND_ONLY_TABLES = ("audit_auditevent",)
READ_ONLY_TABLES = ("django_migrations",)


# wayfinder_analyze analyzes the columns some index covers (indexed_columns): after a bulk load
# the planner must not pick a scan where an index serves, or the reverse, and those are the
# statistics that decide it. Measured at 100,000 services: ANALYZE of every column of the
# imported tables took 3.0 s, of their indexed columns 1.0 s. The rest is not lost: an ANALYZE
# of named columns leaves the table's count of changes since its last ANALYZE as it was, so
# autovacuum still analyzes the whole table soon after a bulk load.
def indexed_columns(target: str) -> str:
    """The query (no parameters) for the indexed columns of the table ``target`` (an SQL regclass
    expression) names, quoted and comma-separated, or NULL when no index covers any."""
    # ``target`` is an expression of ours (a parameter name, a quoted table name), never input
    return (
        "SELECT string_agg(DISTINCT format('%I', a.attname), ', ') FROM pg_catalog.pg_index i "  # noqa: S608
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        f"WHERE i.indrelid = {target}"
    )


# Runs with the owner's rights (SECURITY DEFINER), so it only analyzes ordinary
# tables the owner owns in the public schema, and its search_path is fixed.
_ANALYZE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION wayfinder_analyze(target regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    indexed text;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = target AND c.relkind = 'r' AND n.nspname = 'public'
          AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
    ) THEN
        RAISE EXCEPTION 'wayfinder_analyze: % is not one of the application''s tables', target;
    END IF;
    {indexed_columns("target")} INTO indexed;
    EXECUTE format('ANALYZE %s', target) || COALESCE(' (' || indexed || ')', '');
END;
$$
"""  # noqa: S608 - no input: the function checks its table and quotes the names


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
    statements += [
        _ANALYZE_FUNCTION,
        "REVOKE ALL ON FUNCTION wayfinder_analyze(regclass) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION wayfinder_analyze(regclass) TO {app}",
    ]
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

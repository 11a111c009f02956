"""Database triggers that refuse UPDATE and DELETE on the audit table.

The model already refuses; the triggers make the rule hold for raw SQL and for
anyone with a database shell. ``uninstall`` exists for the test suite only, whose
transactional tests empty every table between tests.
"""

from __future__ import annotations

_PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
]
_PG_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
]
_SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END""",
]
_SQLITE_UNINSTALL = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]

_STATEMENTS = {
    "postgresql": (_PG_INSTALL, _PG_UNINSTALL),
    "sqlite": (_SQLITE_INSTALL, _SQLITE_UNINSTALL),
}


def install(connection) -> None:
    for statement in _STATEMENTS.get(connection.vendor, ([], []))[0]:
        with connection.cursor() as cursor:
            cursor.execute(statement)


def uninstall(connection) -> None:
    for statement in _STATEMENTS.get(connection.vendor, ([], []))[1]:
        with connection.cursor() as cursor:
            cursor.execute(statement)

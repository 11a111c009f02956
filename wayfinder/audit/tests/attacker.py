"""What someone with the database owner's password can do to the audit table."""

from __future__ import annotations

from django.db import connection

from tests.db_roles import owner_cursor
from wayfinder.audit import triggers


def as_owner_without_triggers(*statements: tuple[str, list]) -> None:
    """Lift the triggers (an owner may), run the statements, put the triggers back.
    PostgreSQL: through a second connection as the owner (callers are transactional
    tests, so it sees their committed rows). SQLite has no roles."""
    with owner_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            triggers.uninstall(connection)
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            else:
                triggers.install(connection)

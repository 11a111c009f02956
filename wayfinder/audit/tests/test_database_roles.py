"""PostgreSQL: the application's role owns nothing and cannot touch the audit
trail beyond reading and appending (docs/security.md, "Audit log": "The application's database role
owns nothing"). The test suite itself connects as that role."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tests.db_roles import owner_credentials
from wayfinder.audit.checks import application_database_role
from wayfinder.audit.log import log_action
from wayfinder.audit.roles import role_problems

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")


def current_role() -> tuple[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()


def test_the_suite_runs_as_a_role_that_is_neither_owner_nor_superuser():
    role, superuser = current_role()
    assert not superuser
    assert role != owner_credentials()[0]
    assert role_problems() == []
    assert application_database_role() == []


@pytest.mark.parametrize(
    "statement, refusal",
    [
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_delete", "must be owner"),
        ("DROP TRIGGER audit_event_no_update ON audit_auditevent", "must be owner"),
        ("DROP FUNCTION audit_event_refuse_change() CASCADE", "must be owner"),
        (
            "CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$ BEGIN RETURN OLD; END; $$ "
            "LANGUAGE plpgsql",
            "must be owner|permission denied for schema",
        ),
        ("SET session_replication_role = replica", "permission denied"),
        ("UPDATE audit_auditevent SET purpose = 'tampered'", "permission denied"),
        ("DELETE FROM audit_auditevent", "permission denied"),
        ("TRUNCATE audit_auditevent", "permission denied"),
        ("DROP TABLE audit_auditevent", "must be owner"),
        ("ALTER TABLE audit_auditevent RENAME TO audit_old", "must be owner"),
        ("CREATE TABLE audit_auditevent_copy (id int)", "permission denied"),
        ("GRANT UPDATE ON audit_auditevent TO PUBLIC", "permission denied|no privileges were granted"),
        ("INSERT INTO django_migrations (app, name, applied) VALUES ('audit', 'fake', now())", "permission denied"),
    ],
)
def test_the_application_role_cannot_lift_the_protection(statement, refusal):
    log_action(None, "import.finished")
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
        if "GRANT" in statement:  # a grant by a non-owner only warns; show it changed nothing
            cursor.execute("SELECT has_table_privilege('public', 'audit_auditevent', 'UPDATE')")
            if not cursor.fetchone()[0]:
                raise DatabaseError("no privileges were granted")


def test_it_can_still_read_and_append():
    event = log_action(None, "import.finished")
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_hash FROM audit_auditevent WHERE seq = %s", [event.seq])
        assert cursor.fetchone()[0] == event.row_hash


def test_it_may_refresh_planner_statistics_of_its_tables_only():
    """ANALYZE needs the owner on PostgreSQL 15: the owner's wayfinder_analyze does it for the importers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT wayfinder_analyze('directory_service'::regclass)")
        for other in ("pg_catalog.pg_authid", "pg_catalog.pg_class"):
            with pytest.raises(DatabaseError, match="not one of the application's tables"), transaction.atomic():
                cursor.execute("SELECT wayfinder_analyze(%s::regclass)", [other])


@pytest.mark.django_db(transaction=True)
def test_check_deploy_names_a_role_that_could_rewrite_the_trail():
    """Connected as the owner, the deploy check fails: owners can lift triggers."""
    from tests.db_roles import as_owner

    with as_owner():
        errors = application_database_role()
    assert errors and all(error.id == "audit.E001" for error in errors)
    assert any("owns" in error.msg for error in errors), [error.msg for error in errors]
    assert application_database_role() == []  # back as the application's role

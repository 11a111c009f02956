"""The audit trail is append-only, hash-chained, masked, and tampering is detected."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from wayfinder.audit import triggers
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events(personas):
    staff = personas["food_bank_staff"]
    return [
        log_action(staff, "resident.viewed", staff, purpose="referral follow-up", resident=41),
        log_action(staff, "referral.closed", staff, data={"outcome": "provided"}),
        log_action(None, "import.finished", data={"services": 12}),
    ]


def test_it_links_every_row_to_the_previous_one(three_events):
    first, second, third = three_events
    assert first.seq + 1 == second.seq and second.seq + 1 == third.seq
    assert second.prev_hash == first.row_hash
    assert third.prev_hash == second.row_hash
    assert first.actor_role == "org_staff"
    assert first.actor_organization_id
    assert first.resident_id == "41"
    assert first.purpose == "referral follow-up"
    assert third.actor_label == "system"


def test_it_masks_sensitive_keys(personas):
    event = log_action(
        personas["resident"],
        "account.changed",
        data={"password": "hunter2", "nested": {"totp_code": "123456", "city": "Hazard"}, "tokens": ["x"]},
    )
    event.refresh_from_db()
    assert event.data == {
        "password": "********",
        "nested": {"totp_code": "********", "city": "Hazard"},
        "tokens": "********",
    }


def test_the_orm_refuses_updates_and_deletes(three_events):
    event = three_events[0]
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(three_events, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 3
    assert not AuditEvent.objects.filter(action="tampered").exists()


def test_verify_reports_an_intact_chain(three_events, capsys):
    call_command("verify_audit_log")
    assert "Audit log intact: 3 rows verified." in capsys.readouterr().out


def tamper(statement: str, params: list) -> None:
    """What an attacker with a database shell could do after dropping the triggers."""
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
    finally:
        triggers.install(connection)


def test_verify_names_the_first_altered_row(three_events):
    tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["nothing to see", three_events[0].seq])
    with pytest.raises(CommandError, match=f"broken at row {three_events[0].seq}: row content does not match"):
        call_command("verify_audit_log")


def test_verify_names_a_deleted_row(three_events):
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [three_events[1].seq])
    with pytest.raises(
        CommandError, match=f"broken at row {three_events[1].seq}: row {three_events[1].seq} is missing"
    ):
        call_command("verify_audit_log")


def test_verify_detects_a_recomputed_row_that_breaks_the_link(three_events):
    """Rewriting a row's own hash to match its edit still breaks the next row's link."""
    from wayfinder.audit.log import compute_row_hash
    from wayfinder.audit.verify import HASHED_FIELDS

    row = AuditEvent.objects.filter(seq=three_events[1].seq).values(*HASHED_FIELDS).get()
    row["data"] = {"outcome": "not provided"}
    forged = compute_row_hash(row)
    import json

    tamper(
        "UPDATE audit_auditevent SET data = %s, row_hash = %s WHERE seq = %s",
        [json.dumps(row["data"]), forged, three_events[1].seq],
    )
    with pytest.raises(CommandError, match=f"broken at row {three_events[2].seq}: link to the previous row"):
        call_command("verify_audit_log")

"""The audit trail is append-only, keyed, hash-chained and masked."""

import pytest
from django.db import DatabaseError, connection, transaction

from wayfinder.audit import keys
from wayfinder.audit.log import compute_row_hash, log_action
from wayfinder.audit.models import AppendOnlyError, AuditEvent
from wayfinder.audit.verify import KEYED_FIELDS

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


def test_every_row_is_an_hmac_with_the_configured_key(three_events, settings):
    """Without the key nobody can compute a row's hash; the row names the key."""
    row = AuditEvent.objects.filter(seq=three_events[0].seq).values(*KEYED_FIELDS, "row_hash").get()
    assert row["key_id"] == keys.key_id_for(settings.AUDIT_HMAC_KEY)
    assert compute_row_hash(row) == row["row_hash"]
    settings.AUDIT_HMAC_KEY = "someone-elses-key-that-is-long-enough-0123456789"
    settings.AUDIT_HMAC_PREVIOUS_KEYS = []
    with pytest.raises(keys.UnknownKeyError):
        compute_row_hash(row)
    forged = keys.current_key().sign(keys.ROW_PURPOSE, b"anything")
    assert forged != row["row_hash"]


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
    """SQLite: the triggers (also after migration 0003 rebuilt the table). PostgreSQL:
    the application's role has no UPDATE or DELETE privilege, and the triggers."""
    with (
        pytest.raises(DatabaseError, match=r"append-only|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() >= 3
    assert not AuditEvent.objects.filter(action="tampered").exists()

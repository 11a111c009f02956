"""The audit trail is append-only, keyed, hash-chained and masked."""

import pytest
from django.db import DatabaseError, connection, transaction

from wayfinder.audit import keys
from wayfinder.audit.log import appended_together, compute_row_hash, log_action
from wayfinder.audit.models import AppendOnlyError, AuditEvent
from wayfinder.audit.verify import KEYED_FIELDS, verify_chain

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


def test_rows_appended_together_make_the_same_verifiable_chain(personas):
    """A 100-entry FHIR transaction appends its rows at the end of the block: numbered,
    linked and keyed exactly as one by one, and the walk verifies them."""
    before = log_action(None, "import.finished", data={"n": "before"})
    with transaction.atomic(), appended_together():
        inside = [log_action(None, "import.finished", data={"n": n}) for n in range(5)]
        assert AuditEvent.objects.filter(seq__gt=before.seq).count() == 0  # not appended yet
    after = log_action(None, "import.finished", data={"n": "after"})
    rows = list(AuditEvent.objects.filter(seq__gt=before.seq).order_by("seq"))
    assert [row.data["n"] for row in rows] == [0, 1, 2, 3, 4, "after"]
    assert [event.seq for event in inside] == [before.seq + n for n in range(1, 6)]
    assert rows[0].prev_hash == before.row_hash and after.prev_hash == rows[4].row_hash
    for row in rows:
        assert compute_row_hash(AuditEvent.objects.filter(pk=row.pk).values(*KEYED_FIELDS).get()) == row.row_hash
    report = verify_chain(require_checkpoint=False)
    assert report.ok, report.message()
    assert report.rows == AuditEvent.objects.count()


def test_rows_of_a_block_that_fails_are_not_appended(personas):
    count = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="refused"), transaction.atomic(), appended_together():
        log_action(None, "import.finished", data={"n": 1})
        raise ValueError("refused")
    assert AuditEvent.objects.count() == count
    log_action(None, "import.finished", data={"n": 2})
    assert verify_chain(require_checkpoint=False).ok


@pytest.mark.django_db(transaction=True)
def test_appending_together_needs_the_callers_transaction():
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"), appended_together():
        pass

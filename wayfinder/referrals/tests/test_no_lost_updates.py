"""50 people change one referral at the same time: every accepted change is in
the history, every refused one was told, nothing is silently overwritten."""

import threading

import pytest
from django.db import connection, connections

from wayfinder.referrals import actions
from wayfinder.referrals.models import Referral, ReferralEvent, ReferralNote, Status
from wayfinder.referrals.tests.conftest import org

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

WORKERS = 50


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are measured on PostgreSQL (SQLite serialises writers by design)")


def test_concurrent_status_changes_and_notes(world, personas):
    referral = actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=world.resident,
        service=world.formula,
        sending_organization=org("food_bank"),
    )
    receiver = personas["family_center_staff"]
    sender = personas["food_bank_staff"]
    start = threading.Barrier(WORKERS)
    accepted: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        """Like a person: submit what the form showed; when told it changed, look
        at the new state and submit again."""
        try:
            current = Referral.objects.get(pk=referral.pk)
            start.wait(timeout=30)
            actions.add_note(actor=sender, referral=current, body=f"note {index}", organization=org("food_bank"))
            for _attempt in range(200):
                target = Status.IN_PROGRESS if current.status == Status.NEW else Status.NEW
                try:
                    updated = actions.change_status(
                        actor=receiver, referral=current, to_status=target, expected_version=current.version
                    )
                except actions.ReferralChanged as changed:
                    assert changed.current.version > current.version  # they are shown the newer state
                    with lock:
                        refused.append(index)
                    current = changed.current
                else:
                    with lock:
                        accepted.append(updated.version)
                    return
            raise AssertionError(f"worker {index} never got its change in")
        except BaseException as error:  # noqa: BLE001 - collected and re-raised in the test thread
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors[:3]
    assert len(accepted) == WORKERS  # everyone got their change in, in turn
    assert refused, "the workers really did collide"
    referral.refresh_from_db()
    changes = list(ReferralEvent.objects.filter(referral=referral, kind="status_changed").order_by("version"))
    # Every accepted change is in the history, once, with the version it produced.
    assert sorted(accepted) == [event.version for event in changes]
    assert referral.version == 1 + len(accepted)
    assert len(set(accepted)) == len(accepted)
    # Notes never conflict: all 50 are kept.
    assert ReferralNote.objects.filter(referral=referral).count() == WORKERS

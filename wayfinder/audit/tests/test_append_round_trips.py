"""An append outside any transaction (every logged read) takes two round trips on
PostgreSQL instead of five, and the chain stays whole: under concurrent writers,
after a failed append, and inside a caller's transaction."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from psycopg.pq import TransactionStatus

from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.verify import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)
IDLE = TransactionStatus.IDLE


def assert_chain_whole() -> None:
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "row_hash"))
    assert [seq for seq, _prev, _row in rows] == list(range(rows[0][0], rows[0][0] + len(rows)))
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))
    report = verify_chain(require_checkpoint=False)
    assert report.ok, report.message()


def test_an_append_outside_a_transaction_is_stored_whole_and_returned_saved():
    assert not connection.in_atomic_block
    first = log_action(None, "import.finished", data={"services": 12})
    second = log_action(None, "import.finished", data={"services": 13, "ssn": "123-45-6789"})
    stored = AuditEvent.objects.get(pk=second.pk)
    assert (stored.seq, stored.prev_hash, stored.row_hash) == (first.seq + 1, first.row_hash, second.row_hash)
    assert stored.data == second.data and stored.data["ssn"] != "123-45-6789"  # masked, as always
    assert not second._state.adding
    assert_chain_whole()


def test_on_postgresql_a_logged_read_costs_two_round_trips():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite appends inside its IMMEDIATE transaction, on the same file")
    log_action(None, "import.finished")  # connection open
    with CaptureQueriesContext(connection) as queries:
        log_action(None, "import.finished", data={"services": 1})
    assert len(queries) == 2, [q["sql"][:80] for q in queries.captured_queries]
    assert connection.connection.info.transaction_status == IDLE  # committed, nothing left open
    assert_chain_whole()


def _hash_fails(values, key=None):
    raise RuntimeError("the key store went away")


@pytest.mark.parametrize("failure", ["the database refuses the row", "the hash cannot be computed"])
def test_a_failed_append_stores_nothing_and_leaves_the_connection_usable(failure, monkeypatch):
    log_action(None, "import.finished")
    before = AuditEvent.objects.count()
    if failure == "the database refuses the row":
        if connection.vendor != "postgresql":
            pytest.skip("SQLite stores a NUL character")
        with pytest.raises(DatabaseError):
            log_action(None, "import.finished", actor_label="bad\x00label")
    else:
        with monkeypatch.context() as patched:
            patched.setattr("wayfinder.audit.log.compute_row_hash", _hash_fails)
            with pytest.raises(RuntimeError):
                log_action(None, "import.finished")  # after the lock and the read
    assert AuditEvent.objects.count() == before
    if connection.vendor == "postgresql":
        assert connection.connection.info.transaction_status == IDLE
    after = log_action(None, "import.finished")
    assert after.seq == AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    assert_chain_whole()


def test_inside_a_callers_transaction_the_row_rolls_back_with_it():
    log_action(None, "import.finished")
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        log_action(None, "import.finished")
        raise RuntimeError("the action failed")
    assert AuditEvent.objects.count() == before
    with transaction.atomic():
        log_action(None, "import.finished")
    assert AuditEvent.objects.count() == before + 1
    assert_chain_whole()


@pytest.mark.postgres_only
def test_concurrent_appends_never_share_a_predecessor():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by design")
    workers, each = 8, 15
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(each):
                if n % 3 == 0:
                    with transaction.atomic():  # the in-transaction path, mixed in
                        log_action(None, "import.finished", data={"worker": index, "n": n})
                else:
                    log_action(None, "import.finished", data={"worker": index, "n": n})
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    before = AuditEvent.objects.count()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert AuditEvent.objects.count() == before + workers * each
    assert_chain_whole()

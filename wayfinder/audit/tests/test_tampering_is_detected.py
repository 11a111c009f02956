"""An attacker with the database owner's password (or a superuser, or a stolen
backup restored elsewhere) rewrites the audit table: every way of doing it is
found by ``verify_audit_log``.

These tests play the attacker through a second connection as the owner role
(``tests.db_roles.owner_cursor``), so they are transactional: the attacker sees
committed rows only, as in life.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from wayfinder.audit import checkpoints, keys
from wayfinder.audit.log import GENESIS_HASH, HASHED_FIELDS, KEYED_FIELDS, canonical_row, log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.tests.attacker import as_owner_without_triggers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sink(settings, tmp_path) -> Path:
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


@pytest.fixture
def chain(sink) -> list[AuditEvent]:
    """Ten rows, a checkpoint after the eighth, two rows after it."""
    events = [log_action(None, "import.finished", data={"n": n}) for n in range(8)]
    call_command("verify_audit_log", "--checkpoint")
    events += [log_action(None, "import.finished", data={"n": n}) for n in range(8, 10)]
    return events


def rehash_from(seq: int, *, edit: dict | None = None, hasher=None) -> None:
    """Edit row ``seq`` and recompute its hash and every later row's, as the attacker can."""
    rows = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq").values(*KEYED_FIELDS))
    prev = AuditEvent.objects.filter(seq=seq - 1).values_list("row_hash", flat=True).first() or GENESIS_HASH
    statements = []
    for row in rows:
        if row["seq"] == seq and edit:
            row.update(edit)
        row["prev_hash"] = prev
        prev = hasher(row)
        statements.append(
            (
                "UPDATE audit_auditevent SET data = %s, key_id = %s, prev_hash = %s, row_hash = %s WHERE seq = %s",
                [json.dumps(row["data"]), row["key_id"], row["prev_hash"], prev, row["seq"]],
            )
        )
    as_owner_without_triggers(*statements)


def verify_fails(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("verify_audit_log")


def test_an_intact_chain_verifies_with_its_checkpoints(chain, capsys):
    call_command("verify_audit_log")
    out = capsys.readouterr().out
    assert f"Audit log intact: {AuditEvent.objects.count()} rows verified, 1 checkpoints matched" in out


def test_an_edited_row_is_named(chain):
    as_owner_without_triggers(
        ("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["nothing to see", chain[3].seq])
    )
    verify_fails(f"broken at row {chain[3].seq}: row content does not match its hash")


def test_a_row_deleted_in_the_middle_is_named(chain):
    as_owner_without_triggers(("DELETE FROM audit_auditevent WHERE seq = %s", [chain[4].seq]))
    verify_fails(f"broken at row {chain[4].seq}: row {chain[4].seq} is missing")


def test_re_hashing_after_an_edit_without_the_key_is_detected(chain):
    """The attack a plain SHA-256 chain could not see: edit, then recompute every later hash."""
    attacker_key = keys.AuditKey(chain[0].key_id, b"a guess at the key")
    rehash_from(
        chain[2].seq,
        edit={"data": {"n": "edited"}},
        hasher=lambda row: attacker_key.sign(keys.ROW_PURPOSE, canonical_row(row, KEYED_FIELDS)),
    )
    verify_fails(f"broken at row {chain[2].seq}: row content does not match its hash")


def test_downgrading_to_the_unkeyed_scheme_is_detected(chain):
    """Rows rewritten as if written before keys existed (key_id "", plain SHA-256)."""
    rehash_from(
        chain[2].seq,
        edit={"data": {"n": "edited"}, "key_id": ""},
        hasher=lambda row: hashlib.sha256(canonical_row({**row, "key_id": ""}, HASHED_FIELDS)).hexdigest(),
    )
    verify_fails(f"broken at row {chain[2].seq}: row is unkeyed")


def test_re_hashing_with_the_stolen_key_still_differs_from_the_checkpoint(chain):
    """Even whoever has the key cannot rewrite what a checkpoint already vouched for."""
    key = keys.current_key()
    rehash_from(
        chain[2].seq,
        edit={"data": {"n": "edited"}},
        hasher=lambda row: key.sign(keys.ROW_PURPOSE, canonical_row(row, KEYED_FIELDS)),
    )
    verify_fails(f"broken at row {chain[7].seq}: row differs from the checkpoint")


def test_deleting_the_newest_rows_is_detected(chain):
    """Delete everything from the checkpointed row on: what is left is a valid, shorter chain."""
    as_owner_without_triggers(("DELETE FROM audit_auditevent WHERE seq >= %s", [chain[7].seq]))
    verify_fails(f"broken at row {chain[7].seq}: rows {chain[7].seq}..{chain[7].seq} are missing")


def test_truncating_the_table_is_detected(chain):
    as_owner_without_triggers(("DELETE FROM audit_auditevent", []))
    verify_fails("broken at row 1: rows 1..")
    if connection.vendor == "postgresql":
        as_owner_without_triggers(("TRUNCATE audit_auditevent", []))
        verify_fails("broken at row 1: rows 1..")


def test_a_forged_checkpoint_is_refused(chain, sink):
    forged = checkpoints.Checkpoint("2030-01-01T00:00:00+00:00", 3, 3, "0" * 64, keys.current_key().key_id, "ab" * 32)
    with sink.open("a") as handle:
        handle.write(forged.to_json() + "\n")
    verify_fails("has a wrong signature")


def test_a_checkpoint_file_that_was_emptied_cannot_vouch_for_the_rows(chain, sink):
    sink.write_text("")
    verify_fails("no checkpoint vouches for the newest rows")

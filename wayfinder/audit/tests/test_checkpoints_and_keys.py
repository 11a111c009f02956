"""Checkpoints are written by the scheduler and by ``verify_audit_log --checkpoint``,
keys rotate, and rows written before keys existed still verify."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wayfinder.audit import checkpoints
from wayfinder.audit.log import GENESIS_HASH, HASHED_FIELDS, canonical_row, log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.tests.attacker import as_owner_without_triggers
from wayfinder.scheduling.jobs import JOBS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings, tmp_path) -> Path:
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


def lines(sink: Path) -> list[dict]:
    return [json.loads(line) for line in sink.read_text().splitlines()]


def test_verify_without_any_checkpoint_says_how_to_make_one(sink):
    log_action(None, "import.finished")
    with pytest.raises(CommandError, match=r"no checkpoint vouches .* verify_audit_log --checkpoint"):
        call_command("verify_audit_log")


def test_checkpoint_writes_a_signed_line_with_count_head_and_key(sink, capsys):
    event = log_action(None, "import.finished")
    call_command("verify_audit_log", "--checkpoint")
    assert "Checkpoint written" in capsys.readouterr().out
    (line,) = lines(sink)
    assert line["rows"] == AuditEvent.objects.count() == line["head_seq"] == event.seq
    assert line["head_hash"] == event.row_hash
    assert line["key_id"] == event.key_id
    assert checkpoints.parse(json.dumps(line)).signature_ok()
    assert oct(sink.stat().st_mode & 0o777) == "0o640"


def test_the_scheduler_runs_the_checkpoint_job_and_each_run_only_walks_new_rows(sink, django_assert_max_num_queries):
    job = next(j for j in JOBS if j.name == "audit_checkpoint")
    log_action(None, "import.finished")
    assert job.function()().startswith("checkpoint at row")
    for _ in range(3):
        log_action(None, "import.finished")
    with django_assert_max_num_queries(8):  # resumes at the last checkpoint: no full walk
        job.function()()
    first, second = lines(sink)
    assert second["head_seq"] == first["head_seq"] + 3
    call_command("verify_audit_log")


def test_the_scheduled_job_refuses_to_sign_a_chain_that_does_not_verify(sink):
    log_action(None, "import.finished")
    checkpoints.write_checkpoint()
    with sink.open("a") as handle:  # the newest line claims another head
        handle.write(checkpoints.sign(1, 1, "f" * 64).to_json() + "\n")
    with pytest.raises(checkpoints.CheckpointRefused, match="differs from the checkpoint"):
        checkpoints.scheduled_checkpoint()
    assert len(lines(sink)) == 2


def test_a_garbage_line_in_the_checkpoint_file_is_reported(sink):
    log_action(None, "import.finished")
    call_command("verify_audit_log", "--checkpoint")
    with sink.open("a") as handle:
        handle.write("not a checkpoint\n")
    with pytest.raises(CommandError, match="line 2 of the checkpoint file is not a checkpoint"):
        call_command("verify_audit_log")


def test_keys_rotate_old_rows_verify_with_the_previous_key(sink, settings):
    old = log_action(None, "import.finished")
    call_command("verify_audit_log", "--checkpoint")
    previous = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = "the-next-audit-key-after-rotation-0123456789abcdef"
    settings.AUDIT_HMAC_PREVIOUS_KEYS = [previous]
    new = log_action(None, "import.finished")
    assert new.key_id != old.key_id and new.prev_hash == old.row_hash
    call_command("verify_audit_log", "--checkpoint")
    settings.AUDIT_HMAC_PREVIOUS_KEYS = []
    with pytest.raises(CommandError, match=f"signed with key {old.key_id}"):
        call_command("verify_audit_log")


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_keys_still_verify_and_keyed_rows_follow(sink):
    """A database from before migration 0003: its rows carry key_id "" and a plain
    SHA-256. They verify as they are, the first keyed row links to them, and the
    first checkpoint (run once after upgrading) anchors them."""
    as_owner_without_triggers(("DELETE FROM audit_auditevent", []))
    prev = GENESIS_HASH
    for seq in (1, 2, 3):
        row = {
            "seq": seq,
            "event_id": uuid.uuid4(),
            "occurred_at": timezone.now(),
            "action": "legacy.event",
            "outcome": "success",
            "actor_id": None,
            "actor_label": "system",
            "actor_organization_id": "",
            "actor_role": "",
            "auth_level": "none",
            "session_hash": "",
            "ip_address": None,
            "request_id": "",
            "object_type": "",
            "object_id": "",
            "resident_id": "",
            "legal_basis": "",
            "purpose": "",
            "data": {"seq": seq},
            "prev_hash": prev,
        }
        prev = hashlib.sha256(canonical_row(row, HASHED_FIELDS)).hexdigest()
        AuditEvent(**row, row_hash=prev, key_id="").save(force_insert=True)
    keyed = log_action(None, "import.finished")
    assert keyed.seq == 4 and keyed.prev_hash == prev and keyed.key_id
    call_command("verify_audit_log", "--checkpoint")
    call_command("verify_audit_log")

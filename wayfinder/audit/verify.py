"""Walk the audit chain and its checkpoints; report the first thing that does not verify.

Three kinds of evidence, each catching what the others cannot:
- the link: each row names the previous row's hash (a removed row in the middle,
  a reordered row);
- the keyed hash: each row's HMAC with a key outside the database (an edited row,
  even one whose hash and every later hash were recomputed);
- the checkpoints outside the table: signed row counts and head hashes (the newest
  rows deleted, the table truncated, the whole chain replaced).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from . import keys
from .checkpoints import Checkpoint
from .log import GENESIS_HASH, HASHED_FIELDS, KEYED_FIELDS, compute_row_hash
from .models import AuditEvent

__all__ = ["HASHED_FIELDS", "KEYED_FIELDS", "ChainReport", "verify_chain"]


@dataclass(frozen=True)
class ChainReport:
    checked: int  # rows whose hash was recomputed
    broken_seq: int | None = None
    reason: str = ""
    rows: int = 0  # rows in the verified chain (from the start checkpoint on, plus those checked)
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    checkpoints: int = 0  # checkpoints matched against the table
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.reason

    def message(self) -> str:
        where = f" at row {self.broken_seq}" if self.broken_seq is not None else ""
        return f"Audit log chain broken{where}: {self.reason} ({self.checked} rows verified before it)."


def verify_chain(
    batch_size: int = 5000,
    *,
    checkpoints: list[Checkpoint] | None = None,
    sink_problems: list[str] | None = None,
    start: Checkpoint | None = None,
    require_checkpoint: bool = True,
) -> ChainReport:
    """Recompute every row's hash in order and compare the table with every
    checkpoint. ``start`` resumes from a checkpoint instead of the first row (it
    must itself match the table). ``require_checkpoint``: a chain with rows but no
    checkpoint cannot be vouched for (the newest rows may be gone)."""
    walk = _Walk(batch_size, checkpoints or [], start)
    failure = walk.check_sink(sink_problems or []) or walk.resume() or walk.rows_in_order() or walk.leftovers()
    if failure is None and require_checkpoint and walk.count and not (checkpoints or start):
        failure = (None, "no checkpoint vouches for the newest rows: run `manage.py verify_audit_log --checkpoint`")
    broken_seq, reason = failure or (None, "")
    return ChainReport(
        checked=walk.checked,
        broken_seq=broken_seq,
        reason=reason,
        rows=walk.count,
        head_seq=walk.expected_seq - 1,
        head_hash=walk.expected_prev,
        checkpoints=walk.matched,
        warnings=tuple(walk.warnings()) if failure is None else (),
    )


class _Walk:
    def __init__(self, batch_size: int, checkpoints: list[Checkpoint], start: Checkpoint | None) -> None:
        self.batch_size = batch_size
        self.checkpoints = checkpoints
        self.start = start
        self.by_seq: dict[int, list[Checkpoint]] = {}
        for checkpoint in checkpoints:
            self.by_seq.setdefault(checkpoint.head_seq, []).append(checkpoint)
        self.expected_prev = GENESIS_HASH
        self.expected_seq = 1
        self.count = 0
        self.checked = 0
        self.matched = 0
        self.keyed_seen = False
        self.keys: dict[str, keys.AuditKey] = {}

    def check_sink(self, problems: list[str]) -> tuple[int | None, str] | None:
        """Every checkpoint is signed with a configured key; no line is garbage."""
        if problems:
            return None, problems[0]
        for checkpoint in [*self.checkpoints, *([self.start] if self.start else [])]:
            try:
                if not checkpoint.signature_ok():
                    return None, f"the {checkpoint.describe()} has a wrong signature (forged or damaged)"
            except keys.UnknownKeyError:
                return None, (
                    f"the {checkpoint.describe()} is signed with key {checkpoint.key_id}, "
                    "which is neither AUDIT_HMAC_KEY nor in AUDIT_HMAC_PREVIOUS_KEYS"
                )
        return None

    def resume(self) -> tuple[int | None, str] | None:
        """Start after ``start``: its head row must still be there, unchanged, with as many rows before it."""
        if self.start is None or self.start.head_seq == 0:
            return None
        head = AuditEvent.objects.filter(seq=self.start.head_seq).values_list("row_hash", flat=True).first()
        if head is None:
            return self.start.head_seq, f"row {self.start.head_seq} is missing; the {self.start.describe()} saw it"
        if not keys.same_digest(head, self.start.head_hash):
            return self.start.head_seq, f"row {self.start.head_seq} differs from the {self.start.describe()}"
        before = AuditEvent.objects.filter(seq__lte=self.start.head_seq).count()
        if before != self.start.rows:
            return (
                self.start.head_seq,
                f"{before} rows up to here, the {self.start.describe()} counted {self.start.rows}",
            )
        self.expected_seq, self.expected_prev, self.count = self.start.head_seq + 1, head, self.start.rows
        self.keyed_seen = AuditEvent.objects.filter(seq=self.start.head_seq).exclude(key_id="").exists()
        self.matched += 1
        return None

    def rows_in_order(self) -> tuple[int | None, str] | None:
        rows = AuditEvent.objects.filter(seq__gte=self.expected_seq).order_by("seq").values(*KEYED_FIELDS, "row_hash")
        for row in rows.iterator(chunk_size=self.batch_size):
            failure = self._row(row)
            if failure:
                return failure
        return None

    def _row(self, row: dict) -> tuple[int | None, str] | None:
        seq = row["seq"]
        if seq != self.expected_seq:
            return self.expected_seq, f"row {self.expected_seq} is missing (next row is {seq})"
        if row["prev_hash"] != self.expected_prev:
            return seq, "link to the previous row does not match"
        if row["key_id"]:
            self.keyed_seen = True
        elif self.keyed_seen:
            return seq, "row is unkeyed (plain SHA-256) after keyed rows: re-hashed without the key"
        try:
            key = self.keys.get(row["key_id"]) or (keys.key_for(row["key_id"]) if row["key_id"] else None)
        except keys.UnknownKeyError:
            return seq, f"row is signed with key {row['key_id']}, which is not configured (AUDIT_HMAC_PREVIOUS_KEYS)"
        if key is not None:
            self.keys[key.key_id] = key
        if not keys.same_digest(compute_row_hash(row, key), row["row_hash"]):
            return seq, "row content does not match its hash"
        self.expected_prev = row["row_hash"]
        self.expected_seq += 1
        self.checked += 1
        self.count += 1
        for checkpoint in self.by_seq.get(seq, []):
            if not keys.same_digest(checkpoint.head_hash, row["row_hash"]):
                return seq, f"row differs from the {checkpoint.describe()}"
            if checkpoint.rows != self.count:
                return seq, f"{self.count} rows up to here, the {checkpoint.describe()} counted {checkpoint.rows}"
            self.matched += 1
        return None

    def leftovers(self) -> tuple[int | None, str] | None:
        """Checkpoints beyond the last row: rows they saw were removed."""
        beyond = [c for c in self.checkpoints if c.head_seq >= self.expected_seq]
        if beyond:
            newest = max(beyond, key=lambda c: c.head_seq)
            return self.expected_seq, (
                f"rows {self.expected_seq}..{newest.head_seq} are missing: the {newest.describe()} saw them "
                "(the newest rows were deleted or the table truncated)"
            )
        return None

    def warnings(self) -> list[str]:
        known = [*self.checkpoints, *([self.start] if self.start else [])]
        if not known or not self.count:
            return []
        newest = max(known, key=lambda c: (c.head_seq, c.written_at))
        age = timezone.now() - newest.written
        if newest.head_seq < self.expected_seq - 1 and age > datetime.timedelta(
            minutes=2 * settings.AUDIT_CHECKPOINT_MINUTES
        ):
            unanchored = self.expected_seq - 1 - newest.head_seq
            return [
                f"{unanchored} rows written since the newest checkpoint ({newest.written_at}): "
                "is the scheduler running? Until the next checkpoint their removal cannot be detected."
            ]
        return []

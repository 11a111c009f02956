"""Walk the audit chain and report the first row whose link or content was altered."""

from __future__ import annotations

from dataclasses import dataclass

from .log import GENESIS_HASH, HASHED_FIELDS, compute_row_hash

__all__ = ["HASHED_FIELDS", "ChainReport", "verify_chain"]
from .models import AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every row's hash in order; a removed row shows as a gap in ``seq``
    or a ``prev_hash`` that no longer matches, an edited row as a hash mismatch."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    fields = [*HASHED_FIELDS, "row_hash"]
    queryset = AuditEvent.objects.order_by("seq").values(*fields)
    for row in queryset.iterator(chunk_size=batch_size):
        if row["seq"] != expected_seq:
            return ChainReport(checked, expected_seq, f"row {expected_seq} is missing (next row is {row['seq']})")
        if row["prev_hash"] != expected_prev:
            return ChainReport(checked, row["seq"], "link to the previous row does not match")
        if compute_row_hash(row) != row["row_hash"]:
            return ChainReport(checked, row["seq"], "row content does not match its hash")
        expected_prev = row["row_hash"]
        expected_seq += 1
        checked += 1
    return ChainReport(checked)

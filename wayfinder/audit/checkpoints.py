"""Signed checkpoints of the audit chain, kept outside the database.

A keyed chain proves that no row was edited or inserted, but not that the newest
rows are all still there: delete the last ten rows and what remains is a shorter,
valid chain. So, periodically (the scheduler, every ``AUDIT_CHECKPOINT_MINUTES``)
and on demand (``verify_audit_log --checkpoint``), the chain is verified and its
head written down: row count, head seq and head hash, HMAC-signed, as one JSON
line appended to ``AUDIT_CHECKPOINT_FILE`` and emitted to the application log.
Rows a checkpoint vouched for can then not disappear unnoticed, whether by
deleting the newest rows, truncating the table or rewriting it.

The file is opened for appending only (``O_APPEND``); keep it where the database's
administrators cannot rewrite it (another host, an append-only attribute, a
write-once bucket), and keep the log copy in the central log store.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import keys

logger = logging.getLogger("wayfinder.audit.checkpoint")

VERSION = 1
KIND = "wayfinder.audit.checkpoint"
# A sink line longer than this is not a checkpoint (ours are ~300 bytes).
MAX_LINE_BYTES = 4096


class CheckpointError(ValueError):
    """A sink line that is not a well-formed checkpoint."""


class CheckpointRefused(RuntimeError):
    """The chain did not verify, so no checkpoint was signed."""


@dataclass(frozen=True)
class Checkpoint:
    written_at: str  # ISO 8601, UTC
    rows: int
    head_seq: int
    head_hash: str
    key_id: str
    signature: str = ""
    line: int = 0  # where it was read from (not part of the signed content)

    def signed_content(self) -> bytes:
        content = {
            "kind": KIND,
            "v": VERSION,
            "written_at": self.written_at,
            "rows": self.rows,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "key_id": self.key_id,
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()

    def signature_ok(self) -> bool:
        """True if the signature matches; ``keys.UnknownKeyError`` if its key is not configured."""
        expected = keys.key_for(self.key_id).sign(keys.CHECKPOINT_PURPOSE, self.signed_content())
        return keys.same_digest(expected, self.signature)

    def to_json(self) -> str:
        payload = {"kind": KIND, "v": VERSION, **asdict(self)}
        payload.pop("line")
        return json.dumps(payload, sort_keys=True, separators=(",", ":"))

    @property
    def written(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.written_at)

    def describe(self) -> str:
        where = f"line {self.line} of the checkpoint file, " if self.line else ""
        return f"checkpoint ({where}written {self.written_at}: {self.rows} rows, head row {self.head_seq})"


def sign(rows: int, head_seq: int, head_hash: str, now: datetime.datetime | None = None) -> Checkpoint:
    key = keys.current_key()
    written_at = (now or timezone.now()).astimezone(datetime.UTC).isoformat(timespec="seconds")
    unsigned = Checkpoint(written_at, rows, head_seq, head_hash, key.key_id)
    return Checkpoint(**{**asdict(unsigned), "signature": key.sign(keys.CHECKPOINT_PURPOSE, unsigned.signed_content())})


def parse(text: str, line: int = 0) -> Checkpoint:
    """One sink line as a checkpoint, or ``CheckpointError`` saying why not."""
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise CheckpointError("not JSON") from error
    if not isinstance(payload, dict) or payload.get("kind") != KIND or payload.get("v") != VERSION:
        raise CheckpointError("not a version 1 audit checkpoint")
    try:
        checkpoint = Checkpoint(
            written_at=str(payload["written_at"]),
            rows=int(payload["rows"]),
            head_seq=int(payload["head_seq"]),
            head_hash=str(payload["head_hash"]),
            key_id=str(payload["key_id"]),
            signature=str(payload["signature"]),
            line=line,
        )
        checkpoint.written  # noqa: B018 - refuse a timestamp that is not ISO 8601
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"missing or malformed field ({error})") from error
    if checkpoint.rows < 0 or checkpoint.head_seq < 0:
        raise CheckpointError("negative count")
    return checkpoint


def read_all(path: Path) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file, and a problem for each line that is not one."""
    checkpoints: list[Checkpoint] = []
    problems: list[str] = []
    for number, raw in _lines(path):
        try:
            checkpoints.append(parse(raw.decode("utf-8"), number))
        except (CheckpointError, UnicodeDecodeError) as error:
            problems.append(f"line {number} of the checkpoint file is not a checkpoint: {error}")
    return checkpoints, problems


def read_last(path: Path) -> Checkpoint | None:
    """The newest well-formed checkpoint, read from the end of the file (the file
    grows by a line every few minutes for years; the scheduler reads only its tail)."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        block = 64 * 1024
        while True:
            start = max(0, size - block)
            handle.seek(start)
            lines = handle.read(size - start).split(b"\n")
            if start > 0:
                lines = lines[1:]  # the first may be cut in the middle
            for raw in reversed(lines):
                if raw.strip():
                    try:
                        return parse(raw.decode("utf-8"))
                    except (CheckpointError, UnicodeDecodeError):
                        continue
            if start == 0:
                return None
            block *= 4


def append(checkpoint: Checkpoint, path: Path) -> None:
    """Append one line (one ``write`` on an ``O_APPEND`` descriptor, so concurrent
    writers never interleave) and flush it to disk; then log the same line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (checkpoint.to_json() + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    logger.info("audit checkpoint", extra={"event": "audit.checkpoint", "checkpoint": json.loads(checkpoint.to_json())})


def write_checkpoint(path: Path | None = None, *, full: bool = False) -> Checkpoint:
    """Verify the chain, then sign and append its head. Verification starts from
    the newest checkpoint (so the scheduler's run costs only the rows since), or
    from the first row with ``full``. Refused (``CheckpointRefused``) if anything
    does not verify: a checkpoint must never vouch for a tampered chain."""
    from .verify import verify_chain

    path = path or Path(settings.AUDIT_CHECKPOINT_FILE)
    if full:
        checkpoints, problems = read_all(path)
        report = verify_chain(checkpoints=checkpoints, sink_problems=problems, require_checkpoint=False)
    else:
        report = verify_chain(start=read_last(path), require_checkpoint=False)
    if not report.ok:
        logger.error("audit chain did not verify; no checkpoint written", extra={"reason": report.reason})
        raise CheckpointRefused(report.message())
    checkpoint = sign(report.head_seq, report.head_seq, report.head_hash)
    append(checkpoint, path)
    return checkpoint


def scheduled_checkpoint() -> str:
    """The scheduler's job (``scheduling/jobs.py``)."""
    checkpoint = write_checkpoint()
    return f"checkpoint at row {checkpoint.head_seq}"


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            if len(raw) > MAX_LINE_BYTES:
                yield number, b"{}"  # reported as "not a checkpoint" without holding a huge line
                continue
            yield number, raw

"""The per-record problem report: streamed to a CSV file, summarised on screen.

Every problem is one row: severity, where (file:line or a JSON path), table, id (as the feed gives
it), field, value (cut to 200 characters) and reason. Past ``HSDS_REPORT_MAX_ROWS`` rows only
counts are kept; the last row says how many more of each kind there were, so no feed can make the
report fill a disk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from wayfinder.lib import csv_safe

ERROR, WARNING, CONFLICT = "error", "warning", "conflict"
COLUMNS = ["severity", "where", "table", "id", "field", "value", "reason"]
VALUE_CHARS = 200


def first_few(places: list[Any], limit: int = 5) -> str:
    """The first ``limit`` places, for one warning that counts many ("5, 6, 7, …")."""
    return ", ".join(map(str, places[:limit])) + (", …" if len(places) > limit else "")


@dataclass(frozen=True)
class Issue:
    severity: str
    where: str
    table: str
    record_id: str
    field: str
    reason: str
    value: str = ""

    def line(self) -> str:
        ident = f" id={self.record_id}" if self.record_id else ""
        fld = f" field={self.field}" if self.field else ""
        value = f" value={self.value!r}" if self.value else ""
        return f"{self.severity.upper()} {self.where} {self.table}{ident}{fld}{value}: {self.reason}"


def shown(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


class Report:
    """Collects issues; keeps only the first few in memory (the file has them all, up to its cap)."""

    KEEP = 200

    def __init__(self, path: Path, max_rows: int | None = None) -> None:
        self.path = path
        self.max_rows = max_rows or int(getattr(settings, "HSDS_REPORT_MAX_ROWS", 100_000))
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._writer = csv_safe.writer(self._fh)
        self._writer.writerow(COLUMNS)
        self.counts: Counter[str] = Counter()
        self.unlisted: Counter[tuple[str, str]] = Counter()
        self.written = 0
        self.first: list[Issue] = []

    def add(
        self, severity: str, where: str, table: str, record_id: object, field: str, reason: str, value: Any = ""
    ) -> None:
        self.counts[severity] += 1
        if self.written >= self.max_rows:
            self.unlisted[(severity, table)] += 1
            return
        issue = Issue(severity, where, table, shown(record_id), field, reason, shown(value))
        self._writer.writerow(
            [issue.severity, issue.where, issue.table, issue.record_id, issue.field, issue.value, issue.reason]
        )
        self.written += 1
        if len(self.first) < self.KEEP:
            self.first.append(issue)

    def close(self) -> None:
        if self.unlisted:
            parts = ", ".join(
                f"{n:,} more {sev}{'s' * (n != 1)} ({table or 'the feed'})"
                for (sev, table), n in sorted(self.unlisted.items())
            )
            reason = f"not listed (the report stops at {self.max_rows:,} rows): {parts}"
            self._writer.writerow([WARNING, "", "", "", "", "", reason])
            self.first.append(Issue(WARNING, "report", "", "", "", reason))
        self._fh.close()

    @property
    def errors(self) -> int:
        return self.counts[ERROR]

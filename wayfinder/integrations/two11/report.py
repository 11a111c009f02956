"""The per-record problem report: streamed to a CSV file, summarised on screen."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from wayfinder.lib import csv_safe

ERROR, WARNING, CONFLICT = "error", "warning", "conflict"
COLUMNS = ["severity", "where", "table", "id", "field", "reason"]


@dataclass(frozen=True)
class Issue:
    severity: str
    where: str
    table: str
    record_id: str
    field: str
    reason: str

    def line(self) -> str:
        ident = f" id={self.record_id}" if self.record_id else ""
        fld = f" field={self.field}" if self.field else ""
        return f"{self.severity.upper()} {self.where} {self.table}{ident}{fld}: {self.reason}"


class Report:
    """Collects issues; keeps only the first few in memory (the file has them all)."""

    KEEP = 200

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._writer = csv_safe.writer(self._fh)
        self._writer.writerow(COLUMNS)
        self.counts: Counter[str] = Counter()
        self.first: list[Issue] = []

    def add(self, severity: str, where: str, table: str, record_id: object, field: str, reason: str) -> None:
        issue = Issue(severity, where, table, str(record_id or ""), field, reason)
        self.counts[severity] += 1
        self._writer.writerow([issue.severity, issue.where, issue.table, issue.record_id, issue.field, issue.reason])
        if len(self.first) < self.KEEP:
            self.first.append(issue)

    def close(self) -> None:
        self._fh.close()

    @property
    def errors(self) -> int:
        return self.counts[ERROR]

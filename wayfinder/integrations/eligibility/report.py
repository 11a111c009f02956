"""The outcome of an eligibility import and its CSV error report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wayfinder.lib import csv_safe

from .snapshot import ClosurePlan
from .validate import FeedError

# Error reports list this many problems, then count the rest by field: a hostile
# file of ten million bad lines gives a report of bounded size.
MAX_REPORTED_ERRORS = 100_000


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    errors: list[FeedError] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS, by line
    unlisted_errors: Counter = field(default_factory=Counter)  # the rest, by field
    refused: str = ""  # why the whole file was refused (then nothing was written)
    plan: ClosurePlan | None = None  # who closes (or, in a dry run, would close)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(self.unlisted_errors.values())

    def add_errors(self, errors: Iterable[FeedError]) -> None:
        for error in errors:
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(error)
            else:
                self.unlisted_errors[error.field or "(whole line)"] += 1


def write_error_csv(result: ImportResult, path: Path) -> None:
    """``line,individual_id,field,reason``: the listed problems, then one row per
    field counting the problems not listed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8", errors="backslashreplace") as handle:
        writer = csv_safe.writer(handle)
        writer.writerow(["line", "individual_id", "field", "reason"])
        for error in result.errors:
            writer.writerow([error.line, error.individual_id, error.field, error.reason])
        for name, count in sorted(result.unlisted_errors.items()):
            writer.writerow(["", "", name, f"{count} more problems not listed (report limit {MAX_REPORTED_ERRORS:,})"])

"""What an import would close, and when a file is refused whole before anything is written.

A full snapshot closes every eligibility resident it does not list, so an empty,
truncated or wrong file would close the population (an empty file once closed
3,005 of 3,007 residents and every case). Three guards, all checked before the
first write:
- a full snapshot must end with its trailer line, ``{"trailer": {"record_count": N}}``,
  and N must be the number of record lines: a file cut short in transfer has no
  trailer or the wrong count (any file that has a trailer is held to it);
- a snapshot with no records is refused;
- a run that would close more than ``ELIGIBILITY_MAX_CLOSE_PERCENT`` (default 5%)
  of the active eligibility residents is refused unless ``--allow-mass-close N``
  names exactly how many it closes. ``--dry-run`` shows what would close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from wayfinder.residents.models import EligibilityCase, Resident, Source

from .validate import FeedRecord, ReadSummary

BATCH = 500


@dataclass(frozen=True)
class Closure:
    individual_id: str
    reason: str  # "not_in_feed" (missing from a full snapshot) or "inactive_in_feed"
    resident_pk: object


@dataclass
class ClosurePlan:
    population: int  # active eligibility residents before the run
    closures: list[Closure] = field(default_factory=list)
    open_cases: int = 0

    @property
    def missing(self) -> list[Closure]:
        return [c for c in self.closures if c.reason == Resident.ClosedReason.NOT_IN_FEED]

    @property
    def share(self) -> float:
        return 100.0 * len(self.closures) / self.population if self.population else 0.0


def file_refusal(summary: ReadSummary, *, full_snapshot: bool) -> str:
    """Why the file as a whole cannot be trusted ("" if it can)."""
    trailers = summary.trailers
    if len(trailers) > 1:
        return f"{len(trailers)} trailer lines (lines {', '.join(str(t.line) for t in trailers)}): expected one, last"
    if trailers:
        trailer = trailers[0]
        if trailer.record_count is None:
            return f'line {trailer.line}: the trailer must be {{"trailer": {{"record_count": N}}}} with N a count'
        if not summary.last_line_is_trailer:
            return f"line {trailer.line}: the trailer is not the last line (records follow it)"
        if trailer.record_count != summary.record_lines:
            return (
                f"the trailer says {trailer.record_count} records but the file has {summary.record_lines} "
                "record lines: the file is truncated or damaged"
            )
    if full_snapshot and not trailers:
        return (
            'a full snapshot must end with a trailer line {"trailer": {"record_count": N}}; this file has none, '
            "so it may be truncated (docs/formats/eligibility-feed.md)"
        )
    if full_snapshot and summary.record_lines == 0:
        return "the snapshot lists nobody: an empty snapshot is never taken as the whole population"
    return ""


def plan_closures(good: list[FeedRecord], seen: set[str], *, full_snapshot: bool) -> ClosurePlan:
    """The residents this run closes: missing from a full snapshot, or marked
    inactive. ``seen`` holds every well-formed id in the file, rejected lines too
    (a rejected line is not evidence that the person left)."""
    active = Resident.objects.filter(source=Source.ELIGIBILITY, status=Resident.Status.ACTIVE)
    plan = ClosurePlan(population=active.count())
    if full_snapshot:
        for pk, individual_id in active.values_list("pk", "individual_id").iterator(chunk_size=5000):
            if individual_id not in seen:
                plan.closures.append(Closure(individual_id or "", Resident.ClosedReason.NOT_IN_FEED, pk))
    inactive = [r.individual_id for r in good if r.data["record_status"] == "inactive"]
    for start in range(0, len(inactive), BATCH):
        rows = active.filter(individual_id__in=inactive[start : start + BATCH]).values_list("pk", "individual_id")
        plan.closures.extend(Closure(iid, Resident.ClosedReason.INACTIVE_IN_FEED, pk) for pk, iid in rows)
    plan.open_cases = _open_cases(c.resident_pk for c in plan.closures)
    return plan


def mass_close_refusal(plan: ClosurePlan, allow_mass_close: int | None) -> str:
    """Refuse closing more than the configured share, unless the operator named the exact count."""
    count = len(plan.closures)
    if allow_mass_close is not None:
        if allow_mass_close != count:
            return f"--allow-mass-close {allow_mass_close} was given, but this file closes {count} residents"
        return ""
    limit_percent = settings.ELIGIBILITY_MAX_CLOSE_PERCENT
    if count and plan.share > limit_percent:
        return (
            f"this file would close {count} of {plan.population} active residents ({plan.share:.1f}%) and "
            f"{plan.open_cases} open cases, more than ELIGIBILITY_MAX_CLOSE_PERCENT={limit_percent:g}%. "
            f"If that is expected, run again with --allow-mass-close {count} (--dry-run lists them)"
        )
    return ""


def _open_cases(resident_pks: Iterable[object]) -> int:
    pks = list(resident_pks)
    total = 0
    for start in range(0, len(pks), BATCH):
        total += EligibilityCase.objects.filter(
            resident_id__in=pks[start : start + BATCH], closed_at__isnull=True
        ).count()
    return total

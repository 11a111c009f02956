"""Upsert residents from an eligibility feed (docs/formats/eligibility-feed.md).

Validate everything first, then write in short transactions of ``BATCH`` records.
Upsert by individual id; a record whose fingerprint did not change is counted
"unchanged" and not touched (so a second run of the same file writes nothing).
Cases and household members missing from a record are closed, never deleted;
a record marked inactive closes the resident. Every update or closure gets its
own audit entry; new records get one entry per batch that lists them.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from wayfinder.audit.log import log_action
from wayfinder.audit.names import (
    ELIGIBILITY_IMPORT_REFUSED,
    ELIGIBILITY_IMPORTED,
    RESIDENT_CLOSED,
    RESIDENT_IMPORTED,
    RESIDENT_UPDATED,
)
from wayfinder.residents.models import ContactPoint, EligibilityCase, HouseholdMember, Resident, Source

from .reader import FeedRefused, numbered_lines, open_feed, text_lines
from .report import ImportResult, write_error_csv
from .snapshot import Closure, file_refusal, mass_close_refusal, plan_closures
from .validate import FeedError, FeedRecord, ReadSummary, printable, read_records, valid_id

BATCH = 500
PURPOSE = "eligibility_feed"
__all__ = ["ImportResult", "import_file", "import_lines", "import_numbered", "write_error_csv"]


def import_lines(lines: Iterable[str], **options) -> ImportResult:
    """Import lines already in memory (see ``import_numbered``)."""
    return import_numbered(text_lines(lines), **options)


def import_file(path: Path, **options) -> ImportResult:
    """Import a feed file; an archive is refused before it is read."""
    try:
        handle = open_feed(path)
    except FeedRefused as refusal:
        return _refused(ImportResult(dry_run=options.get("dry_run", False)), str(refusal))
    with handle:
        return import_numbered(numbered_lines(handle), **options)


def import_numbered(
    lines: Iterator[tuple[int, str, str]],
    *,
    full_snapshot: bool = False,
    dry_run: bool = False,
    allow_mass_close: int | None = None,
    progress: bool = False,
) -> ImportResult:
    """Check every line, refuse the file whole if it cannot be trusted (trailer,
    empty snapshot, mass closure), then write the good records in batches.
    ``dry_run`` stops before the first write and reports what would happen."""
    result = ImportResult(dry_run=dry_run)
    summary = ReadSummary()
    good, seen = _check(lines, summary, result, progress)
    refusal = file_refusal(summary, full_snapshot=full_snapshot)
    if not refusal:
        result.plan = plan_closures(good, seen, full_snapshot=full_snapshot)
        refusal = mass_close_refusal(result.plan, allow_mass_close)
    if dry_run:
        result.refused = refusal
        _count_would_write(good, result.counts)
        result.counts["closed"] = len(result.plan.closures) if result.plan else 0
        return result
    if refusal:
        return _refused(result, refusal)
    batches = range(0, len(good), BATCH)
    for start in tqdm(batches, desc="writing", unit=" batches", disable=not progress):
        _write_batch(good[start : start + BATCH], result.counts)
    if result.plan is not None and result.plan.missing:
        result.counts["closed"] += _close_missing(result.plan.missing)
    log_action(None, ELIGIBILITY_IMPORTED, purpose=PURPOSE, data=dict(result.counts))
    return result


def _check(
    lines: Iterator[tuple[int, str, str]], summary: ReadSummary, result: ImportResult, progress: bool
) -> tuple[list[FeedRecord], set[str]]:
    """The records without problems, and every well-formed id the file mentions.
    An id on more than one line is trusted on none of them (both are reported)."""
    good: list[FeedRecord] = []
    first_line: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for record in tqdm(read_records(lines, summary), desc="checking", unit=" records", disable=not progress):
        if valid_id(record.individual_id):
            if record.individual_id in first_line:
                repeated.setdefault(record.individual_id, [first_line[record.individual_id]]).append(record.line)
            else:
                first_line[record.individual_id] = record.line
        if record.errors:
            result.counts["failed"] += 1
            result.add_errors(record.errors)
        else:
            good.append(record)
    if repeated:
        result.counts["failed"] += sum(1 for r in good if r.individual_id in repeated)
        good = [r for r in good if r.individual_id not in repeated]
        result.add_errors(
            FeedError(line, individual_id, "individual_id", f"appears on several lines ({', '.join(map(str, lines))})")
            for individual_id, lines in repeated.items()
            for line in lines
        )
        result.errors.sort(key=lambda error: error.line)
    return good, set(first_line)


def _refused(result: ImportResult, reason: str) -> ImportResult:
    """Nothing written; the refusal itself is on the audit trail."""
    result.refused = reason
    if not result.dry_run:
        log_action(
            None,
            ELIGIBILITY_IMPORT_REFUSED,
            outcome="failure",
            purpose=PURPOSE,
            data={"reason": printable(reason, 500), "failed": result.counts["failed"]},
        )
    return result


def _count_would_write(good: list[FeedRecord], counts: Counter) -> None:
    """A dry run's counts: what ``_write_batch`` would report, read-only."""
    for start in range(0, len(good), BATCH):
        records = good[start : start + BATCH]
        existing = dict(
            Resident.objects.filter(individual_id__in=[r.individual_id for r in records]).values_list(
                "individual_id", "feed_hash"
            )
        )
        for record in records:
            if record.individual_id not in existing:
                inactive = record.data["record_status"] == "inactive"
                counts["skipped_inactive" if inactive else "created"] += 1
            elif existing[record.individual_id] == record.digest:
                counts["unchanged"] += 1
            else:
                counts["updated"] += 1


@transaction.atomic
def _write_batch(records: list[FeedRecord], counts: Counter) -> None:
    existing = {
        r.individual_id: r for r in Resident.objects.filter(individual_id__in=[rec.individual_id for rec in records])
    }
    new: list[tuple[Resident, FeedRecord]] = []
    now = timezone.now()
    for record in records:
        resident = existing.get(record.individual_id)
        if resident is not None and resident.feed_hash == record.digest:
            counts["unchanged"] += 1
        elif resident is None:
            if record.data["record_status"] == "inactive":
                counts["skipped_inactive"] += 1
                continue
            resident = Resident(source=Source.ELIGIBILITY, created_at=now)
            _apply(resident, record, now)
            new.append((resident, record))
        else:
            _update(resident, record, now, counts)
    if new:
        _create(new, now)
        counts["created"] += len(new)


def _apply(resident: Resident, record: FeedRecord, now: datetime.datetime) -> None:
    data = record.data
    address = data["address"]
    resident.individual_id = data["individual_id"]
    for name in ("first_name", "middle_name", "last_name", "suffix", "sex", "household_id"):
        setattr(resident, name, data[name])
    resident.date_of_birth = datetime.date.fromisoformat(data["date_of_birth"])
    resident.preferred_language = data["language"]
    resident.address_line1, resident.address_line2 = address.get("line1", ""), address.get("line2", "")
    resident.city, resident.state = address.get("city", ""), address.get("state", "")
    resident.zip_code, resident.county = address.get("zip", ""), address.get("county", "")
    resident.feed_hash = record.digest
    resident.feed_synced_at = now
    resident.updated_at = now
    resident.refresh_keys()


def _contacts(resident: Resident, data: dict, now) -> list[ContactPoint]:
    pairs = ((ContactPoint.Kind.EMAIL, data["email"]), (ContactPoint.Kind.PHONE, data["phone"]))
    return [
        ContactPoint(resident=resident, kind=kind, value=value, source=Source.ELIGIBILITY, created_at=now)
        for kind, value in pairs
        if value
    ]


def _case(resident: Resident, case: dict, now) -> EligibilityCase:
    return EligibilityCase(
        resident=resident,
        program=case["program"],
        case_number=case["case_number"],
        status=case["status"],
        first_seen_at=now,
        status_changed_at=now,
        **_case_dates(case),
    )


def _case_dates(case: dict) -> dict:
    return {
        name: datetime.date.fromisoformat(case[name]) if case[name] else None
        for name in ("begin_date", "end_date", "approved_date")
    }


def _member_key(member: dict) -> str:
    return member["individual_id"] or f"{member['first_name']}|{member['last_name']}|{member['date_of_birth']}".lower()


def _member(resident: Resident, member: dict, now) -> HouseholdMember:
    return HouseholdMember(
        resident=resident,
        member_key=_member_key(member)[:64],
        individual_id=member["individual_id"],
        first_name=member["first_name"],
        last_name=member["last_name"],
        date_of_birth=datetime.date.fromisoformat(member["date_of_birth"]) if member["date_of_birth"] else None,
        sex=member["sex"],
        relationship=member["relationship"],
        added_at=now,
    )


def _create(new: list[tuple[Resident, FeedRecord]], now) -> None:
    Resident.objects.bulk_create([resident for resident, _record in new])
    ContactPoint.objects.bulk_create([c for r, rec in new for c in _contacts(r, rec.data, now)])
    EligibilityCase.objects.bulk_create([_case(r, case, now) for r, rec in new for case in rec.data["cases"]])
    members = [_member(r, m, now) for r, rec in new for m in _unique_members(rec.data["household_members"])]
    HouseholdMember.objects.bulk_create(members)
    # One audit entry per batch of new records (listing them): a first full load is
    # hundreds of thousands of rows, and the hash chain appends one row at a time.
    log_action(
        None,
        RESIDENT_IMPORTED,
        purpose=PURPOSE,
        legal_basis=PURPOSE,
        data={"residents": [str(resident.pk) for resident, _record in new]},
    )


def _unique_members(members: list[dict]) -> list[dict]:
    seen, out = set(), []
    for member in members:
        key = _member_key(member)
        if key not in seen:
            seen.add(key)
            out.append(member)
    return out


def _update(resident: Resident, record: FeedRecord, now, counts: Counter) -> None:
    """A changed record: fields, contacts, cases and household follow the feed."""
    data = record.data
    _apply(resident, record, now)
    if data["record_status"] == "inactive":
        _close(resident, Resident.ClosedReason.INACTIVE_IN_FEED, now)
        resident.save()
        counts["closed"] += 1
        log_action(
            None,
            RESIDENT_CLOSED,
            resident,
            resident=resident,
            purpose=PURPOSE,
            legal_basis=PURPOSE,
            data={"reason": resident.closed_reason},
        )
        return
    reopened = resident.status == Resident.Status.CLOSED
    resident.status, resident.closed_at, resident.closed_reason = Resident.Status.ACTIVE, None, ""
    resident.save()
    _sync_contacts(resident, data, now)
    _sync_cases(resident, data["cases"], now)
    _sync_household(resident, data["household_members"], now)
    counts["updated"] += 1
    log_action(
        None,
        RESIDENT_UPDATED,
        resident,
        resident=resident,
        purpose=PURPOSE,
        legal_basis=PURPOSE,
        data={"reopened": reopened},
    )


def _sync_contacts(resident: Resident, data: dict, now) -> None:
    wanted = {(c.kind, c.value) for c in _contacts(resident, data, now)}
    current = list(resident.contacts.filter(source=Source.ELIGIBILITY, retired_at__isnull=True))
    for contact in current:
        if (contact.kind, contact.value) not in wanted:
            contact.retired_at = now
            contact.save(update_fields=["retired_at"])
    have = {(c.kind, c.value) for c in current}
    ContactPoint.objects.bulk_create([c for c in _contacts(resident, data, now) if (c.kind, c.value) not in have])


def _sync_cases(resident: Resident, cases: list[dict], now) -> None:
    current = {(c.program, c.case_number): c for c in resident.cases.all()}
    wanted = {(c["program"], c["case_number"]): c for c in cases}
    for key, case in wanted.items():
        row = current.get(key)
        if row is None:
            _case(resident, case, now).save()
            continue
        dates = _case_dates(case)
        changed = row.status != case["status"] or any(getattr(row, k) != v for k, v in dates.items())
        if changed or row.closed_at:
            if row.status != case["status"] or row.closed_at:
                row.status_changed_at = now
            row.status, row.closed_at, row.closed_reason = case["status"], None, ""
            for name, value in dates.items():
                setattr(row, name, value)
            row.save()
    for key, row in current.items():
        if key not in wanted and row.closed_at is None:
            row.status, row.closed_at, row.status_changed_at = EligibilityCase.Status.CLOSED, now, now
            row.closed_reason = EligibilityCase.ClosedReason.NOT_IN_FEED
            row.save()


def _sync_household(resident: Resident, members: list[dict], now) -> None:
    current = {m.member_key: m for m in resident.household.all()}
    wanted = {_member_key(m)[:64]: m for m in members}
    for key, member in wanted.items():
        row = current.get(key)
        fresh = _member(resident, member, now)
        if row is None:
            fresh.save()
        else:
            for name in ("first_name", "last_name", "date_of_birth", "sex", "relationship"):
                setattr(row, name, getattr(fresh, name))
            row.left_at = None
            row.save()
    for key, row in current.items():
        if key not in wanted and row.left_at is None:
            row.left_at = now
            row.save(update_fields=["left_at"])


def _close(resident: Resident, reason: str, now) -> None:
    resident.status, resident.closed_at, resident.closed_reason = Resident.Status.CLOSED, now, reason
    resident.cases.filter(closed_at__isnull=True).update(
        status=EligibilityCase.Status.CLOSED,
        closed_at=now,
        status_changed_at=now,
        closed_reason=EligibilityCase.ClosedReason.RESIDENT_CLOSED,
    )


def _close_missing(missing: list[Closure]) -> int:
    """Full snapshot: the planned residents absent from the file are closed (if still open)."""
    now = timezone.now()
    closed = 0
    for start in range(0, len(missing), BATCH):
        pks = [c.resident_pk for c in missing[start : start + BATCH]]
        for resident in Resident.objects.filter(pk__in=pks, status=Resident.Status.ACTIVE):
            with transaction.atomic():
                _close(resident, Resident.ClosedReason.NOT_IN_FEED, now)
                resident.feed_hash = ""
                resident.save()
                log_action(
                    None,
                    RESIDENT_CLOSED,
                    resident,
                    resident=resident,
                    purpose=PURPOSE,
                    legal_basis=PURPOSE,
                    data={"reason": resident.closed_reason},
                )
            closed += 1
    return closed

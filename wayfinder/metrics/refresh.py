"""The incremental job that keeps the facts and tallies up to date.

``refresh()`` reads the referral events after its watermark, re-derives the fact
of every referral they touch, and applies the difference between the new and the
old fact to the tallies, in one transaction per chunk together with the new
watermark. Because it applies differences, reading a referral twice changes
nothing: the job is idempotent, can run every minute (scheduler), after a crash,
or on a page view, and ``rebuild()`` from the records gives the same tallies.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from . import memo, sources
from .definitions import month_start
from .facts import assessment_contributions, assessment_fact, deltas, fact_from_record, same_fact
from .models import (
    AssessmentFact,
    DailyTally,
    MonthlyTally,
    PeriodResidents,
    ReferralFact,
    RefreshState,
    ResidentPeriod,
)

STATE_NAME = "metrics"
CHUNK = 10000
# Events up to this old are read again on every run: a transaction that took its
# event id before another but committed after it is not skipped (sources.changed_referrals).
OVERLAP = timedelta(minutes=10)
# A page view refreshes the figures itself only when the job has fallen behind by
# this much and there is little to do; otherwise the page shows "figures as of".
STALE_AFTER = timedelta(minutes=2)
REFRESH_ON_READ_MAX_EVENTS = 200


@dataclass
class RefreshResult:
    referrals: int = 0
    assessments: int = 0
    event_id: int = 0

    def __str__(self) -> str:
        return (
            f"{self.referrals} referral(s) and {self.assessments} assessment(s) updated, events read to {self.event_id}"
        )


def _state(lock: bool = True) -> RefreshState:
    RefreshState.objects.get_or_create(name=STATE_NAME)
    queryset = RefreshState.objects.filter(name=STATE_NAME)
    if lock and connection.vendor == "postgresql":
        queryset = queryset.select_for_update()
    return queryset.get()


def refresh(now: datetime | None = None) -> RefreshResult:
    """Bring facts and tallies up to date with the records."""
    now = now or timezone.now()
    result = RefreshResult()
    first = True
    while True:
        with transaction.atomic():
            state = _state()
            before = state.event_id
            ids, top = sources.changed_referrals(before, now - OVERLAP if first else now, CHUNK)
            result.referrals += process_referrals(ids)
            state.event_id = top
            state.refreshed_at = now
            state.save(update_fields=["event_id", "refreshed_at"])
        result.event_id = top
        first = False
        if top == before:  # no event after the watermark was left
            break
    result.assessments = _refresh_assessments(now)
    return result


def _refresh_assessments(now: datetime) -> int:
    added = 0
    while True:
        with transaction.atomic():
            state = _state()
            since = state.assessments_until - OVERLAP if state.assessments_until else None
            items = sources.completed_assessments(since, now, limit=CHUNK)
            added += process_assessments(items)
            full = len(items) == CHUNK
            until = items[-1].completed_at if full else now
            if full and state.assessments_until and until <= state.assessments_until:
                until = now  # a whole chunk at one instant: nothing newer to page to
                full = False
            state.assessments_until = until
            state.save(update_fields=["assessments_until"])
        if not full:
            return added


def refresh_if_stale() -> datetime | None:
    """For page views: refresh when the job is behind and the work is small.
    Returns when the figures were last brought up to date."""
    state = RefreshState.objects.filter(name=STATE_NAME).first()
    now = timezone.now()
    if state is not None and state.refreshed_at and now - state.refreshed_at < STALE_AFTER:
        return state.refreshed_at
    after = state.event_id if state else 0
    from wayfinder.referrals.models import ReferralEvent

    pending = ReferralEvent.objects.filter(id__gt=after)[: REFRESH_ON_READ_MAX_EVENTS + 1].count()
    if pending > REFRESH_ON_READ_MAX_EVENTS:
        return state.refreshed_at if state else None
    refresh(now)
    return now


def process_referrals(ids) -> int:
    """Re-derive the facts of the referrals ``ids`` and apply the differences."""
    ids = list(ids)
    if not ids:
        return 0
    kinds = sources.organization_kinds()
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        records = sources.referral_records(chunk)
        old = {fact.referral_id: fact for fact in ReferralFact.objects.filter(referral_id__in=chunk)}
        added, removed, first_seen = [], [], []
        for record in records:
            previous = old.get(record.id)
            fact = fact_from_record(record, kinds, previous)
            if previous is not None and same_fact(previous, fact):
                continue
            added.append(fact)
            if previous is None:
                first_seen.append(fact)
            else:
                removed.append(previous)
        if not added:
            continue
        apply(deltas(added, removed))
        _save_facts(added)
        _count_residents(first_seen)
        changed += len(added)
    return changed


def _save_facts(facts: list[ReferralFact]) -> None:
    """Insert or replace facts in one statement per 2,000 (Django's bulk_create
    with update_conflicts spent most of a rebuild preparing values)."""
    fields = ReferralFact._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    updates = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}" for f in fields if not f.primary_key)
    marks = ", ".join(["%s"] * len(fields))
    table = ReferralFact._meta.db_table
    # Table and column names are the model's own; the values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (referral_id) DO UPDATE SET {updates}"  # noqa: S608
    rows = [[f.get_db_prep_save(getattr(fact, f.attname), connection) for f in fields] for fact in facts]
    memo.changed()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def process_assessments(items: list) -> int:
    """Add facts for assessments not seen before (a completed assessment does not change)."""
    if not items:
        return 0
    known = set(
        AssessmentFact.objects.filter(assessment_id__in=[item.id for item in items]).values_list(
            "assessment_id", flat=True
        )
    )
    facts = [assessment_fact(item) for item in items if item.id not in known]
    if not facts:
        return 0
    counts: Counter = Counter()
    for fact in facts:
        counts.update(assessment_contributions(fact))
    apply(counts)
    AssessmentFact.objects.bulk_create(facts, batch_size=1000)
    return len(facts)


def apply(counts: Counter) -> None:
    """Add ``counts`` ({(scope, day, measure, dimension, value): n}) to the daily
    and monthly tallies in two statements (INSERT ... ON CONFLICT DO UPDATE, the
    same on SQLite and PostgreSQL)."""
    monthly: Counter = Counter()
    for (scope, day, measure, dimension, value), n in counts.items():
        monthly[(scope, month_start(day), measure, dimension, value)] += n
    memo.changed()
    for model, rows in ((DailyTally, counts), (MonthlyTally, monthly)):
        _upsert(model._meta.db_table, [(s, d.isoformat(), m, dim, v, n) for (s, d, m, dim, v), n in rows.items() if n])


def _upsert(table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    # ``table`` is a model's own table name, never input; the values are parameters.
    columns = "(scope, day, measure, dimension, value, count) VALUES (%s, %s, %s, %s, %s, %s)"
    conflict = "ON CONFLICT (scope, day, measure, dimension, value) DO UPDATE SET count"
    sql = f"INSERT INTO {table} {columns} {conflict} = {table}.count + excluded.count"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _count_residents(facts: list[ReferralFact]) -> None:
    """Statewide distinct residents referred per month, year and all time."""
    if not facts:
        return
    pairs = set()
    for fact in facts:
        day = fact.created_day
        for period in (f"{day:%Y-%m}", f"{day:%Y}", "all"):
            pairs.add((period, fact.resident_id))
    periods = {period for period, _ in pairs}
    residents = {resident for _, resident in pairs}
    existing = set()
    resident_list = list(residents)
    for start in range(0, len(resident_list), CHUNK):
        existing.update(
            ResidentPeriod.objects.filter(
                period__in=periods, resident_id__in=resident_list[start : start + CHUNK]
            ).values_list("period", "resident_id")
        )
    new = pairs - existing
    if not new:
        return
    ResidentPeriod.objects.bulk_create([ResidentPeriod(period=p, resident_id=r) for p, r in new], batch_size=2000)
    per_period = Counter(period for period, _ in new)
    table = PeriodResidents._meta.db_table
    with connection.cursor() as cursor:
        # A model's own table name; the values are parameters.
        sql = f"INSERT INTO {table} (period, count) VALUES (%s, %s) ON CONFLICT (period) DO UPDATE SET count"  # noqa: S608
        cursor.executemany(f"{sql} = {table}.count + excluded.count", list(per_period.items()))


@transaction.atomic
def rebuild() -> RefreshResult:
    """Throw away every fact and tally and derive them again from the records."""
    for model in (DailyTally, MonthlyTally, ReferralFact, AssessmentFact, ResidentPeriod, PeriodResidents):
        model.objects.all().delete()
    RefreshState.objects.filter(name=STATE_NAME).delete()
    memo.changed()
    state = _state()
    now = timezone.now()
    top = sources.latest_event_id()
    result = RefreshResult(event_id=top)
    for chunk in sources.all_referral_ids_chunked(CHUNK):
        result.referrals += process_referrals(chunk)
    state.event_id = top
    state.refreshed_at = now
    state.save(update_fields=["event_id", "refreshed_at"])
    result.assessments = _refresh_assessments(now)
    return result

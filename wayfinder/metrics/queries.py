"""Reads of the tallies: sums over a scope and a span of local days.

A span is read as its whole months from ``MonthlyTally`` and its partial months
at either end from ``DailyTally``, so any span costs at most three small indexed
queries: "all time" over three years reads 36 monthly rows per value, not 1,100
daily ones, and never a referral.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, Sum

from . import memo
from .definitions import month_start, next_month
from .models import STATE_SCOPE, DailyTally, MonthlyTally, PeriodResidents, ReferralFact

EPOCH = date(2000, 1, 1)


def split_span(first: date, last: date) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """([day ranges], month range) covering [first, last] exactly: the partial
    months at the ends as day ranges, the whole months between as one range of
    month starts."""
    if last < first:
        return [], None
    head_end = next_month(month_start(first)) - timedelta(days=1)
    if month_start(first) == month_start(last):
        whole = first == month_start(first) and last == head_end
        return ([], (first, first)) if whole else ([(first, last)], None)
    days: list[tuple[date, date]] = []
    months_from = first
    if first != month_start(first):
        days.append((first, head_end))
        months_from = next_month(first)
    tail_start = month_start(last)
    tail_end = next_month(tail_start) - timedelta(days=1)
    months_to = tail_start
    if last != tail_end:
        days.append((tail_start, last))
        months_to = tail_start - timedelta(days=1)
        months_to = month_start(months_to)
    months = (months_from, months_to) if months_from <= months_to else None
    return days, months


def _span_filter(first: date, last: date) -> tuple[Q | None, Q | None]:
    days, months = split_span(first, last)
    day_q = None
    for start, end in days:
        part = Q(day__gte=start, day__lte=end)
        day_q = part if day_q is None else day_q | part
    month_q = Q(day__gte=months[0], day__lte=months[1]) if months else None
    return day_q, month_q


def tally(scope: str, first: date, last: date, measures: Iterable[str] | None = None) -> Counter:
    """{(measure, dimension, value): sum} for ``scope`` over local days [first, last],
    remembered until the tallies change (memo): a page asks the same sums on every view."""
    names = None if measures is None else tuple(measures)
    return memo.remembered(
        "tally",
        (scope, first, last, "*" if names is None else ",".join(names)),
        lambda: _tally(scope, first, last, names),
    )


def _tally(scope: str, first: date, last: date, measures: Iterable[str] | None) -> Counter:
    out: Counter = Counter()
    day_q, month_q = _span_filter(first, last)
    for model, q in ((DailyTally, day_q), (MonthlyTally, month_q)):
        if q is None:
            continue
        queryset = model.objects.filter(q, scope=scope)
        if measures is not None:
            queryset = queryset.filter(measure__in=list(measures))
        for measure, dimension, value, total in (
            queryset.values_list("measure", "dimension", "value").order_by().annotate(total=Sum("count"))
        ):
            out[(measure, dimension, value)] += total
    return out


def top_scopes(measure: str, first: date, last: date, limit: int) -> list[tuple[str, int]]:
    """The organizations with the largest ``measure`` (no dimension) over the span
    (remembered until the tallies change: it sums every organization's tallies)."""
    return memo.remembered("top", (measure, first, last, limit), lambda: _top_scopes(measure, first, last, limit))


def _top_scopes(measure: str, first: date, last: date, limit: int) -> list[tuple[str, int]]:
    totals: Counter = Counter()
    day_q, month_q = _span_filter(first, last)
    for model, q in ((DailyTally, day_q), (MonthlyTally, month_q)):
        if q is None:
            continue
        rows = (
            model.objects.filter(q, measure=measure, dimension="")
            .exclude(scope=STATE_SCOPE)
            .values_list("scope")
            .order_by()
            .annotate(total=Sum("count"))
        )
        for scope, total in rows:
            totals[scope] += total
    ranked = sorted(((s, n) for s, n in totals.items() if n > 0), key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def monthly_series(scope: str, first_month: date, last_month: date, measure: str, dimension: str) -> dict:
    """{month start: {value: count}} for whole months (the current one to date)."""
    series: dict = {}
    rows = MonthlyTally.objects.filter(
        scope=scope, measure=measure, dimension=dimension, day__gte=first_month, day__lte=last_month
    ).values_list("day", "value", "count")
    for day, value, count in rows:
        if count:
            series.setdefault(day, Counter())[value] += count
    return series


def unique_residents(scope: str, first: date, last: date, *, role: str = "received") -> int:
    """Distinct residents with a referral created in [first, last], remembered
    until the facts change (memo)."""
    return memo.remembered(
        "residents", (scope, first, last, role), lambda: _unique_residents(scope, first, last, role=role)
    )


def _unique_residents(scope: str, first: date, last: date, *, role: str = "received") -> int:
    """Distinct residents with a referral created in [first, last].

    Statewide, a calendar year to date and all time are read from the maintained
    counts; other spans (and every organization) count the distinct residents of
    the span's referral facts along an index (a month of the state, or one
    organization's referrals, not a scan of all of them).
    """
    if scope == STATE_SCOPE:
        period = None
        if first <= EPOCH:
            period = "all"
        elif first == date(first.year, 1, 1) and last.year == first.year:
            period = f"{first:%Y}"
        elif first == month_start(first) and month_start(last) == first:
            period = f"{first:%Y-%m}"
        if period is not None and last >= _today_bound(period, last):
            row = PeriodResidents.objects.filter(period=period).values_list("count", flat=True).first()
            return int(row or 0)
        queryset = ReferralFact.objects.filter(created_day__gte=first, created_day__lte=last)
    elif role == "sent":
        queryset = ReferralFact.objects.filter(sending_org_id=scope, created_day__gte=first, created_day__lte=last)
    else:
        queryset = ReferralFact.objects.filter(receiving_org_id=scope, created_day__gte=first, created_day__lte=last)
    return queryset.values("resident_id").distinct().count()


def _today_bound(period: str, last: date) -> date:
    """The maintained counts hold everything to date, so a span ending today (or
    later) is the whole period so far."""
    from django.utils import timezone

    from .definitions import local_day

    today = local_day(timezone.now())
    if period == "all":
        return today
    if len(period) == 4:
        return min(today, date(int(period), 12, 31))
    year, month = int(period[:4]), int(period[5:])
    return min(today, next_month(date(year, month, 1)) - timedelta(days=1))

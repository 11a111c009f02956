"""The definitions behind every figure (docs/metrics.md), as plain functions.

The partner dashboard, the statewide page, the public page and the incentive
report all call these, so a "day", a "closure by the receiving organization" or a
"median time to close" means one thing everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import Closer

# Open referrals by age, in whole days since the day they were created (the
# specialists' rules: outreach after one week, closing after two).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    ("over-30", 31, None),
)
# Durations are counted in whole days up to a year; longer ones share the last value.
MAX_DAYS = 365
UNKNOWN = "unknown"
SELF_REFERRAL = "self"  # the sending "organization" of a resident's own referral
# The outcome of a referral its sender withdrew (a clinical system cancelling its
# FHIR Task): closed, but neither provided nor not provided, so it is kept out of
# the provided rate and the not-provided reasons (docs/metrics.md, "Referral figures").
WITHDRAWN = "withdrawn"


def state_zone() -> ZoneInfo:
    """Days and months are the state's (settings.TIME_ZONE, America/New_York for
    Kentucky): a referral made at 11 pm on 31 March in Louisville is a March one."""
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    return moment.astimezone(state_zone()).date()


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants [start, end) of the local days ``first`` to ``last`` inclusive."""
    zone = state_zone()
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end_day = last + timedelta(days=1)
    return start, datetime(end_day.year, end_day.month, end_day.day, tzinfo=zone)


def whole_days(start: datetime, end: datetime) -> int:
    """Elapsed time in whole 24-hour days, rounded down, capped at MAX_DAYS: a
    referral closed 30 hours after it was made took 1 day."""
    seconds = max(0.0, (end - start).total_seconds())
    return min(MAX_DAYS, int(seconds // 86400))


def closer_kind(
    *, by_specialist: bool, actor_organization_id, receiving_organization_id, via: str = "", withdrawn: bool = False
) -> str:
    """Who closed a referral, from its closing event.

    - its sender withdrew it (the event says so) → ``sender``;
    - a referral specialist (the event says so) → ``specialist``;
    - staff of the receiving organization, or the receiving organization through
      the emailed link of its referral (``via="recipient_link"``, issue #21) →
      ``receiving_organization``;
    - anything else (a scheduled job, an administrator) → ``system``.
    Kept in this one function so that every figure and the incentive report agree.
    """
    if withdrawn:
        return Closer.SENDER
    if by_specialist:
        return Closer.SPECIALIST
    if via == "recipient_link":
        return Closer.RECEIVING_ORGANIZATION
    if actor_organization_id is not None and str(actor_organization_id) == str(receiving_organization_id):
        return Closer.RECEIVING_ORGANIZATION
    return Closer.SYSTEM


def outcome_of(provided: bool | None, reason: str) -> str:
    """ "provided", ``withdrawn`` (the sender withdrew it), or the not-provided
    reason code (``other`` when none was given)."""
    if provided:
        return "provided"
    if provided is None and reason == WITHDRAWN:
        return WITHDRAWN
    return reason or "other"


def referral_category(service_categories: Iterable[str] | None) -> str:
    """The one SDoH category a referral is counted under: the first top-level
    category of its service in the directory's domain order (a subcategory counts
    as its parent). One category per referral, so categories add up to the total."""
    from wayfinder.directory.categories import CATEGORIES, SUBCATEGORY_PARENT

    slugs = {SUBCATEGORY_PARENT.get(slug, slug) for slug in service_categories or ()}
    for category in CATEGORIES:
        if category.slug in slugs:
            return category.slug
    return UNKNOWN


def nearest_rank(histogram: Mapping[int, int], percent: float) -> int | None:
    """The nearest-rank percentile of values given as {value: how many}: the
    smallest value with at least ``percent``% of all values at or below it.
    None when there are no values. (Median = 50, the 90th percentile = 90.)"""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(percent / 100 * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)  # pragma: no cover - the loop always reaches rank


def rate(numerator: int, denominator: int) -> float | None:
    """A share in percent with one decimal, or None when nothing was counted."""
    if denominator <= 0:
        return None
    return round(100 * numerator / denominator, 1)


def age_band(age_days: int) -> str:
    for key, low, high in AGE_BANDS:
        if age_days >= low and (high is None or age_days <= high):
            return key
    return AGE_BANDS[-1][0]

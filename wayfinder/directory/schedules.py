"""Opening hours from HSDS ``schedule`` rows: weekly intervals, "open now", display lines.

Plain functions on plain values, so they are tested without a database and reused
by the search index (which stores the intervals) and the service page.

An interval is ``(weekday, opens, closes)``: weekday 0 = Monday, times in minutes
after midnight local time; ``closes`` may exceed 1440 for hours past midnight.
HSDS expresses weekly hours as iCalendar-like rows: ``freq=WEEKLY``, ``byday``
(``MO,TU``), ``opens_at`` / ``closes_at``; rows outside their ``valid_from`` /
``valid_to`` window do not apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Interval = tuple[int, int, int]

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
WEEK = 7 * 1440


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def _minutes(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    text = str(value).strip()
    try:
        hours, minutes = text.split(":")[:2]
        return int(hours) * 60 + int(minutes[:2])
    except ValueError:
        return None


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def intervals_from_schedules(rows: Iterable[Any], on: dt.date | None = None) -> list[Interval] | None:
    """Weekly intervals from HSDS schedule rows (dicts or model instances).

    Returns None when no row says anything about weekly hours: "hours unknown" is
    not the same as "closed", and the page says so.
    """
    intervals: set[Interval] = set()
    known = False
    for row in rows:
        freq = str(_get(row, "freq") or "WEEKLY").upper()
        if freq != "WEEKLY":
            continue
        valid_from, valid_to = _date(_get(row, "valid_from")), _date(_get(row, "valid_to"))
        if on is not None and ((valid_from and on < valid_from) or (valid_to and on > valid_to)):
            continue
        opens, closes = _minutes(_get(row, "opens_at")), _minutes(_get(row, "closes_at"))
        days = [d.strip().upper()[-2:] for d in str(_get(row, "byday") or "").split(",") if d.strip()]
        days = [d for d in days if d in DAY_CODES]
        if not days or opens is None or closes is None:
            continue
        known = True
        if closes <= opens:  # past midnight, or 00:00-00:00 meaning all day
            closes += 1440
        for day in days:
            intervals.add((DAY_CODES.index(day), opens, closes))
    return sorted(intervals) if known else None


def _week_minute(at: dt.datetime) -> int:
    return at.weekday() * 1440 + at.hour * 60 + at.minute


def is_open(intervals: Iterable[Interval] | None, at: dt.datetime) -> bool | None:
    """True/False at local time ``at``; None when the hours are unknown."""
    if intervals is None:
        return None
    minute = _week_minute(at)
    for day, opens, closes in intervals:
        start, end = day * 1440 + opens, day * 1440 + closes
        if start <= minute < end or start <= minute + WEEK < end:
            return True
    return False


def hour_buckets(intervals: Iterable[Interval] | None) -> list[str]:
    """Index tokens ``w<day>h<hour>`` for every hour of the week touched by an interval.

    "Open now" becomes a term lookup in the index; the exact check then runs on the
    few hits shown (an hour bucket is touched by an interval that covers part of it).
    """
    tokens: set[str] = set()
    for day, opens, closes in intervals or ():
        start, end = day * 1440 + opens, day * 1440 + closes
        for minute in range(start - start % 60, end, 60):
            wrapped = minute % WEEK
            tokens.add(f"w{wrapped // 1440}h{(wrapped % 1440) // 60:02d}")
    return sorted(tokens)


def bucket_for(at: dt.datetime) -> str:
    return f"w{at.weekday()}h{at.hour:02d}"


def format_minutes(minutes: int) -> str:
    """ "9:00 AM" in English, "9:00" (24 h) in Spanish, through Django's TIME_FORMAT."""
    from django.utils import formats

    minutes %= 1440
    return formats.time_format(dt.time(minutes // 60, minutes % 60))


def weekly_lines(intervals: Iterable[Interval] | None) -> list[tuple[str, str]]:
    """One (day name, hours) line per weekday, Monday first; "Closed" on days without hours."""
    if intervals is None:
        return []
    by_day: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    for day, opens, closes in intervals:
        by_day[day].append((opens, closes))
    lines = []
    for day in range(7):
        spans = sorted(by_day[day])
        if not spans:
            text = _("Closed")
        elif any(closes - opens >= 1440 for opens, closes in spans):
            text = _("Open 24 hours")
        else:
            text = ", ".join(f"{format_minutes(o)} \u2013 {format_minutes(c)}" for o, c in spans)
        lines.append((str(DAY_NAMES[day]), text))
    return lines


def closes_at(intervals: Iterable[Interval] | None, at: dt.datetime) -> int | None:
    """Minute of the day when the current opening ends (for "Open now, until 5:00 PM")."""
    minute = _week_minute(at)
    for day, opens, closes in intervals or ():
        start, end = day * 1440 + opens, day * 1440 + closes
        for shift in (0, WEEK):
            if start <= minute + shift < end:
                return end % 1440 if end - start < 1440 else None
    return None

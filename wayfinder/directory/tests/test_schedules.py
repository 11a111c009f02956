"""Opening hours: HSDS schedule rows → weekly intervals → "open now" and display lines."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from wayfinder.directory import schedules

MONDAY = dt.datetime(2026, 11, 23, 10, 0)  # a Monday


def rows(byday: str, opens: str, closes: str, **extra) -> list[dict]:
    return [{"freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes, **extra}]


def test_it_reads_weekly_rows_into_intervals():
    assert schedules.intervals_from_schedules(rows("MO,WE", "09:00", "17:30")) == [(0, 540, 1050), (2, 540, 1050)]


def test_it_says_unknown_when_no_row_gives_hours():
    assert schedules.intervals_from_schedules([]) is None
    assert schedules.intervals_from_schedules([{"freq": "MONTHLY", "bymonthday": "1"}]) is None
    assert schedules.is_open(None, MONDAY) is None


def test_it_is_open_inside_and_closed_outside_the_hours():
    intervals = schedules.intervals_from_schedules(rows("MO", "09:00", "17:00"))
    assert schedules.is_open(intervals, MONDAY) is True
    assert schedules.is_open(intervals, MONDAY.replace(hour=17)) is False  # closing time is closed
    assert schedules.is_open(intervals, MONDAY.replace(hour=8, minute=59)) is False
    assert schedules.is_open(intervals, MONDAY + dt.timedelta(days=1)) is False


def test_it_handles_hours_past_midnight_and_across_the_week_end():
    intervals = schedules.intervals_from_schedules(rows("SU", "20:00", "02:00"))
    sunday_night = dt.datetime(2026, 11, 29, 23, 0)
    monday_early = dt.datetime(2026, 11, 30, 1, 30)
    assert schedules.is_open(intervals, sunday_night) is True
    assert schedules.is_open(intervals, monday_early) is True
    assert schedules.is_open(intervals, monday_early.replace(hour=2)) is False


def test_it_treats_midnight_to_midnight_as_all_day():
    intervals = schedules.intervals_from_schedules(rows("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00"))
    assert all(schedules.is_open(intervals, MONDAY + dt.timedelta(hours=h)) for h in range(0, 24 * 7, 5))
    with translation.override("en"):
        assert schedules.weekly_lines(intervals)[0] == ("Monday", "Open 24 hours")


def test_it_skips_rows_outside_their_validity():
    expired = rows("MO", "09:00", "17:00", valid_to=dt.date(2026, 1, 1))
    assert schedules.intervals_from_schedules(expired, on=dt.date(2026, 11, 23)) is None
    assert schedules.intervals_from_schedules(expired, on=dt.date(2025, 12, 1)) == [(0, 540, 1020)]


def test_it_accepts_seconds_and_model_like_objects():
    class Row:
        freq, byday, opens_at, closes_at, valid_from, valid_to = "WEEKLY", "FR", "08:30:00", "12:00:00", None, None

    assert schedules.intervals_from_schedules([Row()]) == [(4, 510, 720)]


def test_it_formats_a_week_in_english_and_spanish():
    intervals = schedules.intervals_from_schedules(rows("MO,TU", "09:00", "17:00"))
    with translation.override("en"):
        lines = schedules.weekly_lines(intervals)
        assert lines[0] == ("Monday", "9 a.m. \u2013 5 p.m.")
        assert lines[2] == ("Wednesday", "Closed")
    with translation.override("es"):
        lines = schedules.weekly_lines(intervals)
        assert lines[0][0] == "lunes"
        assert lines[2][1] == "Cerrado"


def test_hour_buckets_cover_every_touched_hour():
    intervals = schedules.intervals_from_schedules(rows("MO", "09:30", "11:00"))
    assert schedules.hour_buckets(intervals) == ["w0h09", "w0h10"]
    assert schedules.bucket_for(MONDAY) == "w0h10"
    overnight = schedules.intervals_from_schedules(rows("SU", "23:00", "01:00"))
    assert schedules.hour_buckets(overnight) == ["w0h00", "w6h23"]


def test_closes_at_gives_the_end_of_the_current_opening():
    intervals = schedules.intervals_from_schedules(rows("MO", "09:00", "17:00"))
    assert schedules.closes_at(intervals, MONDAY) == 1020
    assert schedules.closes_at(intervals, MONDAY.replace(hour=18)) is None

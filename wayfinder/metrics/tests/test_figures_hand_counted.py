"""Every figure of April 2026 against a count made by hand from the fixture
(conftest.py lists the referrals and why each lands where it does)."""

from __future__ import annotations

from datetime import date

import pytest

from wayfinder.metrics import figures, queries
from wayfinder.metrics.models import STATE_SCOPE
from wayfinder.metrics.periods import Period
from wayfinder.metrics.refresh import refresh
from wayfinder.referrals.tests.conftest import org

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
MAY_10 = date(2026, 5, 10)


@pytest.fixture
def counted(month):
    refresh()
    return month


def test_it_counts_the_state_by_local_days(counted):
    s = figures.referral_summary(STATE_SCOPE, APRIL)
    # Created on April's local days: R2 R3 R4 R5 R8 (R1 is Mar 31 in Kentucky, R7 May 1).
    assert s.created == 5
    # Closed: R1 R2 (Apr 30 23:50, already May in UTC) R4 R5 R8.
    assert s.closed == 5
    assert s.provided == 2 and s.not_provided == 3
    assert s.provided_rate == 40.0
    # Of April's five, R2 R4 R5 R8 are closed now: 4 / 5.
    assert s.cohort_closed == 4 and s.closure_rate == 80.0
    assert dict(s.outcomes) == {"provided": 2, "unable_to_reach": 1, "helped_elsewhere": 1, "not_eligible": 1}
    assert dict(s.closers) == {"receiving_organization": 4, "specialist": 1}
    # Days to close: R5 0, R1 2, R8 5, R4 18, R2 29 -> median (3rd of 5) 5, 90th (5th) 29.
    assert s.close_days == {0: 1, 2: 1, 5: 1, 18: 1, 29: 1}
    assert (s.close_median, s.close_p90) == (5, 29)
    # First moves to In progress in April: R1 0 (10.5 h), R5 0, R8 1, R3 2.
    assert (s.first_action_median, s.first_action_p90) == (0, 2)
    # Residents referred in April: Bo (twice), Amy, Cy, Di.
    assert s.unique_residents == 4


def test_it_counts_an_organization_with_the_same_definitions(counted):
    center = str(org("family_center").pk)
    s = figures.referral_summary(center, APRIL)
    assert (s.created, s.sent) == (4, 1)  # received R2 R3 R5 R8; sent R5 to itself
    assert s.closed == 4 and s.provided == 2 and s.provided_rate == 50.0  # R1 R2 R5 R8
    assert s.cohort_closed == 3 and s.closure_rate == 75.0  # R2 R5 R8 of R2 R3 R5 R8
    assert dict(s.closers) == {"receiving_organization": 4}
    assert s.unique_residents == 3  # Bo, Amy, Di
    food_bank = figures.referral_summary(str(org("food_bank").pk), APRIL)
    assert food_bank.sent == 4 and food_bank.created == 0
    assert food_bank.sent_cohort_closed == 3  # R2 R4 R8 closed, R3 open
    # Its referrals closed in April (by close day): R1 provided, R2 R4 R8 not.
    assert dict(food_bank.sent_outcomes) == {
        "provided": 1, "unable_to_reach": 1, "helped_elsewhere": 1, "not_eligible": 1
    }  # fmt: skip


def test_it_puts_open_referrals_in_age_bands_by_local_day(counted):
    # On May 10: R9 (made May 2 at 22:00, already May 3 in UTC) is 8 days old; R3 is 30.
    assert figures.open_by_age(STATE_SCOPE, MAY_10) == [("0-7", 0), ("8-14", 1), ("15-30", 1), ("over-30", 0)]
    center = str(org("family_center").pk)
    assert figures.open_by_age(center, MAY_10) == [("0-7", 0), ("8-14", 1), ("15-30", 1), ("over-30", 0)]
    assert figures.open_by_age(STATE_SCOPE, date(2026, 5, 11))[2:] == [("15-30", 0), ("over-30", 1)]


def test_it_names_top_creators_and_closers_without_specialist_closures(counted):
    creators, closers = figures.top_organizations(APRIL)
    assert creators == [(str(org("food_bank").pk), 4), (str(org("family_center").pk), 1)]
    assert closers == [(str(org("family_center").pk), 4)]  # the shelter's closure was the specialist's


def test_it_breaks_down_by_category_county_and_language(counted):
    by_category = {row.value: (row.created, row.closed, row.provided) for row in figures.breakdown("category", APRIL)}
    # The formula service is "baby supplies" (a subcategory of goods) -> goods; the shelter's is housing.
    assert by_category == {"goods": (4, 4, 2), "housing": (1, 1, 0)}
    by_county = {row.value: row.created for row in figures.breakdown("county", APRIL)}
    assert by_county == {"Jefferson": 2, "Fayette": 2, "unknown": 1}
    by_language = {row.value: row.created for row in figures.breakdown("language", APRIL)}
    assert by_language == {"es": 2, "en": 3}
    months, series = figures.category_by_month(date(2026, 5, 1), months=3)
    assert months == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    assert {m: dict(v) for m, v in series.items()} == {
        date(2026, 3, 1): {"goods": 1},
        date(2026, 4, 1): {"goods": 4, "housing": 1},
        date(2026, 5, 1): {"goods": 2},
    }


def test_it_reads_any_span_from_months_and_days(counted):
    # Mar 31 to May 1: a partial month, a whole month and a partial month.
    days, months = queries.split_span(date(2026, 3, 31), date(2026, 5, 1))
    assert days == [(date(2026, 3, 31), date(2026, 3, 31)), (date(2026, 5, 1), date(2026, 5, 1))]
    assert months == (date(2026, 4, 1), date(2026, 4, 1))
    s = figures.referral_summary(STATE_SCOPE, Period(date(2026, 3, 31), date(2026, 5, 1)))
    assert s.created == 7  # R1 + April's five + R7
    assert figures.headline(STATE_SCOPE, [APRIL]) == [(APRIL, 5, 5)]


def test_it_counts_residents_per_month_and_year(counted):
    from wayfinder.metrics.models import PeriodResidents

    counts = dict(PeriodResidents.objects.values_list("period", "count"))
    assert counts == {"2026-03": 1, "2026-04": 4, "2026-05": 1, "2026": 4, "all": 4}

"""Remembered figures (metrics.memo) are forgotten as soon as the facts change."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wayfinder.metrics import queries
from wayfinder.metrics.models import STATE_SCOPE
from wayfinder.metrics.refresh import rebuild, refresh

from .conftest import make_resident, refer

MAY = (date(2026, 5, 3), date(2026, 5, 20))  # not a span the job counts ahead


def fact_reads(context: CaptureQueriesContext) -> int:
    return sum("metrics_referralfact" in q["sql"] for q in context.captured_queries)


def test_distinct_residents_are_remembered_until_a_new_referral_is_refreshed(month):
    refresh()
    before = queries.unique_residents(STATE_SCOPE, *MAY)
    with CaptureQueriesContext(connection) as again:
        assert queries.unique_residents(STATE_SCOPE, *MAY) == before
    assert fact_reads(again) == 0  # read from the cache, not the facts

    newcomer = make_resident("Nadia", "Newcomer")
    refer(month.personas, newcomer, month.services["formula"], "food_bank", "2026-05-10 10:00")
    assert queries.unique_residents(STATE_SCOPE, *MAY) == before  # not refreshed yet: the figures as of the job
    refresh()
    with CaptureQueriesContext(connection) as after:
        assert queries.unique_residents(STATE_SCOPE, *MAY) == before + 1
    assert fact_reads(after) == 1


def test_top_organizations_follow_a_rebuild(month):
    refresh()
    ranked = queries.top_scopes("sent", date(2026, 1, 1), date(2026, 12, 31), 5)
    assert ranked
    rebuild()
    assert queries.top_scopes("sent", date(2026, 1, 1), date(2026, 12, 31), 5) == ranked
    refer(month.personas, make_resident("Ona", "Other"), month.services["formula"], "food_bank", "2026-05-11 10:00")
    refresh()
    top = dict(queries.top_scopes("sent", date(2026, 1, 1), date(2026, 12, 31), 5))
    assert sum(top.values()) == sum(n for _, n in ranked) + 1

"""The job: idempotent, incremental, and equal to a rebuild from the records."""

from __future__ import annotations

from datetime import date

from wayfinder.metrics import figures
from wayfinder.metrics.models import STATE_SCOPE, DailyTally, MonthlyTally, ReferralFact, RefreshState
from wayfinder.metrics.periods import Period
from wayfinder.metrics.refresh import rebuild, refresh

from .conftest import at, close, move, refer


def tallies() -> dict:
    out = {}
    for model in (DailyTally, MonthlyTally):
        for row in model.objects.exclude(count=0).values_list("scope", "day", "measure", "dimension", "value", "count"):
            out[(model.__name__, *row[:5])] = row[5]
    return out


def test_it_changes_nothing_when_run_again(month):
    refresh()
    first = tallies()
    result = refresh()
    assert tallies() == first
    assert result.referrals == 0  # recent events re-read, nothing changed


def test_it_follows_each_change_and_equals_a_rebuild(month):
    refresh()
    p = month.personas
    # A referral moves and closes after the first run: the job applies only the difference.
    r3 = month.referrals["R3"]
    close(p, r3, "2026-05-05 09:00", provided=True)
    new = refer(p, month.residents["cy"], month.services["formula"], "food_bank", "2026-05-06 10:00")
    move(p, new, "2026-05-06 11:00")
    refresh()
    incremental = tallies()
    assert ReferralFact.objects.get(referral_id=r3.pk).closed_day == date(2026, 5, 5)
    rebuild()
    assert tallies() == incremental
    may = figures.referral_summary(STATE_SCOPE, Period(date(2026, 5, 1), date(2026, 5, 31)))
    assert (may.created, may.closed) == (3, 2)  # R7 R9 new; R7 and R3 closed in May


def test_it_reads_late_committed_events_below_its_watermark(month):
    """An event whose id is below the watermark (a transaction that committed late)
    is still read while it is recent."""
    from wayfinder.referrals.models import ReferralEvent

    refresh()
    state = RefreshState.objects.get(name="metrics")
    r3 = month.referrals["R3"]
    close(month.personas, r3, "2026-05-05 09:00", provided=False, reason="declined")
    late = ReferralEvent.objects.filter(referral=r3).order_by("-id").first()
    # Pretend the job had already read past it.
    RefreshState.objects.filter(name="metrics").update(event_id=late.id)
    assert state.event_id < late.id
    with at("2026-05-05 09:05"):  # five minutes after the event: still recent
        refresh()
    assert ReferralFact.objects.get(referral_id=r3.pk).reason == "declined"

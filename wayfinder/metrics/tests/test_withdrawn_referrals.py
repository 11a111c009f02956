"""A referral its sender withdrew (a clinical system cancelling its FHIR Task) is
closed, but it has no outcome: it is not a "not provided, other", it is kept out of
the provided rate and the not-provided reasons, and its closer is the sender
(docs/metrics.md, "Referral figures"). Played through the real actions and refresh."""

from __future__ import annotations

import pytest

from wayfinder.metrics import figures, tables
from wayfinder.metrics.models import STATE_SCOPE, ReferralFact
from wayfinder.metrics.periods import Period
from wayfinder.metrics.refresh import rebuild, refresh
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.referrals.withdraw import withdraw_referral

from .conftest import at, close, local, make_resident, refer

pytestmark = pytest.mark.django_db

APRIL = Period(local("2026-04-01 00:00").date(), local("2026-04-30 00:00").date())


@pytest.fixture
def april(personas):
    pantry = make_service(org("family_center"), "Weekly pantry")
    provided = refer(personas, make_resident("Amy", "Ash"), pantry, "food_bank", "2026-04-02 09:00")
    close(personas, provided, "2026-04-03 09:00", provided=True)
    refused = refer(personas, make_resident("Bo", "Birch"), pantry, "food_bank", "2026-04-02 10:00")
    close(personas, refused, "2026-04-04 09:00", provided=False, reason="not_eligible")
    withdrawn = refer(personas, make_resident("Cy", "Cedar"), pantry, "food_bank", "2026-04-02 11:00")
    withdrawn.refresh_from_db()
    with at("2026-04-05 09:00"):
        withdraw_referral(
            actor=personas["food_bank_staff"],
            referral=withdrawn,
            expected_version=withdrawn.version,
            reason="The patient moved out of state",
            now=local("2026-04-05 09:00"),
        )
    return {"withdrawn": withdrawn, "center": org("family_center")}


@pytest.mark.parametrize("derive", [refresh, rebuild])
def test_a_withdrawn_referral_is_closed_without_an_outcome(april, derive):
    derive()
    fact = ReferralFact.objects.get(referral_id=april["withdrawn"].pk)
    assert (fact.provided, fact.reason, fact.closer) == (None, "withdrawn", "sender")
    for scope in (STATE_SCOPE, str(april["center"].pk)):
        summary = figures.referral_summary(scope, APRIL)
        assert summary.closed == 3
        assert (summary.provided, summary.not_provided, summary.withdrawn) == (1, 1, 1)
        assert summary.provided_rate == 50.0  # 1 of the 2 closed with an outcome, not 1 of 3
        assert summary.reasons() == [("not_eligible", 1)]
        assert summary.closers["sender"] == 1 and summary.closers["system"] == 0
    outcomes = tables.outcomes_table(figures.referral_summary(STATE_SCOPE, APRIL)).rows
    assert ["Withdrawn by the sender", 1] in outcomes
    [row] = figures.breakdown("county", APRIL)
    assert (row.closed, row.provided, row.withdrawn, row.provided_rate) == (3, 1, 1, 50.0)


def test_the_statewide_page_and_its_csv_show_withdrawn_apart(client, april, personas):
    refresh()
    client.force_login(personas["reviewer"])
    period = "period=custom&start=2026-04-01&end=2026-04-30"
    page = client.get(f"/metrics/statewide/?{period}")
    assert page.status_code == 200
    assert "Withdrawn by the sender" in page.content.decode()
    closers = client.get(f"/metrics/statewide/closers.csv?{period}").content.decode()
    assert "Sender (withdrawn),1" in closers.replace("\r", "")

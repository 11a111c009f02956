"""The incentive report of April 2026: amounts, exclusions, holds, and the same
bytes a month later after more activity; a held item paid the month after its release."""

from __future__ import annotations

from datetime import date

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.metrics.incentives import render, store
from wayfinder.metrics.models import HeldItem, IncentiveReport
from wayfinder.referrals.tests.conftest import make_service, org

from .conftest import at, close, local, move, new_partner, refer

APRIL, MAY = date(2026, 4, 1), date(2026, 5, 1)


def work(p, month, receiver_service, actor, *, created: str, moved: str, closed: str, provided=True):
    """The food bank refers Di; ``actor`` (a user of the receiver) moves and closes it."""
    referral = refer(p, month.residents["di"], receiver_service, "food_bank", created)
    p = {**p, "_actor": actor}
    move(p, referral, moved, actor_key="_actor")
    close(p, referral, closed, provided=provided, reason="" if provided else "no_capacity", actor_key="_actor")
    return referral


@pytest.fixture
def april(month):
    """April's activity by organizations of every kind (besides the fixture's month)."""
    p = month.personas
    pantry, pantry_staff = new_partner("Eastern Kentucky Food Pantry", onboarded=local("2026-04-05 12:00"))
    long_ago = local("2025-01-05 12:00")
    for_profit, profit_staff = new_partner("Quick Cash Services", tax_status="for_profit", onboarded=long_ago)
    ohio, ohio_staff = new_partner("Ohio Valley Aid", serves_state=False, onboarded=long_ago)
    times = {"created": "2026-04-06 09:00", "moved": "2026-04-07 09:00", "closed": "2026-04-08 09:00"}
    work(p, month, make_service(pantry, "Pantry boxes"), pantry_staff, **times)
    work(p, month, make_service(org("hospital"), "Discharge planning"), p["hospital_user"], **times)
    work(p, month, make_service(org("dcbs"), "SNAP interview"), p["dcbs_worker"], **times)
    work(p, month, make_service(for_profit, "Loans"), profit_staff, **times)
    work(p, month, make_service(ohio, "Ohio rent help"), ohio_staff, **times)
    # The shelter's staff closed one while the organization showed as a partner in the
    # directory, but its onboarding was never completed (no partner onboarding date): not
    # paid. (Staff of an organization that is not onboarded cannot change a referral.)
    shelter = org("shelter")
    shelter.partner_since = long_ago
    shelter.save(update_fields=["partner_since"])
    work(p, month, month.services["shelter"], p["shelter_staff"], **times)
    shelter.partner_since = None
    shelter.save(update_fields=["partner_since"])
    month.extra = {"pantry": (pantry, pantry_staff), "for_profit": for_profit, "ohio": ohio}
    return month


def rows_by_name(report: IncentiveReport) -> dict:
    return {row["name"]: row for row in report.rows}


def test_it_pays_eligible_organizations_and_says_why_others_are_excluded(april):
    with at("2026-05-01 06:30"):
        report = store.generate(APRIL)
    rows = rows_by_name(report)
    center = rows["Lexington Family Resource Center"]
    # R1 R2 R5 R8 closed by the center in April; R2 (no status change, no note) and
    # R5 (closed by its own creator within minutes) are held: 2 paid.
    assert (center["closures"], center["held"], center["amount_cents"]) == (2, 2, 2000)
    pantry = rows["Eastern Kentucky Food Pantry"]
    assert (pantry["onboarding"], pantry["closures"], pantry["amount_cents"]) == (1, 1, 11000)
    excluded = {name: row["exclusion"] for name, row in rows.items() if not row["eligible"]}
    assert excluded == {
        "Bluegrass Regional Hospital": "kind:hospital",
        "Department for Community Based Services — Fayette County": "kind:state_agency",
        "Quick Cash Services": "tax:for_profit",
        "Ohio Valley Aid": "not_serving_state",
        "Hope Street Shelter": "not_onboarded",
    }
    assert all(rows[name]["amount_cents"] == 0 and rows[name]["closures"] == 1 for name in excluded)
    assert report.total_cents == 13000
    held = {(item.record_id, tuple(item.rules)) for item in HeldItem.objects.all()}
    assert held == {
        (april.referrals["R2"].pk, ("closed_without_activity",)),
        (april.referrals["R5"].pk, ("self_closed_quickly",)),
    }
    assert "Bluegrass Community Food Bank" not in rows  # it only sent referrals: nothing to pay or exclude
    csv = render.csv_bytes(report).decode()
    assert "Hospitals are excluded" in csv and ",110.00\r\n" in csv


def test_it_reprints_a_past_month_byte_for_byte_after_more_activity(april, client):
    p = april.personas
    with at("2026-05-01 06:30"):
        report = store.generate(APRIL)
    client.force_login(p["reviewer"])
    first_csv = client.get(f"/metrics/incentives/{report.pk}/payments.csv").content
    pantry, pantry_staff = april.extra["pantry"]
    # May: more closures (one of them dated right after April ends), a release and a rejection.
    work(p, april, make_service(pantry, "Winter coats"), pantry_staff,
         created="2026-04-30 23:00", moved="2026-05-01 00:05", closed="2026-05-01 00:10")  # fmt: skip
    r2 = HeldItem.objects.get(record_id=april.referrals["R2"].pk)
    r5 = HeldItem.objects.get(record_id=april.referrals["R5"].pk)
    with at("2026-05-12 10:00"):
        response = client.post("/metrics/incentives/held/decide/", {"item": [r2.pk], "decision": "released"})
        assert response.status_code == 302
        client.post("/metrics/incentives/held/decide/", {"item": [r5.pk], "decision": "rejected", "note": "Self-made"})
    with at("2026-06-01 06:30"):
        may = store.generate(MAY)
        assert store.generate(MAY).pk == may.pk  # the monthly job running twice stores nothing new
    rows = rows_by_name(may)
    center = rows["Lexington Family Resource Center"]
    # R7 closed May 2 (paid) + R2 released from April's review (paid now); R5 rejected.
    assert (center["closures"], center["released_closures"], center["amount_cents"]) == (1, 1, 2000)
    assert rows["Eastern Kentucky Food Pantry"]["onboarding"] == 0  # paid once, in April
    assert HeldItem.objects.get(pk=r2.pk).paid_in_month == MAY
    assert HeldItem.objects.get(pk=r5.pk).paid_in_month is None
    # April again: the same bytes, and the records still give the same report.
    assert client.get(f"/metrics/incentives/{report.pk}/payments.csv").content == first_csv
    assert store.verify(report).matches
    assert store.verify(may).matches
    downloads = AuditEvent.objects.filter(action="incentive_report.downloaded", object_id=str(report.pk))
    assert downloads.count() == 2
    decisions = AuditEvent.objects.filter(action__in=["incentive_hold.released", "incentive_hold.rejected"])
    assert sorted(decisions.values_list("action", flat=True)) == ["incentive_hold.rejected", "incentive_hold.released"]


def test_a_correction_is_a_new_linked_version(april):
    with at("2026-05-01 06:30"):
        first = store.generate(APRIL)
    # The reviewer learns the pantry is a for-profit; a correction is stored, April v1 stays.
    from wayfinder.partners.models import Partner

    pantry, _staff = april.extra["pantry"]
    Partner.objects.filter(organization=pantry).update(tax_status="for_profit")
    assert not store.verify(first).matches
    second = store.generate(APRIL, correction_reason="Pantry is a for-profit")
    assert (second.version, second.corrects_id) == (2, first.pk)
    assert second.total_cents == first.total_cents - 11000
    first.refresh_from_db()
    assert first.total_cents == 13000
    with pytest.raises(TypeError):
        first.save()
    with pytest.raises(TypeError):
        IncentiveReport.objects.filter(pk=first.pk).update(total_cents=0)


def test_it_holds_a_burst_far_above_the_organizations_history(month):
    p = month.personas
    pantry, staff = new_partner("Big River Pantry", onboarded=local("2025-10-01 12:00"))
    service = make_service(pantry, "Groceries")
    for day in ("2026-01-10", "2026-02-10", "2026-03-10"):
        work(p, month, service, staff, created=f"{day} 09:00", moved=f"{day} 10:00", closed=f"{day} 11:00")
    for minute in range(23):
        stamp = f"2026-04-14 {9 + minute // 30:02d}:{minute % 30 * 2:02d}"
        work(p, month, service, staff, created=stamp, moved=stamp, closed=stamp)
    with at("2026-05-01 06:30"):
        report = store.generate(APRIL)
    row = rows_by_name(report)["Big River Pantry"]
    # Average 1 a month before: the limit is the rule's minimum, 20; 3 more are held.
    assert (row["closures"], row["held"]) == (20, 3)
    held = list(HeldItem.objects.filter(organization_id=pantry.pk).order_by("activity_at"))
    assert [item.rules for item in held] == [["burst"]] * 3
    assert all(item.detail["burst_threshold"] == 20 for item in held)


def test_the_month_must_be_over_and_well_formed(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        store.parse_month("2026-13")
    with pytest.raises(ValidationError):
        store.parse_month("November")
    with at("2026-04-20 12:00"), pytest.raises(ValidationError):
        store.generate(APRIL)

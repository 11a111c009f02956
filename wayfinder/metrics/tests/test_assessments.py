"""Completed assessments in the metrics, read from the assessments app's own model:
counted by the local day they were completed, for the organization that completed
them and for the state, with the domains they found; and the incentive report's
repeat-assessment rule.

Assessments are completed through the real verb (``submit_assessment``) at chosen
Eastern times (time-machine moves the clock), like the referrals of conftest.py:

  A1  family center, Bo    Mar 31 23:30 (Apr 1 03:30 UTC: a March assessment)  food
  A8  family center, Eve   Mar 10 09:00                                         none
  A2  family center, Cy    Apr  1 00:10                                         food, housing
  A7  Amy on her own       Apr 10 12:00 (counts statewide only)                  utilities
  A9  family center, Eve   Apr 12 09:00 (33 days after A8: paid)                employment
  A5  food bank, Cy        Apr 15 10:00 (another organization: not a repeat)    transportation
  A3  family center, Bo    Apr 20 09:00 (20 days after A1: held, repeat)        food
  A4  family center, Di    Apr 30 23:50 (May 1 03:50 UTC: an April one)         none
  A6  family center, Cy    May  2 10:00 (a May assessment)                      food
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest

from wayfinder.assessments.actions import submit_assessment
from wayfinder.assessments.loading import ensure_shipped
from wayfinder.metrics import figures, sources
from wayfinder.metrics.incentives import store
from wayfinder.metrics.models import STATE_SCOPE, AssessmentFact, HeldItem
from wayfinder.metrics.periods import Period
from wayfinder.metrics.refresh import refresh
from wayfinder.referrals.tests.conftest import org

from .conftest import at, local, make_resident

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
APRIL_QUERY = "period=custom&start=2026-04-01&end=2026-04-30"
NO = "LA32-8"


def needs_answers(**changes) -> dict:
    """A complete Wayfinder needs assessment with no need; ``changes`` by linkId
    (underscores for dashes)."""
    answers = {
        "88122-7": "LA28398-8", "88123-5": "LA28398-8", "71802-3": "LA31993-1", "home-repairs": NO,
        "96779-4": NO, "93030-5": NO, "health-insurance": "LA33-6", "medical-costs": NO, "stress": NO,
        "substance-help": NO, "96780-2": "LA31983-2", "96782-8": NO, "76513-1": "LA31980-8",
        "child-care-help": "no-children", "legal-help": NO, "afraid": NO, "93159-2": "LA6270-8",
        "disability-help": NO, "served": NO, "goods-help": NO,
    }  # fmt: skip
    answers.update({key.lstrip("q").replace("_", "-"): value for key, value in changes.items()})
    return {link_id: {"v": [value]} for link_id, value in answers.items()}


FOOD = {"q88122_7": "LA6729-3"}


def assess(personas, resident, when: str, *, by: str = "family_center", **answers):
    """``by``: an organization key (its staff member completes it), or "self"."""
    actor = personas["resident"] if by == "self" else personas[f"{by}_staff"]
    with at(when):
        return submit_assessment(
            questionnaire=ensure_shipped("needs"),
            resident=resident,
            answers=needs_answers(**answers),
            actor=actor,
            organization=None if by == "self" else org(by),
            submission_key=uuid.uuid4(),
        ).assessment


@pytest.fixture
def assessed(personas):
    from wayfinder.residents.models import Resident

    people = {name: make_resident(name.title(), "Tester") for name in ("bo", "cy", "di", "eve")}
    people["amy"] = Resident.objects.get(user=personas["resident"])
    p = personas
    done = {
        "A1": assess(p, people["bo"], "2026-03-31 23:30", **FOOD),
        "A8": assess(p, people["eve"], "2026-03-10 09:00"),
        "A2": assess(p, people["cy"], "2026-04-01 00:10", **FOOD, q71802_3="LA31994-9"),
        "A7": assess(p, people["amy"], "2026-04-10 12:00", by="self", q96779_4="LA32002-0"),
        "A9": assess(p, people["eve"], "2026-04-12 09:00", q96780_2="LA31981-6"),
        "A5": assess(p, people["cy"], "2026-04-15 10:00", by="food_bank", q93030_5="LA33-6"),
        "A3": assess(p, people["bo"], "2026-04-20 09:00", **FOOD),
        "A4": assess(p, people["di"], "2026-04-30 23:50"),
        "A6": assess(p, people["cy"], "2026-05-02 10:00", **FOOD),
    }
    return done


def test_the_source_reads_completed_assessments_in_time_order(assessed):
    found = sources.completed_assessments(local("2026-04-01 00:00"), local("2026-05-01 00:00"))
    names = {a.pk: name for name, a in assessed.items()}
    assert [names[item.id] for item in found] == ["A2", "A7", "A9", "A5", "A3", "A4"]
    by_name = {names[item.id]: item for item in found}
    assert by_name["A2"].positive_categories == ("food", "housing")
    assert by_name["A2"].organization_id == org("family_center").pk
    assert by_name["A7"].organization_id is None and by_name["A4"].positive_categories == ()
    assert len(sources.completed_assessments(None, local("2026-05-01 00:00"), limit=3)) == 3


def test_assessments_are_counted_by_local_day_for_the_organization_and_the_state(assessed):
    with at("2026-04-25 12:00"):  # the job runs before A4 and A6 exist
        assert refresh().assessments == 7
    with at("2026-05-03 00:00"):  # the next run reads on from its watermark: A4 and A6
        assert refresh().assessments == 2
        assert refresh().assessments == 0  # nothing new: nothing added
    assert AssessmentFact.objects.count() == 9
    state = figures.referral_summary(STATE_SCOPE, APRIL)
    assert state.assessments == 6  # A2 A7 A9 A5 A3 A4 (A1 and A8 are March, A6 May)
    assert dict(state.positive) == {"food": 2, "housing": 1, "utilities": 1, "employment": 1, "transportation": 1}
    center = figures.referral_summary(str(org("family_center").pk), APRIL)
    assert center.assessments == 4  # A2 A9 A3 A4; Amy's own (A7) belongs to no organization
    assert dict(center.positive) == {"food": 2, "housing": 1, "employment": 1}
    food_bank = figures.referral_summary(str(org("food_bank").pk), APRIL)
    assert (food_bank.assessments, dict(food_bank.positive)) == (1, {"transportation": 1})
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert figures.referral_summary(STATE_SCOPE, march).assessments == 2  # A1 (Mar 31 locally) and A8


def test_the_partner_dashboard_shows_the_assessments_it_completed(assessed, client, personas):
    refresh()
    client.force_login(personas["family_center_staff"])
    page = client.get(f"/metrics/?{APRIL_QUERY}")
    assert page.status_code == 200 and "Assessments completed" in page.content.decode()
    summary = list(csv.reader(io.StringIO(client.get(f"/metrics/table/summary.csv?{APRIL_QUERY}").content.decode())))
    # April: A2 A9 A3 A4; the 30 days before (Mar 2-31): A1 and A8.
    assert ["Assessments completed", "4", "2"] in summary
    domains = list(
        csv.reader(io.StringIO(client.get(f"/metrics/table/positive_domains.csv?{APRIL_QUERY}").content.decode()))
    )
    assert domains[0] == ["Domain", "Assessments with this need"]
    assert sorted(domains[1:]) == sorted([["Food", "2"], ["Housing", "1"], ["Employment", "1"]])


def test_the_incentive_report_pays_assessments_and_holds_a_repeat_within_30_days(assessed):
    refresh()
    with at("2026-05-01 06:30"):
        report = store.generate(APRIL.first)
    rows = {row["name"]: row for row in report.rows}
    center = rows["Lexington Family Resource Center"]
    # A2 A9 A4 paid; A3 (Bo again 20 days after A1, across the month's edge) held.
    assert (center["assessments"], center["held"], center["amount_cents"]) == (3, 1, 3000)
    food_bank = rows["Bluegrass Community Food Bank"]
    assert (food_bank["assessments"], food_bank["held"]) == (1, 0)  # Cy, a resident the center also assessed
    held = {(item.record_id, tuple(item.rules)) for item in HeldItem.objects.filter(kind="assessment")}
    assert held == {(assessed["A3"].pk, ("repeat_assessment",))}
    detail = HeldItem.objects.get(record_id=assessed["A3"].pk).detail
    assert detail["previous_at"].startswith("2026-04-01T03:30")  # A1, in UTC
    assert not any(row["organization_id"] == "None" for row in report.rows)  # Amy's own is nobody's to pay

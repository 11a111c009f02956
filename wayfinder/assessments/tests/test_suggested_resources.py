# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Suggested resources: nearest services of the need's categories, partners first
among equals, programs the household already has named instead of suggested, likely
programs flagged from the household."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from wayfinder.assessments import needs, programs, suggestions
from wayfinder.assessments.suggestions import Suggestion, partner_first_among_equals
from wayfinder.directory.tests.search_fixtures import directory, search_index_dir  # noqa: F401
from wayfinder.residents.models import HouseholdMember

from .conftest import AMY

pytestmark = pytest.mark.django_db
LEXINGTON = suggestions.point_for("40507")


def row(name, miles, partner):
    return Suggestion(name, "", name, "", "", "", miles, partner)


def test_partners_come_first_among_services_equally_near():
    rows = [row("a", 0.2, False), row("b", 0.7, True), row("c", 1.1, False), row("d", 1.9, True), row("e", 3.0, True)]
    assert [r.name for r in partner_first_among_equals(rows)] == ["b", "a", "d", "c", "e"]


def test_nearest_services_of_the_need_category(directory):
    [food] = suggestions.suggest([("food", ["food-insecurity"])], LEXINGTON)
    names = [s.name for s in food.services]
    assert len(names) == 3 and set(names[:2]) == {"Community Food Pantry", "Hot Meals Kitchen"}  # both in Lexington
    miles = [s.miles for s in food.services]
    assert miles[0] < 5 and miles[1] < 5 and miles[2] >= miles[1]
    assert "Old Food Pantry" not in names  # inactive services are not in the index
    [housing] = suggestions.suggest([("housing", ["homelessness"])], LEXINGTON)
    assert housing.services[0].name == "Emergency Homeless Shelter"  # homelessness looks at shelter first


def test_a_program_the_household_has_is_named_not_suggested(directory, amy):
    louisville = suggestions.point_for("40202")
    household = programs.household_of(amy)  # SNAP since February 2025, Medicaid
    [food] = suggestions.suggest([("food", [])], louisville, household=household)
    assert "SNAP Application Help" not in [s.name for s in food.services]
    assert [(e.program, e.since) for e in food.enrolled] == [("SNAP", dt.date(2025, 2, 1))]
    [without] = suggestions.suggest([("food", [])], louisville)
    assert "SNAP Application Help" in [s.name for s in without.services]


def test_a_child_under_five_and_a_food_need_flag_wic(directory, amy):
    HouseholdMember.objects.create(
        resident=amy,
        member_key="baby",
        first_name="Lily",
        last_name="Brand",
        date_of_birth=dt.date.today() - dt.timedelta(days=400),
    )
    [food] = suggestions.suggest([("food", [])], LEXINGTON, household=programs.household_of(amy))
    assert [likely.program for likely in food.likely] == ["WIC"]
    assert "A child under 5 lives in the household." in food.likely[0].reason


def test_the_record_shows_suggestions_with_a_one_step_referral(client, personas, amy, directory):
    needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="food")
    client.force_login(personas["food_bank_staff"])
    html = client.get(f"/clients/{AMY}/").content.decode()
    assert "Suggested resources" in html and "Community Food Pantry" in html
    assert "Already enrolled in SNAP (food benefits) since February 2025" in html
    assert f"/referrals/new/{AMY}/?org=" in html and "&amp;service=" in html


def test_my_plan_and_the_print_out_show_resources_suggested_for_me(client, personas, amy, directory):
    from wayfinder.assessments.tests.conftest import give_consent, org
    from wayfinder.assessments.tests.test_needs_and_sources import complete_ahc

    give_consent(amy, org("hospital"))
    completed = complete_ahc(amy, personas["hospital_user"], org("hospital"), q88122_7="LA28397-0")
    client.force_login(personas["resident"])
    plan = client.get("/my-plan/").content.decode()
    assert "Resources suggested for me" in plan and "Community Food Pantry" in plan and "Refer me" in plan
    page = client.get("/assessments/suggested-for-me/").content.decode()
    assert "Community Food Pantry" in page
    amy.preferred_language = "es"
    amy.save()
    pdf = client.get(f"/assessments/responses/{completed.assessment.pk}/print.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "Recursos sugeridos para mí" in text and "Community Food Pantry" in text
    assert "Inseguridad alimentaria" in text


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (one-time form token, step), as a browser sends them."""
    import re

    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def test_staff_refer_in_one_step_from_a_suggestion(client, personas, amy, directory):
    import html as html_lib
    import re

    from wayfinder.referrals.models import Referral

    needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="food")
    client.force_login(personas["food_bank_staff"])
    record = client.get(f"/clients/{AMY}/").content.decode()
    link = html_lib.unescape(re.search(r'href="(/referrals/new/[^"]+service=[^"]+)"', record).group(1))
    confirm = client.get(link)
    assert confirm.status_code == 200 and "Community Food Pantry" in confirm.content.decode()
    sent = client.post(link, {**hidden_fields(confirm.content.decode()), "note": "From her needs assessment"})
    assert sent.status_code == 302
    referral = Referral.objects.get(resident=amy)
    assert sent["Location"] == f"/referrals/{referral.pk}/"
    assert link.endswith(f"service={referral.service_id}") and referral.note == "From her needs assessment"


def test_a_resident_refers_themselves_saves_and_shares_from_my_plan(client, personas, amy, directory):
    import re

    from wayfinder.referrals.models import Referral

    needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="food")
    client.force_login(personas["resident"])
    plan = client.get("/assessments/suggested-for-me/").content.decode()
    service_ids = re.findall(r'action="/referrals/self/([0-9a-f-]+)/"', plan)
    assert len(service_ids) == 3
    added = client.post("/my-list/add/", {"service": service_ids[1], "next": "/assessments/suggested-for-me/"})
    assert added.status_code == 302 and added["Location"] == "/assessments/suggested-for-me/"
    again = client.get("/assessments/suggested-for-me/").content.decode()
    assert "Remove from My list" in again
    share = re.search(r'href="(/shared/\?s=[^"]+)"', again).group(1)
    assert set(share.split("=", 1)[1].split(",")) == set(service_ids)
    page = client.get(share).content.decode()
    assert "Community Food Pantry" in page and 'action="/share/"' in page
    confirmation = client.post(f"/referrals/self/{service_ids[0]}/")  # the button asks to confirm first
    assert confirmation.status_code == 200
    referred = client.post(f"/referrals/self/{service_ids[0]}/", hidden_fields(confirmation.content.decode()))
    assert referred.status_code == 302
    referral = Referral.objects.get(resident=amy)
    assert str(referral.service_id) == service_ids[0] and referral.origin == "self"

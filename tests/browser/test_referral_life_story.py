"""The seeds' referral life story, in a real browser.

Partner 1 (the food bank) finds Amy, refers her to partner 2's formula and child
care services from favorites; partner 2 gets the email (real SMTP), opens the
inbox, sets In Progress, closes as provided; partner 1 sees the outcome; Amy sees
it in My Plan.
"""

import re

import pytest
from playwright.sync_api import expect

from conftest import message_text
from wayfinder.partners.models import Favorite
from wayfinder.referrals.tests.conftest import make_service, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_refers_partner_closes_resident_sees_outcome(live_server, personas, page, sign_in_as, smtp_server):
    formula = make_service(org("family_center"), "Free infant formula")
    child_care = make_service(org("family_center"), "Child care referrals")
    for position, service in enumerate((formula, child_care)):
        Favorite.objects.create(organization=org("food_bank"), service=service, position=position)

    # Partner 1 finds the resident.
    sign_in_as(page, personas["food_bank_staff"])
    page.goto(f"{live_server.url}/clients/")
    page.get_by_label("First name").fill("amy")
    page.get_by_label("Last name").fill("BRAND")
    page.get_by_label("Date of birth").fill("1988-04-12")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="View Amy Brand").click()
    page.get_by_role("link", name="Create referral").first.click()

    # ... and refers her to both favorites at once.
    page.get_by_label("Free infant formula — Lexington Family Resource Center").check()
    page.get_by_label("Child care referrals — Lexington Family Resource Center").check()
    page.get_by_label("Note for the receiving organizations (optional)").fill("Working part time; needs baby supplies.")
    page.get_by_role("button", name="Create referral(s)").click()
    expect(page.get_by_text("2 referrals sent.")).to_be_visible()

    # Partner 2 is emailed.
    smtp_server.wait_for(3)
    emails = smtp_server.to("staff@lexfamilycenter.demo.wayfinder.test")
    assert len(emails) == 2
    link = re.search(r"https?://\S+/referrals/[0-9a-f-]+/", message_text(emails[0])).group(0)
    assert link

    # Partner 2 opens the inbox, works and closes the formula referral.
    sign_in_as(page, personas["family_center_staff"])
    page.goto(f"{live_server.url}/referrals/inbox/")
    page.get_by_role("link", name="Amy Brand").first.click()
    heading = page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Status", exact=True).select_option("in_progress")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Status updated.")).to_be_visible()
    page.get_by_role("link", name="Close referral").click()
    page.get_by_label("Yes").check()
    page.get_by_label("How was your experience with the resident?").fill("Reached her the same day.")
    page.get_by_role("button", name="Submit and close").click()
    expect(page.get_by_text("Referral closed.")).to_be_visible()
    closed_service = "Free infant formula" if "formula" in heading else "Child care referrals"

    # Partner 1 sees the outcome in the outbox.
    sign_in_as(page, personas["food_bank_staff"])
    page.goto(f"{live_server.url}/referrals/sent/")
    row = page.get_by_role("row").filter(has_text=closed_service)
    assert "Resource provided" in row.inner_text()
    assert "Reached her the same day." not in page.content()

    # Amy sees it in My Plan.
    sign_in_as(page, personas["resident"])
    page.goto(f"{live_server.url}/my-plan/")
    plan = page.content()
    assert closed_service in plan and "You got this help" in plan  # in her words

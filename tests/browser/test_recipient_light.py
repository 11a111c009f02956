"""Recipient light in a real browser (issue #21): the food bank refers Amy to the
shelter, which never onboarded. The shelter's intake address gets the email
through a real SMTP server; someone at the shelter opens the link on a phone,
without an account, marks it In progress and closes it as not provided with a
reason; the food bank sees the outcome in its outbox and on the referral."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, message_text
from wayfinder.referrals import actions
from wayfinder.referrals.tests.conftest import make_service, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTAKE = "intake@hopestreet.example"


def test_a_not_onboarded_organization_works_the_referral_from_its_email(
    live_server, settings, personas, page, phone_page, sign_in_as, smtp_server, axe_check
):
    settings.SITE_URL = live_server.url
    shelter = org("shelter")
    shelter.email = INTAKE
    shelter.save()
    from wayfinder.residents.models import Resident

    referral = actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=Resident.objects.get(user=personas["resident"]),
        service=make_service(shelter, "Emergency overnight shelter"),
        sending_organization=org("food_bank"),
        note="Needs a bed tonight",
    )

    smtp_server.wait_for(2)
    [message] = smtp_server.to(INTAKE)
    body = message_text(message)
    assert "Amy" not in body
    link = re.search(r"https?://\S+/referrals/r/\S+/", body).group(0)

    # On the shelter's phone, no account.
    phone_page.goto(link)
    phone_page.get_by_role("heading", name="Referral for Emergency overnight shelter").wait_for()
    expect(phone_page.get_by_text("Needs a bed tonight")).to_be_visible()
    expect(phone_page.get_by_role("link", name="Join as a partner")).to_be_visible()
    assert axe_check(phone_page) == []
    assert_no_horizontal_scroll(phone_page)
    phone_page.get_by_label("Your name (optional)").first.fill("Jo at intake")
    phone_page.get_by_role("button", name="Mark In progress").click()
    phone_page.get_by_text("Marked In progress.").wait_for()
    expect(phone_page.locator("[data-status=in_progress]")).to_be_visible()

    phone_page.get_by_role("link", name="Close and record the outcome").click()
    phone_page.get_by_label("No", exact=True).check()
    phone_page.get_by_label("Why was it not provided?").select_option("no_capacity")
    phone_page.get_by_label("How was your experience with the resident?").fill("We had no bed left tonight.")
    phone_page.get_by_label("Your name (optional)").fill("Jo at intake")
    assert axe_check(phone_page) == []
    phone_page.get_by_role("button", name="Submit and close").click()
    phone_page.get_by_role("heading", name="Referral closed. Thank you.").wait_for()

    # The same link again (a forwarded or old message) shows nothing of Amy.
    phone_page.goto(link)
    phone_page.get_by_role("heading", name="This referral is closed").wait_for()
    assert phone_page.get_by_text("Amy").count() == 0 and phone_page.get_by_text("Needs a bed").count() == 0

    # The food bank sees the outcome.
    sign_in_as(page, personas["food_bank_staff"])
    page.goto(f"{live_server.url}/referrals/sent/")
    page.get_by_text("Not provided: No capacity").first.wait_for()
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    expect(page.get_by_text("Not provided: No capacity")).to_be_visible()
    expect(page.get_by_text("Jo at intake, by the recipient's emailed link").first).to_be_visible()
    expect(page.get_by_text("Handled from the emailed link")).to_be_visible()

"""The whole community-partner journey in a real browser (issue #5): claim a site,
a United Way reviewer approves it, the welcome email arrives over SMTP, the new
admin creates an account, enrols MFA, accepts the user agreement, completes the
three trainings, reaches the workspace, adds a staff member who onboards too, and
deactivates them: the staff member's session ends at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import fresh_totp_code, message_text
from wayfinder.demo.personas import DEMO_PASSWORD, demo_totp_secret, persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long walk by the Kentucky river"
LINK = re.compile(r"https?://\S+/partners/welcome/\S+/")


@pytest.fixture
def partners_site(settings, live_server):
    """Welcome links point at the live server."""
    settings.SITE_URL = live_server.url
    return live_server.url


def welcome_link(smtp_server, address: str, count: int) -> str:
    smtp_server.wait_for(count)
    body = message_text(smtp_server.to(address)[-1])
    return LINK.search(body).group(0)


def finish_onboarding(page, base: str, link: str, full_name: str, axe_check=None) -> None:
    """Account → MFA → agreement → three trainings → workspace (checking the
    steps' accessibility on the way when ``axe_check`` is given)."""
    page.goto(link)
    if axe_check:
        assert axe_check(page) == [], "account"
    page.get_by_label("Your full name").fill(full_name)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/**")

    page.get_by_role("link", name="I have saved my codes: continue").click()
    page.wait_for_url("**/partners/onboarding/agreement/")
    expect(page.get_by_text("KRS Chapter 61.931", exact=False)).to_be_visible()
    if axe_check:
        assert axe_check(page) == [], "agreement"
    page.get_by_label("I have read the user agreement and I accept it.").check()
    page.get_by_role("button", name="Accept and continue").click()
    page.wait_for_url("**/partners/onboarding/training/")
    if axe_check:
        assert axe_check(page) == [], "trainings"
    for title in ("Privacy and security", "Program overview", "System navigation"):
        page.get_by_role("link", name=f"Launch {title}").click()
        page.get_by_role("button", name="I have completed this training").click()
        page.wait_for_url("**/partners/onboarding/training/")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/partners/workspace/")


def test_a_partner_claims_their_site_onboards_and_manages_staff(
    partners_site, personas, smtp_server, browser_instance, page, axe_check
):
    from wayfinder.accounts.models import Membership, User
    from wayfinder.partners.models import Partner
    from wayfinder.partners.tests.helpers import make_organization

    base = partners_site
    organization = make_organization("Northside Community Pantry")

    # 1. Claim the site.
    page.goto(f"{base}/partners/join/")
    page.get_by_role("link", name="Get started").click()
    page.get_by_label("Organization name or city").fill("Northside")
    page.get_by_role("button", name="Search").click()
    assert axe_check(page) == [], "search results"
    page.get_by_role("link", name="Select to claim Northside Community Pantry").click()
    page.locator("#id_requester_name").fill("Pat Rivera")
    page.locator("#id_requester_title").fill("Executive Director")
    page.locator("#id_requester_email").fill("pat@northsidepantry.org")
    page.locator("#id_requester_phone").fill("859-555-0100")
    page.locator("#id_tax_status").select_option("nonprofit")
    page.locator("#id_ein").fill("61-12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Enter the EIN as 9 digits")).to_be_visible()
    assert axe_check(page) == [], "claim form with errors"
    page.locator("#id_ein").fill("61-1234567")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/partners/join/submitted/")

    # 2. A United Way reviewer signs in (password + TOTP) and approves.
    reviewer_context = browser_instance.new_context()
    reviewer_page = reviewer_context.new_page()
    reviewer = persona("reviewer")
    reviewer_page.goto(f"{base}/accounts/login/?next=/partners/review/")
    reviewer_page.get_by_label("Email").fill(reviewer.email)
    reviewer_page.get_by_label("Password").fill(DEMO_PASSWORD)
    reviewer_page.get_by_role("button", name="Sign In").click()
    reviewer_page.get_by_label("Code").fill(fresh_totp_code(demo_totp_secret(reviewer.email)))
    reviewer_page.get_by_role("button", name="Sign In").click()
    reviewer_page.wait_for_url("**/partners/review/")
    reviewer_page.get_by_role("link", name="Northside Community Pantry").click()
    assert axe_check(reviewer_page) == [], "review detail"
    reviewer_page.get_by_role("button", name="Approve and send the welcome email").click()
    expect(reviewer_page.get_by_text("Approved. A welcome email was sent")).to_be_visible()
    reviewer_context.close()

    # 3. The welcome email, then account, MFA, agreement, trainings, workspace.
    link = welcome_link(smtp_server, "pat@northsidepantry.org", 1)
    finish_onboarding(page, base, link, "Pat Rivera", axe_check)
    expect(page.get_by_role("heading", name="Northside Community Pantry")).to_be_visible()
    expect(page.locator(".badge-partner")).to_be_visible()
    assert axe_check(page) == [], "dashboard"
    assert Partner.objects.get(organization=organization).onboarded_at is not None

    # The link works once.
    used = browser_instance.new_context().new_page()
    used.goto(link)
    expect(used.get_by_text("This link was already used")).to_be_visible()
    used.context.close()

    # 4. Add a staff member, who onboards in their own browser.
    page.get_by_role("link", name="Staff").click()
    assert axe_check(page) == [], "staff list"
    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Full name").fill("Ana Ruiz")
    page.get_by_label("Work email").fill("ana@northsidepantry.org")
    page.get_by_label("Staff", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Invitation sent to ana@northsidepantry.org")).to_be_visible()

    staff_context = browser_instance.new_context()
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15_000)
    finish_onboarding(staff_page, base, welcome_link(smtp_server, "ana@northsidepantry.org", 2), "Ana Ruiz")
    ana = User.objects.get(email="ana@northsidepantry.org")
    assert Membership.objects.get(user=ana).role == "staff"

    # 5. Deactivate them: their session ends at once.
    page.goto(f"{base}/partners/workspace/staff/")
    page.get_by_role("link", name="Ana Ruiz").click()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("Ana Ruiz no longer has access.")).to_be_visible()
    staff_page.goto(f"{base}/partners/workspace/")
    staff_page.wait_for_url("**/accounts/login/**")
    ana.refresh_from_db()
    assert not ana.is_active
    staff_context.close()

"""The partner welcome email's link "for those who have an existing state account":
signing in with the state identity provider adds the invited role to that account."""

import re

import pytest

from conftest import message_text
from tests.browser.test_sso_sign_in import STATE_BUTTON, sign_in_at_provider
from wayfinder.accounts.models import Membership, User
from wayfinder.partners.tests.onboarding_helpers import approved_claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def welcome_links(live_server, smtp_server) -> list[str]:
    (message,) = smtp_server.wait_for(1)
    body = message_text(message)
    return [url.replace("http://127.0.0.1:8000", live_server.url) for url in re.findall(r"http\S+/welcome/\S+", body)]


def test_the_state_account_link_adds_the_role_to_the_state_account(live_server, state_sso, smtp_server, personas, page):
    organization, _invitation = approved_claim(personas["reviewer"])
    create_link, state_link = welcome_links(live_server, smtp_server)
    assert state_link.endswith("/existing-account/") and not create_link.endswith("/existing-account/")
    state_sso.set_account(
        "kog-pat", {"email": "pat@northsidepantry.org", "email_verified": True, "name": "Pat Rivera", "amr": ["mfa"]}
    )

    page.goto(state_link)
    page.wait_for_url("**/accounts/login/?next=**")
    page.get_by_role("button", name=STATE_BUTTON).click()
    sign_in_at_provider(page, "kog-pat")
    page.wait_for_url("**/existing-account/")
    page.get_by_role("button", name="Add the role").click()

    # The provider proved MFA: onboarding goes on to the agreement, not to our TOTP setup.
    page.wait_for_url("**/partners/onboarding/agreement/")
    user = User.objects.get(email="pat@northsidepantry.org")
    assert User.objects.filter(email__iexact="pat@northsidepantry.org").count() == 1
    assert Membership.objects.get(user=user).organization == organization


def test_the_create_account_page_offers_the_state_sign_in(live_server, state_sso, smtp_server, personas, page):
    organization, _invitation = approved_claim(personas["reviewer"])
    create_link, _state_link = welcome_links(live_server, smtp_server)
    state_sso.set_account(
        "kog-pat-2", {"email": "pat@northsidepantry.org", "email_verified": True, "name": "Pat Rivera", "amr": ["pwd"]}
    )

    page.goto(create_link)
    page.get_by_role("button", name=STATE_BUTTON).click()
    sign_in_at_provider(page, "kog-pat-2")
    page.wait_for_url("**/existing-account/")
    page.get_by_role("button", name="Add the role").click()

    # No MFA at the provider: a staff member sets up our TOTP next.
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    user = User.objects.get(email="pat@northsidepantry.org")
    assert Membership.objects.get(user=user).organization == organization
    assert not user.has_usable_password()

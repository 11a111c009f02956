"""Signing in through the state identity provider (OpenID Connect), in a real browser,
against a real provider (oidc-provider-mock, started by tests/exchange_servers.py)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from conftest import fresh_totp_code
from wayfinder.accounts.models import User
from wayfinder.audit.models import AuditEvent
from wayfinder.demo.exchange_data import DEMO_MFA_ACR
from wayfinder.demo.personas import demo_totp_secret, persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATE_BUTTON = "Sign in with Kentucky Online Gateway"


def sign_in_at_provider(page, sub: str) -> None:
    """At the provider's sign-in page: the person is ``sub``."""
    page.wait_for_url("**/oauth2/authorize?**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def start_state_sign_in(page, live_server, path: str = "/accounts/login/") -> None:
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("button", name=STATE_BUTTON).click()


def test_a_new_person_gets_an_account_from_the_state_sign_in(live_server, state_sso, page):
    state_sso.set_account(
        "kog-new-resident",
        {"email": "Dana.Cole@Example.org", "email_verified": True, "name": "Dana Cole", "amr": ["pwd"]},
    )
    before = User.objects.count()

    start_state_sign_in(page, live_server)
    sign_in_at_provider(page, "kog-new-resident")

    # A new account starts where its later sign-ins will: a person with no role on My Plan.
    page.wait_for_url("**/my-plan/")
    page.goto(f"{live_server.url}/accounts/home/")
    expect(page.get_by_role("heading", name="Welcome, Dana Cole")).to_be_visible()
    assert User.objects.count() == before + 1
    user = User.objects.get(email="dana.cole@example.org")
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "kog-new-resident"
    assert AuditEvent.objects.filter(action="account.created", actor_id=user.pk, data__via="state_sso").exists()
    assert AuditEvent.objects.filter(action="account.signed_in", actor_id=user.pk, data__via="state_sso").exists()

    # Signing in again: the same account (linked by the provider's subject).
    page.context.clear_cookies()
    start_state_sign_in(page, live_server)
    sign_in_at_provider(page, "kog-new-resident")
    page.wait_for_url("**/my-plan/")  # signing in again: a person with no role starts on My Plan
    assert User.objects.count() == before + 1


def test_an_existing_partner_is_linked_and_without_provider_mfa_enters_our_code(live_server, state_sso, personas, page):
    staff = persona("food_bank_staff")
    state_sso.set_account(
        "kog-marcus", {"email": staff.email.upper(), "email_verified": True, "name": "Marcus Hill", "amr": ["pwd"]}
    )
    accounts_with_email = User.objects.filter(email__iexact=staff.email).count()

    start_state_sign_in(page, live_server)
    sign_in_at_provider(page, "kog-marcus")

    # The provider did not prove a second factor: our TOTP is asked, as after a password.
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(fresh_totp_code(demo_totp_secret(staff.email)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/partners/workspace/")  # staff start on their organization's dashboard
    page.goto(f"{live_server.url}/accounts/home/")
    expect(page.get_by_text("Staff — Bluegrass Community Food Bank")).to_be_visible()

    assert User.objects.filter(email__iexact=staff.email).count() == accounts_with_email == 1
    link = SocialAccount.objects.get(uid="kog-marcus")
    assert link.user == personas["food_bank_staff"]
    assert AuditEvent.objects.filter(action="account.sso_linked", actor_id=link.user.pk).exists()


def test_provider_mfa_counts_for_the_session_and_no_code_is_asked(live_server, state_sso, personas, page):
    staff = persona("food_bank_staff")
    state_sso.set_account(
        "kog-marcus-mfa",
        {"email": staff.email, "email_verified": True, "name": "Marcus Hill", "acr": DEMO_MFA_ACR, "amr": ["pwd"]},
    )

    start_state_sign_in(page, live_server)
    sign_in_at_provider(page, "kog-marcus-mfa")

    page.wait_for_url("**/partners/workspace/")  # no code asked on the way
    page.goto(f"{live_server.url}/accounts/home/")
    expect(page.get_by_text("Staff — Bluegrass Community Food Bank")).to_be_visible()
    # Staff pages open: the session counts as MFA-passed.
    page.goto(f"{live_server.url}/partners/")
    assert "/accounts/2fa/" not in page.url and "/accounts/login/" not in page.url
    signed_in = AuditEvent.objects.filter(action="account.signed_in", actor_id=personas["food_bank_staff"].pk).latest(
        "seq"
    )
    assert signed_in.data["provider_mfa"] is True


def test_amr_mfa_counts_too_and_a_staff_member_without_our_totp_is_not_sent_to_set_it_up(
    live_server, state_sso, personas, page
):
    from allauth.mfa.models import Authenticator

    clinician = personas["clinician"]
    Authenticator.objects.filter(user=clinician).delete()
    state_sso.set_account(
        "kog-elena", {"email": clinician.email, "email_verified": True, "name": "Elena Park", "amr": ["pwd", "mfa"]}
    )

    start_state_sign_in(page, live_server)
    sign_in_at_provider(page, "kog-elena")

    page.wait_for_url("**/partners/workspace/")
    page.goto(f"{live_server.url}/partners/")
    assert "/accounts/2fa/" not in page.url


def test_an_unverified_email_of_an_existing_account_is_neither_linked_nor_duplicated(
    live_server, state_sso, personas, page
):
    staff = persona("food_bank_staff")
    state_sso.set_account("kog-impostor", {"email": staff.email, "email_verified": False, "name": "Someone Else"})
    users = User.objects.count()

    start_state_sign_in(page, live_server)
    sign_in_at_provider(page, "kog-impostor")

    expect(page.get_by_role("heading", name="We could not connect your state account")).to_be_visible()
    assert User.objects.count() == users
    assert not SocialAccount.objects.filter(uid="kog-impostor").exists()
    page.goto(f"{live_server.url}/accounts/home/")
    assert "/accounts/login/" in page.url
    assert AuditEvent.objects.filter(action="account.sso_link_refused").exists()


def test_signing_out_ends_the_provider_session_too(live_server, state_sso, page):
    state_sso.set_account("kog-leaving", {"email": "leaving@example.org", "email_verified": True, "name": "Lee Ving"})
    start_state_sign_in(page, live_server)
    sign_in_at_provider(page, "kog-leaving")
    page.wait_for_url("**/my-plan/")

    page.get_by_role("button", name="Sign out").click()
    # RP-initiated logout: the provider's end-session page, then back to Wayfinder.
    page.wait_for_url("**/oauth2/end_session?**")
    assert "client_id=wayfinder-tests" in page.url
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/home/")
    assert "/accounts/login/" in page.url


def test_a_password_sign_out_does_not_visit_the_provider(live_server, state_sso, personas, page, sign_in_as):
    sign_in_as(page, personas["resident"])
    page.goto(f"{live_server.url}/accounts/home/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.url.startswith(live_server.url)

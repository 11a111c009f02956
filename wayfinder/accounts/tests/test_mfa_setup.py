"""MFA set-up for new staff (issue #14 item 1): the secret stays the same while
set-up is open, the browser's own requests are never sent to set-up, and the flow
ends with the recovery codes, the steps and a way on."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client

from conftest import fresh_totp_code
from wayfinder.accounts.tests.test_mfa_enrollment import sign_in

pytestmark = pytest.mark.django_db


def test_the_secret_stays_the_same_on_reload_and_in_a_second_tab(client, new_staff):
    sign_in(client, new_staff)
    first = client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in first.content.decode()
    second_tab = client.get("/accounts/2fa/totp/activate/")
    assert client.session[SECRET_SESSION_KEY] == secret and secret in second_tab.content.decode()


@pytest.mark.parametrize(
    "path,headers",
    [
        ("/favicon.ico", {"Sec-Fetch-Dest": "image", "Accept": "image/avif,image/webp,image/*,*/*;q=0.8"}),
        ("/favicon.ico", {}),
        ("/static/favicon.ico", {}),
        ("/healthz", {}),
        ("/robots.txt", {}),
    ],
)
def test_the_browsers_own_requests_are_never_sent_to_set_up(client, new_staff, path, headers):
    sign_in(client, new_staff)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]

    response = client.get(path, headers=headers)

    assert not response.get("Location", "").startswith("/accounts/2fa/")
    assert client.session[SECRET_SESSION_KEY] == secret


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == b"\x00\x00\x01\x00"
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_images_and_scripts_of_a_staff_page_get_a_plain_refusal_not_set_up(client, new_staff):
    sign_in(client, new_staff)
    response = client.get("/accounts/home/", headers={"Sec-Fetch-Dest": "image"})
    assert response.status_code == 403
    page = client.get("/accounts/home/", headers={"Sec-Fetch-Dest": "document"})
    assert page["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db(transaction=True)
def test_after_activation_the_codes_page_shows_the_steps_and_continues_to_the_wanted_page(new_staff):
    client = Client()
    sign_in(client, new_staff)
    assert client.get("/accounts/password/change/")["Location"] == "/accounts/2fa/totp/activate/"
    setup = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'aria-current="step"' in setup and "Connect your authenticator app" in setup
    client.post("/accounts/2fa/totp/activate/", {"code": fresh_totp_code(client.session[SECRET_SESSION_KEY])})

    codes = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert "Save your recovery codes" in codes and 'href="/accounts/2fa/continue/"' in codes

    onward = client.get("/accounts/2fa/continue/")
    assert onward["Location"] == "/accounts/password/change/"
    assert client.get("/accounts/password/change/").status_code == 200
    # The set-up steps are gone once the person moved on.
    assert "/accounts/2fa/continue/" not in client.get("/accounts/2fa/recovery-codes/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_partner_onboarding_continues_to_the_user_agreement(new_staff):
    from wayfinder.partners.models import OnboardingProgress

    OnboardingProgress.objects.create(user=new_staff)
    client = Client()
    sign_in(client, new_staff)
    client.get("/accounts/2fa/totp/activate/")
    client.post("/accounts/2fa/totp/activate/", {"code": fresh_totp_code(client.session[SECRET_SESSION_KEY])})
    assert client.get("/accounts/2fa/continue/")["Location"] == "/partners/onboarding/agreement/"


@pytest.mark.django_db(transaction=True)
def test_set_up_opened_directly_continues_to_the_organizations_dashboard(new_staff):
    """Issue #14 item 8: staff start on their organization's dashboard, not a generic page."""
    client = Client()
    sign_in(client, new_staff)
    client.get("/accounts/2fa/totp/activate/")
    client.post("/accounts/2fa/totp/activate/", {"code": fresh_totp_code(client.session[SECRET_SESSION_KEY])})
    assert client.get("/accounts/2fa/continue/")["Location"] == "/partners/workspace/"

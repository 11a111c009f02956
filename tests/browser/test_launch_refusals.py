"""Every refused launch gets a clear page and changes nothing: tampered state, an
unlisted or wrong iss, a reused or expired launch, an ID token for another audience,
a token without patient context. Launched from the development exchange portal,
which misbehaves on purpose when asked ("Simulate")."""

from urllib.parse import urlencode

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from tests.browser.test_launch_landing import launch_from_portal, sign_in_and_acknowledge
from wayfinder.accounts.models import User
from wayfinder.audit.models import AuditEvent
from wayfinder.demo.launch import ensure_launch_patients
from wayfinder.integrations.launch.models import Launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(exchange, personas):
    ensure_launch_patients()
    return exchange


def assert_refused(page, live_server, heading: str, reason: str) -> None:
    """The page says what happened; no one was signed in, nothing was opened."""
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("[data-launch-refused]")).to_be_visible()
    refusal = AuditEvent.objects.filter(action="launch.refused").latest("seq")
    assert refusal.data["reason"] == reason and refusal.outcome == AuditEvent.Outcome.DENIED
    assert not AuditEvent.objects.filter(action__in=["launch.arrived", "resident.viewed"]).exists()
    assert not SocialAccount.objects.exists()
    assert not Launch.objects.exclude(status=Launch.Status.REFUSED).exists()
    page.goto(f"{live_server.url}/launch/notice/")
    expect(page.get_by_role("heading", name="No launch is in progress")).to_be_visible()
    page.goto(f"{live_server.url}/accounts/home/")
    assert "/accounts/login/" in page.url


def test_a_tampered_state_is_refused(live_server, portal, page, axe_check):
    launch_from_portal(page, portal, "Grace Holloway", simulate="a state changed on the way back")
    page.wait_for_url("**/launch/callback?**")
    assert "state=tampered" in page.url
    assert axe_check(page) == []
    assert_refused(page, live_server, "This launch could not be verified", "state")


def test_a_launch_from_an_unlisted_exchange_is_refused_before_any_request(live_server, portal, page):
    launch_from_portal(page, portal, "Grace Holloway", simulate="a launch from an unlisted exchange")
    page.wait_for_url("**/launch?iss=**")
    assert_refused(page, live_server, "This exchange may not open Wayfinder", "unlisted_exchange")
    assert not Launch.objects.exists()


@pytest.mark.parametrize("iss", ["http://exchange.invalid/fhir", "{portal}/other-fhir", "{portal}/fhir/Patient"])
def test_a_wrong_iss_on_the_launch_link_is_refused(live_server, portal, page, iss):
    page.goto(f"{live_server.url}/launch?" + urlencode({"iss": iss.format(portal=portal.url), "launch": "abc123"}))
    assert_refused(page, live_server, "This exchange may not open Wayfinder", "unlisted_exchange")
    assert not Launch.objects.exists()


def test_a_reused_launch_is_refused(live_server, portal, page):
    urls = []
    page.on("request", lambda request: urls.append(request.url) if "/launch?iss=" in request.url else None)
    launch_from_portal(page, portal, "Grace Holloway")
    sign_in_and_acknowledge(page)
    page.wait_for_url("**/clients/*/")
    viewed = AuditEvent.objects.filter(action="resident.viewed").count()
    page.context.clear_cookies()

    page.goto(urls[0])
    expect(page.get_by_role("heading", name="This launch was already used")).to_be_visible()
    assert AuditEvent.objects.filter(action="launch.refused").get().data["reason"] == "reused"
    assert AuditEvent.objects.filter(action="launch.arrived").count() == 1
    assert AuditEvent.objects.filter(action="resident.viewed").count() == viewed
    assert Launch.objects.count() == 1


def test_a_launch_that_comes_back_too_late_is_refused(live_server, portal, page, settings):
    settings.SMART_LAUNCH_MAX_AGE_SECONDS = 1
    launch_from_portal(page, portal, "Grace Holloway", simulate="a slow answer (late for a short launch lifetime)")
    page.wait_for_url("**/launch/callback?**")
    assert_refused(page, live_server, "This launch has expired", "expired")


def test_a_launch_the_exchange_says_has_expired_is_refused(live_server, portal, page):
    launch_from_portal(page, portal, "Grace Holloway", simulate="an expired launch")
    page.wait_for_url("**/launch/callback?**")
    expect(page.get_by_text("The exchange said: “This launch has expired.”")).to_be_visible()
    assert_refused(page, live_server, "The exchange stopped the launch", "exchange_refused")


def test_an_id_token_for_another_audience_is_refused(live_server, portal, page):
    users = User.objects.count()
    launch_from_portal(page, portal, "Grace Holloway", simulate="an ID token for another app")
    page.wait_for_url("**/launch/callback?**")
    assert_refused(page, live_server, "The exchange's sign-in was meant for another application", "audience")
    assert User.objects.count() == users


def test_a_token_without_patient_context_is_refused(live_server, portal, page):
    launch_from_portal(page, portal, "Grace Holloway", simulate="a token without patient context")
    page.wait_for_url("**/launch/callback?**")
    assert_refused(page, live_server, "The exchange did not say which patient", "no_patient")

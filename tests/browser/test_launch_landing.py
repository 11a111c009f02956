"""The six landing cases of a launch from the exchange's clinician portal (product 8.3),
end to end in a real browser: the development exchange portal's "Launch Wayfinder"
button → SMART EHR launch (PKCE, state, aud, launch) → the state sign-in at the real
identity provider → the system-use notice → the screen the six rules choose."""

import pytest
from playwright.sync_api import expect

from wayfinder.audit.models import AuditEvent
from wayfinder.demo.launch import ensure_launch_patients
from wayfinder.integrations.launch.models import Launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARK = "Sign in as Elena Park (Bluegrass Regional Hospital)"
RIVERS = "Sign in as Sam Rivers (Pikeville Family Clinic)"


@pytest.fixture
def portal(exchange, personas):
    ensure_launch_patients()
    return exchange


def launch_from_portal(page, portal, patient: str, clinician: str = PARK, simulate: str = "") -> None:
    """At the exchange's portal: sign in as ``clinician`` and launch Wayfinder for ``patient``."""
    page.goto(portal.url)
    if page.get_by_role("button", name=clinician).count() == 0:
        page.get_by_role("button", name="Sign out of the portal").click()
    page.get_by_role("button", name=clinician).click()
    # The click signs in and reloads the list: wait for it before counting its rows.
    page.get_by_role("button", name=f"Launch Wayfinder for {patient}").wait_for()
    if simulate:
        page.get_by_label("Simulate").nth(_row(page, patient)).select_option(label=simulate)
    page.get_by_role("button", name=f"Launch Wayfinder for {patient}").click()


def _row(page, patient: str) -> int:
    names = page.locator("tbody tr td:first-child").all_inner_texts()
    return names.index(patient)


def sign_in_and_acknowledge(page, sub: str = "kog-elena-park") -> None:
    """The state sign-in (one click at the demo provider: its session stands for
    the clinician's existing state session), then "Next" on the warning screen."""
    page.wait_for_url("**/launch/sign-in/")
    expect(page.get_by_role("heading", name="Welcome to Kentucky Online Gateway")).to_be_visible()
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name=sub).click()
    page.wait_for_url("**/launch/notice/")
    expect(page.get_by_role("heading", name="Warning")).to_be_visible()
    page.get_by_role("button", name="Next").click()


def arrival(landing: str) -> AuditEvent:
    event = AuditEvent.objects.get(action="launch.arrived")
    assert event.data["landing"] == landing
    assert event.data["exchange"] == "Kentucky Health Information Exchange"
    assert Launch.objects.get().status == Launch.Status.COMPLETED
    return event


def test_onboarded_with_consent_opens_the_record(live_server, portal, page, axe_check):
    launch_from_portal(page, portal, "Grace Holloway")
    sign_in_and_acknowledge(page)

    page.wait_for_url("**/clients/*/")
    expect(page.get_by_role("heading", name="Grace Holloway")).to_be_visible()
    expect(page.locator("[data-access=full]")).to_be_visible()
    expect(page.get_by_text("Opened from Kentucky Health Information Exchange for this patient.")).to_be_visible()
    food = page.locator("[data-need=food]")  # with its source, as the SDoH tab shows each need
    expect(food.get_by_text("Health information exchange: Bluegrass Regional Hospital")).to_be_visible()
    event = arrival("consent")
    assert event.resident_id and event.legal_basis.startswith("consent:")
    assert event.data["fhir_user"].endswith("/Practitioner/prac-elena-park")
    assert axe_check(page) == []


def test_onboarded_without_consent_offers_to_request_consent_or_refer(live_server, portal, page):
    launch_from_portal(page, portal, "Marcus Reed")
    sign_in_and_acknowledge(page)

    page.wait_for_url("**/clients/*/")
    expect(page.locator("[data-access=limited]")).to_be_visible()
    expect(page.get_by_role("link", name="Request consent")).to_be_visible()
    expect(page.get_by_role("link", name="Create referral")).to_be_visible()
    expect(page.get_by_text("1985-11-20")).to_have_count(0)  # no consent: no date of birth shown
    arrival("no_consent")


def test_consent_without_social_needs_data_shows_the_first_assessment_banner(live_server, portal, page):
    launch_from_portal(page, portal, "Lucia Fernandez")
    sign_in_and_acknowledge(page)

    page.wait_for_url("**/clients/*/")
    expect(page.locator("[data-access=full]")).to_be_visible()
    expect(page.get_by_text("Lucia is due for a first needs assessment.")).to_be_visible()
    expect(page.locator("[data-needs=none]")).to_be_visible()  # the Needs section, grayed
    arrival("no_sdoh")


def test_no_individual_id_match_shows_the_banner_and_the_directory(live_server, portal, page, axe_check):
    launch_from_portal(page, portal, "Henry Walsh")
    sign_in_and_acknowledge(page)

    page.wait_for_url("**/launch/landing/")
    expect(page.get_by_role("heading", name="No Individual ID Found")).to_be_visible()
    assert axe_check(page) == []
    page.get_by_role("link", name="Search the directory").first.click()
    page.wait_for_url(f"{live_server.url}/")
    event = arrival("not_found")
    assert event.resident_id == ""


def test_several_matches_search_by_name_and_birth_date_then_email_and_phone(live_server, portal, page, axe_check):
    launch_from_portal(page, portal, "Jordan Miller")
    sign_in_and_acknowledge(page)

    page.wait_for_url("**/launch/landing/")
    expect(page.get_by_role("heading", name="Multiple individuals found")).to_be_visible()
    assert page.get_by_label("First name").input_value() == "Jordan"
    assert page.get_by_label("Last name").input_value() == "Miller"
    assert page.get_by_label("Date of birth").input_value() == "1990-01-01"
    assert axe_check(page) == []
    page.get_by_role("button", name="Search").click()

    page.wait_for_url("**/clients/?first_name=**")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(
        page.get_by_text("Several people match. Use the email, phone and place to find the right person.")
    ).to_be_visible()
    assert arrival("multiple").data["matches"] == 2


def test_not_onboarded_gets_access_denied_with_the_directory_and_the_way_to_join(live_server, portal, page, axe_check):
    launch_from_portal(page, portal, "Grace Holloway", clinician=RIVERS)

    page.wait_for_url("**/launch/callback?**")
    expect(page.get_by_role("heading", name="Access Denied")).to_be_visible()
    assert axe_check(page) == []
    assert not AuditEvent.objects.filter(action="launch.arrived").exists()
    assert AuditEvent.objects.get(action="launch.access_denied").data["reason"] == "not_onboarded"
    assert Launch.objects.get().refused_reason == "not_onboarded"
    page.get_by_role("link", name="Join as a community partner").first.click()
    page.wait_for_url("**/partners/join/")
    page.go_back()
    page.get_by_role("link", name="Search the directory").click()
    page.wait_for_url(f"{live_server.url}/")

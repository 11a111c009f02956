"""The exchange with the health information exchange, end to end (issue #19): real HTTP
clients holding SMART Backend Services tokens on one side, people in a real browser on
the other.

(a) The exchange posts a screening Bundle for Amy; a hospital social worker whose
    organization holds her consent signs in and sees the needs on her record, each
    with its source (the health information exchange, naming the participant) and date.
(b) A clinical system refers Amy with a ServiceRequest + Task owned by a partner's
    service; the partner's staff accept it, work it and close it as provided in the
    inbox; the client reads the Task as accepted, in-progress, then completed with a
    Procedure in ``Task.output``.
(c) Amy switches sharing off on My Plan's exchange page (in a browser without
    JavaScript): the exchange's reads of her conditions come back empty and her Patient
    404; switched on again, they are back.
"""

from __future__ import annotations

import copy
import json

import pytest
import requests
from django.conf import settings
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, fresh_totp_code
from wayfinder.assessments.tests.conftest import give_consent
from wayfinder.demo import exchange_client as demo
from wayfinder.demo.personas import DEMO_PASSWORD, demo_totp_secret, persona
from wayfinder.demo.residents import AMY_BIRTH_DATE, AMY_INDIVIDUAL_ID, AMY_RESIDENT_ID
from wayfinder.integrations.hie.models import SharingChoice
from wayfinder.integrations.hie.tests.clients import ASSERTION_TYPE, assertion, make_client
from wayfinder.integrations.hie.tests.test_referral_tasks import service_request
from wayfinder.integrations.hie.tests.test_referral_tasks import task as task_for
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.residents.models import Resident, SdohNeed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTICIPANT = demo.PARTICIPANT
EXCHANGE_SCOPES = demo.SCOPES  # what the demo exchange posts and reads
CLINIC_SCOPES = "system/ServiceRequest.cruds system/Task.cruds system/Procedure.rs system/HealthcareService.rs"
FHIR_JSON = "application/fhir+json"
IDENTIFIER = f"{settings.SMART_INDIVIDUAL_ID_SYSTEM}|{AMY_INDIVIDUAL_ID}"


class FhirClient:
    """A registered client talking to the live server over real HTTP: it signs its own
    client assertion for the token URL it calls and keeps the bearer token."""

    def __init__(self, base: str, scopes: str, **registration) -> None:
        self.base = base
        self.registered, self.key = make_client(scopes, **registration)
        self.scopes = scopes
        self.token = self._token()

    def _token(self) -> str:
        url = f"{self.base}/fhir/auth/token"
        answer = requests.post(
            url,
            data={
                "grant_type": "client_credentials",
                "scope": self.scopes,
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion(self.registered, self.key, aud=url),
            },
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": FHIR_JSON, "Content-Type": FHIR_JSON}

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(f"{self.base}/fhir/{path}", params=params, headers=self._headers(), timeout=30)

    def post(self, path: str, body: dict) -> requests.Response:
        return requests.post(f"{self.base}/fhir/{path}", data=json.dumps(body), headers=self._headers(), timeout=30)


def amys_screening() -> dict:
    """The demo's screening Bundle (Hunger Vital Sign "Often true" twice, AHC transportation
    "Yes"), its Patient being Amy as the exchange knows her: her eligibility individual id."""
    bundle = copy.deepcopy(json.loads(demo.BUNDLE_PATH.read_text()))
    patient = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    patient["identifier"][0]["value"] = AMY_INDIVIDUAL_ID
    patient["name"] = [{"use": "official", "family": "Brand", "given": ["Amy"]}]
    patient["birthDate"] = AMY_BIRTH_DATE.isoformat()
    return bundle


def post_screening(exchange: FhirClient) -> None:
    answer = exchange.post("", amys_screening())
    assert answer.status_code == 200, answer.text
    assert [e["response"]["status"] for e in answer.json()["entry"]] == ["201 Created"] * 4


def sign_in(page, base: str, key: str) -> None:
    """The persona signs in on the sign-in page (staff type their TOTP code too)."""
    who = persona(key)
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(who.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if key != "resident":
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label("Code").fill(fresh_totp_code(demo_totp_secret(who.email)))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url and "/accounts/2fa/" not in url)


def test_the_exchange_posts_a_screening_and_the_social_worker_sees_the_needs_with_their_source(
    live_server, personas, page, axe_check
):
    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    give_consent(amy, org("hospital"))
    exchange = FhirClient(live_server.url, EXCHANGE_SCOPES, participant_name=PARTICIPANT)
    post_screening(exchange)

    sign_in(page, live_server.url, "hospital_user")
    page.goto(f"{live_server.url}/clients/{AMY_RESIDENT_ID}/")
    needs = page.locator('[data-section="needs"] .need-list').first
    # Food from the two Hunger Vital Sign answers, transportation from the AHC question:
    # one source line per Observation, each naming the exchange's participant and the date.
    for domain, reports in (("food", 2), ("transportation", 1)):
        sources = needs.locator(f'[data-need="{domain}"] .need-sources li')
        assert sources.count() == reports
        for line in sources.all():
            assert line.inner_text().strip() == f"Health information exchange: {PARTICIPANT}, 2026-11-30"
            assert line.locator("time").get_attribute("datetime").startswith("2026-11-30T")
    assert axe_check(page) == [], "record with the exchange's needs"
    assert {n.source for n in SdohNeed.objects.filter(resident=amy)} == {"hie"}


def test_a_clinical_systems_task_is_worked_in_the_inbox_to_completed_with_a_procedure(
    live_server, personas, page, smtp_server
):
    formula = make_service(org("family_center"), "Free infant formula")
    clinic = FhirClient(
        live_server.url, CLINIC_SCOPES, organization=org("hospital"), participant_name="Bluegrass Regional Hospital EHR"
    )
    made = clinic.post("ServiceRequest", service_request({"reference": f"Patient/{AMY_RESIDENT_ID}"}))
    assert made.status_code == 201, made.text
    task = clinic.post("Task", task_for(made.json()["id"], formula.pk))
    assert task.status_code == 201, task.text
    task_id = task.json()["id"]
    assert task.json()["status"] == "requested"
    # The receiving partner is told, like for any referral.
    smtp_server.wait_for(1)
    assert smtp_server.to(persona("family_center_staff").email)

    def task_status() -> str:
        read = clinic.get(f"Task/{task_id}")
        assert read.status_code == 200, read.text
        return read.json()["status"]

    sign_in(page, live_server.url, "family_center_staff")
    page.goto(f"{live_server.url}/referrals/inbox/")
    page.get_by_role("link", name="Amy Brand").first.click()
    page.get_by_label("Status", exact=True).select_option("in_progress")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Status updated.")).to_be_visible()
    assert task_status() == "accepted"

    page.get_by_label("Add a note (shared with the other organization)").fill("Called Amy; pickup on Friday.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Called Amy; pickup on Friday.").first.wait_for()
    assert task_status() == "in-progress"

    page.get_by_role("link", name="Close referral").click()
    page.get_by_label("Yes").check()
    page.get_by_label("How was your experience with the resident?").fill("PRIVATE-EXPERIENCE")
    page.get_by_role("button", name="Submit and close").click()
    expect(page.get_by_text("Referral closed.")).to_be_visible()

    read = clinic.get(f"Task/{task_id}").json()
    assert read["status"] == "completed"
    assert read["statusReason"]["text"] == "Resource provided"
    output = read["output"][0]["valueReference"]["reference"]
    assert output.startswith("Procedure/")
    procedure = clinic.get(output)
    assert procedure.status_code == 200 and procedure.json()["status"] == "completed"
    assert procedure.json()["basedOn"] == [{"reference": f"ServiceRequest/{made.json()['id']}"}]
    assert "PRIVATE-EXPERIENCE" not in json.dumps(read) + procedure.text
    assert Referral.objects.get(fhir_task__id=task_id).receiving_organization == org("family_center")
    # Polling by _lastUpdated finds the closed Task.
    polled = clinic.get("Task", status="completed", _lastUpdated=f"ge{read['meta']['lastUpdated'][:10]}").json()
    assert [e["resource"]["id"] for e in polled["entry"]] == [task_id]


def test_the_resident_switches_sharing_off_and_the_exchange_reads_nothing(
    live_server, personas, browser_instance, page, phone_page, axe_check
):
    exchange = FhirClient(live_server.url, EXCHANGE_SCOPES, participant_name=PARTICIPANT)
    post_screening(exchange)

    def conditions() -> int:
        bundle = exchange.get("Condition", patient=f"Patient/{AMY_RESIDENT_ID}")
        assert bundle.status_code == 200, bundle.text
        return bundle.json()["total"]

    assert conditions() == 2
    assert exchange.get(f"Patient/{AMY_RESIDENT_ID}").status_code == 200
    assert exchange.get("Patient", identifier=IDENTIFIER).json()["total"] == 1

    # Amy, in a browser with JavaScript switched off: the plain form is enough.
    context = browser_instance.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        no_js = context.new_page()
        no_js.set_default_timeout(15_000)
        sign_in(no_js, live_server.url, "resident")
        no_js.goto(f"{live_server.url}/my-plan/")
        no_js.get_by_role("link", name="Sharing with my doctors").click()
        expect(no_js.get_by_role("heading", level=1)).to_have_text("Sharing with the health information exchange")
        expect(no_js.get_by_text("Your information is shared with the health information exchange.")).to_be_visible()
        assert PARTICIPANT in no_js.locator("[data-recipients]").inner_text()
        no_js.get_by_label("No, do not share it").check()
        no_js.get_by_role("button", name="Save my choice").click()
        expect(
            no_js.get_by_text("Saved. Your information is no longer shared with the health information exchange.")
        ).to_be_visible()
        assert no_js.get_by_label("No, do not share it").is_checked()
    finally:
        context.close()

    assert SharingChoice.objects.get(resident_id=AMY_RESIDENT_ID).share is False
    assert conditions() == 0
    assert exchange.get(f"Patient/{AMY_RESIDENT_ID}").status_code == 404
    assert exchange.get("Patient", identifier=IDENTIFIER).json()["total"] == 0

    # The page is accessible and its choices are large enough to tap on a phone.
    sign_in(page, live_server.url, "resident")
    page.goto(f"{live_server.url}/my-plan/health-information-exchange/")
    assert axe_check(page) == [], "sharing page"
    sign_in(phone_page, live_server.url, "resident")
    phone_page.goto(f"{live_server.url}/my-plan/health-information-exchange/")
    assert_no_horizontal_scroll(phone_page)
    for label in ("Yes, share it with the doctors, clinics and hospitals I see", "No, do not share it"):
        box = phone_page.locator("label.choice", has_text=label).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 280, (label, box)
    # Switched on again (with JavaScript this time): shared again.
    phone_page.get_by_label("Yes, share it with the doctors, clinics and hospitals I see").check()
    phone_page.get_by_role("button", name="Save my choice").click()
    saved = "Saved. Your information is shared with the health information exchange."
    expect(phone_page.get_by_text(saved)).to_be_visible()
    assert conditions() == 2

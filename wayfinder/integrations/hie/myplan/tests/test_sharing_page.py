"""The resident's sharing choice in My Plan (docs/security.md, "Sharing with the health
information exchange"), through the real pages and the real FHIR and C-CDA endpoints:
switched off, the exchange's reads of the resident find nothing and the CCD is refused;
switched on again, they are back; each choice is audited; bad input changes nothing;
only the resident themselves can set it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from wayfinder.accounts.models import User
from wayfinder.assessments.tests.conftest import org
from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.models import SharingChoice
from wayfinder.integrations.hie.tests.clients import bearer, make_client, token_for
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

pytestmark = pytest.mark.django_db

PAGE = "/my-plan/health-information-exchange/"
SCOPES = (
    "system/Patient.read system/QuestionnaireResponse.rs system/Observation.rs system/Condition.rs"
    " system/DocumentReference.read"
)


@pytest.fixture
def amy(personas):
    return Resident.objects.get(user=personas["resident"])


@pytest.fixture
def signed_in(amy, personas):
    http = Client()
    http.force_login(personas["resident"])
    return http


@pytest.fixture
def exchange():
    client, key = make_client(SCOPES, organization=org("hospital"), participant_name="Bluegrass Clinic EHR")
    return bearer(token_for(client, key))


def _screened(amy, personas):
    """An AHC screening by the hospital (a QuestionnaireResponse, its Observations and the
    Condition of the positive food domain) and one need recorded by staff."""
    from wayfinder.assessments.actions import submit_assessment
    from wayfinder.assessments.loading import ensure_shipped
    from wayfinder.assessments.tests.conftest import ahc, give_consent

    give_consent(amy, org("hospital"))
    submit_assessment(
        questionnaire=ensure_shipped("ahc-hrsn"),
        resident=amy,
        answers=ahc(q88122_7="LA28397-0"),
        actor=personas["hospital_user"],
        organization=org("hospital"),
        submission_key=uuid.uuid4(),
    )
    now = timezone.now() - dt.timedelta(days=1)
    need = SdohNeed.objects.create(
        resident=amy, domain="housing", sdohcc_codes=["housing-instability"], source="assessment", observed_at=now
    )
    NeedSource.objects.create(need=need, kind="assessment", detail="AHC HRSN", observed_at=now)


def _what_the_exchange_reads(amy, headers) -> dict[str, int]:
    """Status or number of entries of each outbound read of Amy."""
    http = Client()
    identifier = f"{settings.SMART_INDIVIDUAL_ID_SYSTEM}|{amy.individual_id}"
    found = {"Patient read": http.get(f"/fhir/Patient/{amy.pk}", **headers).status_code}
    found["Patient search"] = http.get("/fhir/Patient", {"identifier": identifier}, **headers).json()["total"]
    for kind in ("QuestionnaireResponse", "Observation", "Condition"):
        bundle = http.get(f"/fhir/{kind}", {"patient": f"Patient/{amy.pk}", "_count": 200}, **headers)
        assert bundle.status_code == 200, bundle.content
        found[kind] = bundle.json()["total"]
    found["CCD"] = http.get(f"/hie/ccda/{amy.pk}", **headers).status_code
    return found


def test_switched_off_the_exchange_reads_nothing_and_on_again_everything(amy, personas, signed_in, exchange):
    _screened(amy, personas)
    shared = _what_the_exchange_reads(amy, exchange)
    assert shared["Patient read"] == 200 and shared["CCD"] == 200 and shared["Patient search"] == 1
    assert shared["QuestionnaireResponse"] == 1 and shared["Observation"] > 0 and shared["Condition"] == 2

    page = signed_in.get(PAGE)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert "Your information is shared with the health information exchange." in text
    assert "Bluegrass Clinic EHR (Bluegrass Regional Hospital)" in text  # with whom: the registered readers
    assert 'value="share" id="id_share_0" required checked' in text

    off = signed_in.post(PAGE, {"share": "do_not_share"})
    assert off.status_code == 302 and off["Location"] == PAGE
    assert SharingChoice.objects.get(resident=amy).share is False
    withheld = _what_the_exchange_reads(amy, exchange)
    assert withheld == {
        "Patient read": 404,
        "Patient search": 0,
        "QuestionnaireResponse": 0,
        "Observation": 0,
        "Condition": 0,
        "CCD": 404,
    }
    text = signed_in.get(PAGE).content.decode()
    assert "Your information is not shared with the health information exchange." in text
    assert 'value="do_not_share" id="id_share_1" required checked' in text

    on = signed_in.post(PAGE, {"share": "share"})
    assert on.status_code == 302
    assert _what_the_exchange_reads(amy, exchange) == shared

    events = list(AuditEvent.objects.filter(action=names.HIE_SHARING_CHOICE_SET).order_by("occurred_at", "pk"))
    assert [(e.data["before"], e.data["share"]) for e in events] == [(True, False), (False, True)]
    assert {(e.resident_id, e.actor_id, e.legal_basis) for e in events} == {
        (str(amy.pk), personas["resident"].pk, "self")
    }


@pytest.mark.parametrize("data", [{}, {"share": ""}, {"share": "maybe"}, {"share": "true"}])
def test_a_missing_or_invalid_choice_is_a_form_error_and_changes_nothing(amy, signed_in, data):
    SharingChoice.objects.create(resident=amy, share=False)
    answer = signed_in.post(PAGE, data)
    assert answer.status_code == 400
    assert "Choose Yes or No." in answer.content.decode()
    assert SharingChoice.objects.get(resident=amy).share is False
    assert not AuditEvent.objects.filter(action=names.HIE_SHARING_CHOICE_SET).exists()


def test_my_plan_links_to_the_page(signed_in):
    home = signed_in.get("/my-plan/").content.decode()
    assert f'href="{PAGE}"' in home and "Sharing with my doctors" in home
    current = signed_in.get(PAGE).content.decode()
    assert f'href="{PAGE}" aria-current="page"' in current


def test_only_the_resident_themselves(amy, personas):
    anonymous = Client().post(PAGE, {"share": "do_not_share"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for staff in ("hospital_user", "food_bank_staff", "system_admin"):
        http = Client()
        http.force_login(personas[staff])
        assert http.get(PAGE).status_code == 403
        assert http.post(PAGE, {"share": "do_not_share"}).status_code == 403
    # Another resident sets their own choice: never Amy's (the page names no record).
    other_user = User.objects.create_user(email=f"other-{uuid.uuid4().hex[:6]}@example.test", password=None)
    other = Resident.objects.create(
        first_name="Oscar", last_name="Other", date_of_birth=dt.date(1980, 1, 1), source="organization", user=other_user
    )
    http = Client()
    http.force_login(other_user)
    assert http.post(PAGE, {"share": "do_not_share", "resident": str(amy.pk)}).status_code == 302
    assert SharingChoice.objects.get(resident=other).share is False
    assert not SharingChoice.objects.filter(resident=amy).exists()
    assert not AuditEvent.objects.filter(action=names.HIE_SHARING_CHOICE_SET, resident_id=str(amy.pk)).exists()
    # A resident account not yet connected to a record is sent to connect it first.
    unconnected = User.objects.create_user(email=f"new-{uuid.uuid4().hex[:6]}@example.test", password=None)
    http.force_login(unconnected)
    for answer in (http.get(PAGE), http.post(PAGE, {"share": "do_not_share"})):
        assert answer.status_code == 302 and answer["Location"] == "/my-plan/connect/"
    assert SharingChoice.objects.count() == 1


def test_the_form_needs_its_csrf_token(signed_in, personas, amy):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas["resident"])
    assert strict.post(PAGE, {"share": "do_not_share"}).status_code == 403
    assert not SharingChoice.objects.filter(resident=amy).exists()


def test_who_viewed_my_record_names_the_exchange_participant_and_why(amy, personas, signed_in, exchange):
    """The resident's accounting of disclosures: an exchange read has no person, so the
    row names the participant that received it, what went and on what basis."""
    _screened(amy, personas)
    assert Client().get(f"/fhir/Condition?patient=Patient/{amy.pk}", **exchange).status_code == 200
    page = signed_in.get("/my-plan/who-viewed/").content.decode()
    assert "Bluegrass Clinic EHR, through the health information exchange" in page
    assert "Your needs and assessments, sent to the health information exchange" in page
    assert "Care coordination (your sharing choice in My Plan)" in page
    assert "exchange:" not in page  # never the raw legal basis

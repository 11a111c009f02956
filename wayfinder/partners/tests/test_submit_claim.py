"""The claim-site request form and "I can't find my organization": validated, refused clearly."""

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.partners.models import SiteRequest

from .helpers import VALID_CLAIM, VALID_NEW_ORGANIZATION, make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def pantry(db):
    return make_organization("Northside Community Pantry")


def claim_url(organization):
    return f"/partners/join/claim/{organization.pk}/"


def test_it_records_a_claim_and_shows_the_confirmation(client, pantry):
    response = client.post(claim_url(pantry), VALID_CLAIM, follow=True)
    assert response.redirect_chain[-1][0] == "/partners/join/submitted/"
    assert "waiting for a United Way reviewer" in response.content.decode()
    request = SiteRequest.objects.get()
    assert (request.kind, request.organization, request.status) == ("claim", pantry, "pending")
    assert request.organization_name == pantry.name
    assert AuditEvent.objects.filter(action="partner.claim_submitted", object_id=str(request.pk)).exists()


def test_the_form_marks_required_fields(client, pantry):
    html = client.get(claim_url(pantry)).content.decode()
    assert html.count('class="required-mark"') >= 6  # name, title, email, phone, tax status + the note


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ein": "61-12345"}, "ein", "NN-NNNNNNN"),
        ({"ein": "00-1234567"}, "ein", "NN-NNNNNNN"),
        ({"ein": ""}, "ein", "must give their EIN"),
        ({"requester_email": "not-an-email"}, "requester_email", "valid email"),
        ({"requester_phone": "call me"}, "requester_phone", "phone number"),
        ({"requester_name": ""}, "requester_name", "required"),
        ({"tax_status": ""}, "tax_status", "required"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, pantry, change, field, message):
    response = client.post(claim_url(pantry), {**VALID_CLAIM, **change})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert not SiteRequest.objects.exists()


def test_a_for_profit_needs_no_ein_and_a_bare_nine_digit_ein_is_normalised(client, pantry):
    client.post(claim_url(pantry), {**VALID_CLAIM, "tax_status": "for_profit", "ein": ""})
    assert SiteRequest.objects.get().ein == ""
    other = make_organization("Eastside Pantry")
    client.post(claim_url(other), {**VALID_CLAIM, "ein": "611234567"})
    assert SiteRequest.objects.get(organization=other).ein == "61-1234567"


def test_a_second_claim_by_the_same_person_is_refused(client, pantry):
    client.post(claim_url(pantry), VALID_CLAIM)
    response = client.post(claim_url(pantry), {**VALID_CLAIM, "requester_email": "PAT@northsidepantry.org"})
    assert "You already asked to claim Northside Community Pantry" in response.content.decode()
    assert SiteRequest.objects.count() == 1


def test_an_already_claimed_organization_cannot_be_claimed(client, personas):
    from wayfinder.demo.personas import ORGANIZATIONS

    food_bank = next(org for org in ORGANIZATIONS if org.key == "food_bank")
    url = f"/partners/join/claim/{food_bank.id}/"
    page = client.get(url).content.decode()
    assert "already been claimed" in page
    assert '<form method="post" novalidate>' not in page
    response = client.post(url, VALID_CLAIM)
    assert "already been claimed" in response.content.decode()
    assert not SiteRequest.objects.exists()


def test_an_unknown_organization_is_a_404(client, db):
    assert client.get("/partners/join/claim/6f1c8a52-0000-4a2b-9a61-2f6b1d0c0a99/").status_code == 404


def test_cant_find_my_organization_explains_2_1_1_and_takes_the_details(client, db):
    page = client.get("/partners/join/new-organization/?name=Hilltop").content.decode()
    assert "Dial 2-1-1" in page and 'value="Hilltop"' in page
    response = client.post("/partners/join/new-organization/", VALID_NEW_ORGANIZATION)
    assert response.status_code == 302
    request = SiteRequest.objects.get()
    assert (request.kind, request.organization, request.organization_name) == (
        "new_organization",
        None,
        "Hilltop Free Clinic",
    )


def test_a_new_organization_request_needs_the_address(client, db):
    response = client.post(
        "/partners/join/new-organization/", {**VALID_NEW_ORGANIZATION, "city": "", "postal_code": "4040"}
    )
    errors = response.context["form"].errors
    assert "city" in errors and "postal_code" in errors
    assert not SiteRequest.objects.exists()


def test_a_flood_of_requests_from_one_address_is_refused(client, db):
    for number in range(10):
        data = {**VALID_NEW_ORGANIZATION, "organization_name": f"Clinic {number}"}
        assert client.post("/partners/join/new-organization/", data).status_code == 302
    response = client.post("/partners/join/new-organization/", {**VALID_NEW_ORGANIZATION, "organization_name": "X"})
    assert response.status_code == 429 and "Too many requests" in response.content.decode()
    assert SiteRequest.objects.count() == 10

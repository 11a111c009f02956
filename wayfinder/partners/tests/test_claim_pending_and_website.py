"""A claim waiting for review is shown as such, never offered again, and the claim
form takes only real web addresses (issue #14, item 9)."""

import pytest

from wayfinder.partners.models import SiteRequest
from wayfinder.partners.services.claims import submit_claim

from .helpers import VALID_CLAIM, make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def pantry(db):
    return make_organization("Northside Community Pantry")


def test_an_organization_with_a_pending_claim_is_shown_disabled(client, pantry):
    search = "/partners/join/search/?q=Northside"
    assert "Select to claim" in client.get(search).content.decode()
    submit_claim(pantry, VALID_CLAIM)
    html = client.get(search).content.decode()
    assert "Select to claim" not in html
    assert '<button type="button" disabled aria-describedby="claimed-1">Claim waiting for review</button>' in html
    form = client.get(f"/partners/join/claim/{pantry.pk}/").content.decode()
    assert "a United Way reviewer is looking at it" in form and 'name="requester_name"' not in form


def test_a_rejected_claim_opens_the_organization_again(client, pantry, personas):
    from wayfinder.partners.services.claims import reject_request

    reject_request(submit_claim(pantry, VALID_CLAIM), personas["reviewer"], "Not staff there")
    assert "Select to claim" in client.get("/partners/join/search/?q=Northside").content.decode()


@pytest.mark.parametrize("website", ["not a url", "javascript:alert(1)", "ftp://example.org", "http://"])
def test_a_website_that_is_not_a_web_address_is_refused(client, pantry, website):
    response = client.post(f"/partners/join/claim/{pantry.pk}/", {**VALID_CLAIM, "organization_website": website})
    assert "Enter a web address, for example https://www.example.org." in response.content.decode()
    assert not SiteRequest.objects.exists()


def test_a_bare_domain_gets_https(client, pantry):
    client.post(f"/partners/join/claim/{pantry.pk}/", {**VALID_CLAIM, "organization_website": "northsidepantry.org"})
    assert SiteRequest.objects.get().organization_website == "https://northsidepantry.org"

"""United Way reviewers approve or reject join requests; every decision is audited and emailed."""

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.directory.models import Organization, Source
from wayfinder.notifications.models import OutboundMessage
from wayfinder.partners.models import Invitation, Partner, SiteRequest
from wayfinder.partners.services.claims import submit_claim, submit_new_organization

from .helpers import VALID_CLAIM, VALID_NEW_ORGANIZATION, make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def pantry(db):
    return make_organization("Northside Community Pantry")


@pytest.fixture
def claim(pantry):
    return submit_claim(pantry, VALID_CLAIM)


@pytest.fixture
def reviewer_client(client, personas):
    client.force_login(personas["reviewer"])
    return client


def test_the_queue_lists_pending_requests_for_reviewers_only(client, reviewer_client, claim, personas):
    html = reviewer_client.get("/partners/review/").content.decode()
    assert "Northside Community Pantry" in html and "pat@northsidepantry.org" in html
    client.force_login(personas["food_bank_admin"])
    assert client.get("/partners/review/").status_code == 403


def test_the_detail_shows_the_directory_record_and_earlier_claims(reviewer_client, claim, pantry):
    earlier = submit_claim(pantry, {**VALID_CLAIM, "requester_email": "someone.else@example.org"})
    html = reviewer_client.get(f"/partners/review/{claim.pk}/").content.decode()
    assert "Matching directory record" in html and "1 Main St" in html
    assert "someone.else@example.org" in html and f"/partners/review/{earlier.pk}/" in html


def test_approval_invites_the_requester_by_email_with_a_hashed_one_time_token(reviewer_client, claim, pantry, personas):
    response = reviewer_client.post(f"/partners/review/{claim.pk}/approve/")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == ("approved", personas["reviewer"])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.kind) == ("pat@northsidepantry.org", "admin", "new_account")
    email = OutboundMessage.objects.get(kind="partner_welcome")
    assert email.to == "pat@northsidepantry.org"
    token = email.body.split("/partners/welcome/")[1].split("/")[0]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert Partner.objects.get(organization=pantry).ein == "61-1234567"
    assert AuditEvent.objects.filter(action="partner.request_approved", actor_id=personas["reviewer"].pk).exists()


def test_a_person_with_an_account_gets_the_add_role_link(reviewer_client, pantry, personas):
    resident = personas["resident"]
    request = submit_claim(pantry, {**VALID_CLAIM, "requester_email": resident.email.upper()})
    reviewer_client.post(f"/partners/review/{request.pk}/approve/")
    invitation = Invitation.objects.get()
    assert invitation.kind == "add_role"
    body = OutboundMessage.objects.get(kind="partner_welcome").body
    assert "/existing-account/" in body and "do not create a second account" in body


def test_rejection_needs_a_reason_and_emails_it(reviewer_client, claim):
    response = reviewer_client.post(f"/partners/review/{claim.pk}/reject/", {"reason": "  "})
    assert response.status_code == 200 and "required" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "pending"
    reviewer_client.post(f"/partners/review/{claim.pk}/reject/", {"reason": "We could not confirm you work there."})
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == ("rejected", "We could not confirm you work there.")
    email = OutboundMessage.objects.get(kind="partner_request_rejected")
    assert "We could not confirm you work there." in email.body
    assert AuditEvent.objects.filter(action="partner.request_rejected").exists()
    assert not Invitation.objects.exists()


def test_a_request_is_decided_only_once(reviewer_client, claim):
    reviewer_client.post(f"/partners/review/{claim.pk}/approve/")
    response = reviewer_client.post(f"/partners/review/{claim.pk}/reject/", {"reason": "Changed my mind"}, follow=True)
    assert "already approved" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_approving_a_new_organization_creates_the_directory_record(reviewer_client, db):
    request = submit_new_organization(VALID_NEW_ORGANIZATION)
    reviewer_client.post(f"/partners/review/{request.pk}/approve/")
    organization = Organization.objects.get(name="Hilltop Free Clinic")
    assert organization.source == Source.REVIEWER
    assert organization.tax_id == "61-1234567"
    assert organization.locations.get().addresses.get().city == "Berea"
    request.refresh_from_db()
    assert request.organization == organization
    assert Invitation.objects.get().organization == organization


def test_approving_a_claim_of_an_organization_claimed_meanwhile_is_refused(reviewer_client, claim, pantry):
    other = submit_claim(pantry, {**VALID_CLAIM, "requester_email": "second@example.org"})
    reviewer_client.post(f"/partners/review/{claim.pk}/approve/")
    response = reviewer_client.post(f"/partners/review/{other.pk}/approve/", follow=True)
    assert "already been claimed" in response.content.decode()
    other.refresh_from_db()
    assert other.status == SiteRequest.Status.PENDING

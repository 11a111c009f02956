"""Final onboarding: MFA, the user agreement, three trainings, then the workspace.
A partner user who has not finished cannot reach any partner page."""

import pytest

from wayfinder.accounts.models import User
from wayfinder.partners.content import AGREEMENT_VERSION, TRAINING_SLUGS
from wayfinder.partners.models import AgreementAcceptance, OnboardingProgress, Partner, TrainingCompletion
from wayfinder.partners.services.invitations import create_account_from_invitation

from .onboarding_helpers import PASSWORD, approved_claim, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(personas):
    organization, issued = approved_claim(personas["reviewer"])
    user = create_account_from_invitation(issued.invitation, full_name="Pat Rivera", password=PASSWORD)
    return organization, user


def test_every_partner_page_sends_them_to_the_next_step(client, newcomer):
    _organization, user = newcomer
    client.force_login(user)
    assert client.get("/partners/workspace/")["Location"].startswith("/accounts/2fa/totp/activate/")
    enrol_totp(user)
    for path in ("/partners/workspace/", "/partners/workspace/staff/", "/partners/workspace/favorites/"):
        assert client.get(path)["Location"] == "/partners/onboarding/agreement/"
    client.post("/partners/onboarding/agreement/", {"accept": "on"})
    assert client.get("/partners/workspace/")["Location"] == "/partners/onboarding/training/"


def test_the_agreement_must_be_ticked_and_is_recorded_with_its_version(client, newcomer):
    _organization, user = newcomer
    enrol_totp(user)
    client.force_login(user)
    page = client.get("/partners/onboarding/agreement/").content.decode()
    assert "KRS Chapter 61.931" in page and "42 CFR Part 2" in page
    response = client.post("/partners/onboarding/agreement/", {})
    assert response.status_code == 200 and "required" in response.content.decode()
    assert not AgreementAcceptance.objects.exists()
    client.post("/partners/onboarding/agreement/", {"accept": "on"})
    acceptance = AgreementAcceptance.objects.get(user=user)
    assert acceptance.version == AGREEMENT_VERSION and acceptance.accepted_at is not None


def test_three_trainings_then_next_completes_onboarding_and_makes_the_organization_a_partner(client, newcomer):
    organization, user = newcomer
    enrol_totp(user)
    client.force_login(user)
    client.post("/partners/onboarding/agreement/", {"accept": "on"})
    assert "Next" not in client.get("/partners/onboarding/training/").content.decode()
    response = client.post("/partners/onboarding/training/finish/")
    assert response["Location"] == "/partners/onboarding/training/"
    for slug in TRAINING_SLUGS:
        assert client.get(f"/partners/onboarding/training/{slug}/").status_code == 200
        client.post(f"/partners/onboarding/training/{slug}/")
    assert set(TrainingCompletion.objects.filter(user=user).values_list("module", flat=True)) == set(TRAINING_SLUGS)
    assert Partner.objects.get(organization=organization).onboarded_at is None
    response = client.post("/partners/onboarding/training/finish/")
    assert response["Location"] == "/partners/workspace/"
    assert OnboardingProgress.objects.get(user=user).completed_at is not None
    assert Partner.objects.get(organization=organization).onboarded_at is not None
    assert client.get("/partners/workspace/").status_code == 200


def test_staff_finishing_onboarding_does_not_make_the_organization_a_partner(newcomer, personas):
    from wayfinder.partners.services.invitations import create_account_from_invitation as create
    from wayfinder.partners.services.onboarding import accept_agreement, complete_training, finish_onboarding
    from wayfinder.partners.services.staff import add_staff

    organization, admin = newcomer
    issued = add_staff(organization, email="new.staff@example.org", full_name="Sam", role="staff", added_by=admin)
    staff = create(issued.invitation, full_name="Sam Staff", password=PASSWORD)
    enrol_totp(staff)
    accept_agreement(staff)
    for slug in TRAINING_SLUGS:
        complete_training(staff, slug)
    assert finish_onboarding(staff) is True
    assert Partner.objects.get(organization=organization).onboarded_at is None


def test_people_outside_any_organization_cannot_open_onboarding_pages(client, personas):
    client.force_login(personas["reviewer"])
    assert client.get("/partners/onboarding/agreement/").status_code == 403
    assert User.objects.filter(email=personas["reviewer"].email).exists()


def test_the_middleware_holds_them_on_other_apps_pages_too(client, newcomer, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "wayfinder.partners.middleware.PartnerOnboardingMiddleware"]
    _organization, user = newcomer
    enrol_totp(user)
    client.force_login(user)
    assert client.get("/")["Location"] == "/partners/onboarding/agreement/"
    assert client.get("/accounts/home/").status_code == 200
    assert client.get("/partners/onboarding/agreement/").status_code == 200


def test_the_middleware_leaves_everyone_else_alone(client, personas, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "wayfinder.partners.middleware.PartnerOnboardingMiddleware"]
    client.force_login(personas["food_bank_staff"])
    assert client.get("/").status_code == 200
    assert client.get("/partners/workspace/").status_code == 200


def test_finishing_onboarding_puts_the_partner_badge_on_search_results(
    client, personas, django_capture_on_commit_callbacks
):
    """The badge is read from the search index, so onboarding must re-index the organization's services."""
    from wayfinder.directory.search import rebuild

    from .helpers import make_service

    organization, issued = approved_claim(personas["reviewer"])
    make_service(organization, "Northside grocery boxes")
    rebuild(threads=1, workers=1)
    results = client.get("/search/", {"q": "northside grocery"}).content.decode()
    assert "Northside grocery boxes" in results and "badge-partner" not in results

    user = create_account_from_invitation(issued.invitation, full_name="Pat Rivera", password=PASSWORD)
    enrol_totp(user)
    client.force_login(user)
    client.post("/partners/onboarding/agreement/", {"accept": "on"})
    for slug in TRAINING_SLUGS:
        client.post(f"/partners/onboarding/training/{slug}/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/partners/onboarding/training/finish/")
    client.logout()
    results = client.get("/search/", {"q": "northside grocery"}).content.decode()
    assert 'class="badge badge-partner"' in results

"""The welcome email's one-time links: new account, role added to an existing account,
and clear refusals for unknown, used, replaced and expired links."""

import datetime as dt

import pytest
from django.utils import timezone

from wayfinder.accounts.models import Membership, User
from wayfinder.partners.models import Invitation, OnboardingProgress
from wayfinder.partners.services.invitations import hash_token

from .onboarding_helpers import PASSWORD, approved_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(personas):
    return approved_claim(personas["reviewer"])


def new_account(client, path, **overrides):
    return client.post(path, {"full_name": "Pat Rivera", "password1": PASSWORD, "password2": PASSWORD, **overrides})


def test_the_new_account_link_creates_the_account_and_signs_in(client, issued):
    organization, invitation = issued
    path = invitation.url.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    response = new_account(client, path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/")
    user = User.objects.get(email="pat@northsidepantry.org")
    assert user.full_name == "Pat Rivera" and user.check_password(PASSWORD)
    assert Membership.objects.get(user=user).organization == organization
    assert Membership.objects.get(user=user).role == "admin"
    assert OnboardingProgress.objects.get(user=user).completed_at is None
    # The password was just typed: MFA enrolment does not ask for it again.
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_a_weak_or_mismatched_password_changes_nothing(client, issued):
    path = issued[1].url.removeprefix("http://127.0.0.1:8000")
    assert "different" in new_account(client, path, password2="something else entirely").content.decode()
    assert "too common" in new_account(client, path, password1="password123", password2="password123").content.decode()
    assert not User.objects.filter(email="pat@northsidepantry.org").exists()
    assert Invitation.objects.get().used_at is None


def test_a_reused_link_says_so(client, issued):
    path = issued[1].url.removeprefix("http://127.0.0.1:8000")
    new_account(client, path)
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "already used" in response.content.decode()
    assert User.objects.filter(email="pat@northsidepantry.org").count() == 1


def test_an_expired_link_says_so(client, issued):
    invitation = issued[1].invitation
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = new_account(client, issued[1].url.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="pat@northsidepantry.org").exists()


def test_an_unknown_link_is_a_404_and_only_the_hash_is_stored(client, issued):
    assert client.get("/partners/welcome/not-a-real-token/").status_code == 404
    token = issued[1].token
    assert Invitation.objects.filter(token_hash=hash_token(token)).exists()
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_a_newer_link_replaces_the_older_one(client, issued, personas):
    from wayfinder.partners.services.staff import resend_invitation

    older = issued[1]
    resend_invitation(older.invitation, personas["reviewer"])
    response = client.get(older.url.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 410 and "replaced" in response.content.decode()


def test_an_existing_account_gets_the_role_added_after_signing_in(client, personas):
    resident = personas["resident"]
    organization, issued = approved_claim(personas["reviewer"], requester_email=resident.email)
    path = issued.url.removeprefix("http://127.0.0.1:8000")
    assert "/existing-account/" in path
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(resident)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert User.objects.filter(email=resident.email).count() == 1
    assert Membership.objects.get(user=resident).organization == organization


def test_the_add_role_link_refuses_a_different_signed_in_person(client, personas):
    _organization, issued = approved_claim(personas["reviewer"], requester_email=personas["resident"].email)
    client.force_login(personas["specialist"])
    response = client.post(issued.url.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=personas["specialist"]).exists()

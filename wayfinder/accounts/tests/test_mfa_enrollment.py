"""Every staff role must enrol TOTP before reaching any page; residents may opt in."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

from conftest import fresh_totp_code
from wayfinder.accounts.models import GlobalRole, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["/accounts/home/", "/", "/accounts/password/change/"])
def test_it_sends_staff_without_mfa_to_enrolment(client, new_staff, page):
    client.force_login(new_staff)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "correct horse battery"})
    assert response.status_code == 302


def age_sign_in(client, seconds: int) -> None:
    """Make this session's sign-in ``seconds`` older (as if that much time passed)."""
    session = client.session
    session["account_authentication_methods"] = [
        {**record, "at": record["at"] - seconds} for record in session["account_authentication_methods"]
    ]
    session.save()


def confirm_password(client):
    """Changing MFA asks for the password again (docs/security.md, "Authentication and sessions": re-authentication)
    once the sign-in is more than a few minutes old."""
    age_sign_in(client, 600)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": "correct horse battery"})
    assert response.status_code == 302


def test_it_does_not_ask_for_the_password_again_right_after_sign_in(client, new_staff):
    sign_in(client, new_staff)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_it_asks_for_the_password_again_when_the_sign_in_is_old(client, new_staff):
    sign_in(client, new_staff)
    age_sign_in(client, 301)
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")


# Transactional: allauth reports the new authenticator after commit, and only then
# is this session marked as having passed MFA (as in production, inside the request).
@pytest.mark.django_db(transaction=True)
def test_it_lets_staff_in_once_totp_is_enrolled(client, new_staff):
    sign_in(client, new_staff)
    assert client.get("/accounts/home/")["Location"].startswith("/accounts/2fa/totp/activate/")
    confirm_password(client)
    activation_page = client.get("/accounts/2fa/totp/activate/")
    assert activation_page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post("/accounts/2fa/totp/activate/", {"code": fresh_totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=new_staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/accounts/home/").status_code == 200


def test_it_applies_to_global_roles_too(client):
    reviewer = User.objects.create_user("reviewer@example.org", "correct horse battery")
    GlobalRole.objects.create(user=reviewer, role=GlobalRole.Role.REVIEWER)
    client.force_login(reviewer)
    assert client.get("/accounts/home/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_residents_are_not_forced_but_may_enrol(client):
    resident = User.objects.create_user("resident@example.org", "correct horse battery")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    sign_in(client, resident)
    assert client.get("/accounts/home/").status_code == 200
    confirm_password(client)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_it_issues_recovery_codes_on_enrolment(client, new_staff):
    sign_in(client, new_staff)
    client.get("/accounts/2fa/totp/activate/")
    client.post("/accounts/2fa/totp/activate/", {"code": fresh_totp_code(client.session[SECRET_SESSION_KEY])})
    assert Authenticator.objects.filter(user=new_staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200

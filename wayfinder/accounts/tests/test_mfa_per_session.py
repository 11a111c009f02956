"""MFA is checked per session, not per account (issue #13 item 4, docs/security.md, "Authentication and sessions").

Every sign-in here goes through allauth's real forms; the sessions are two
browsers of the same person (two test clients)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client

from conftest import fresh_totp_code
from wayfinder.accounts.tests.test_mfa_enrollment import sign_in
from wayfinder.audit.models import AuditEvent

# Transactional: allauth reports a new authenticator after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def enrol_totp(client: Client) -> None:
    client.get("/accounts/2fa/totp/activate/")
    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": fresh_totp_code(client.session[SECRET_SESSION_KEY])}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/recovery-codes/"


def test_enrolling_totp_elsewhere_does_not_upgrade_a_password_only_session(new_staff):
    password_only, enrolling = Client(), Client()
    sign_in(password_only, new_staff)  # no TOTP yet: signed in with the password alone
    sign_in(enrolling, new_staff)
    enrol_totp(enrolling)

    response = password_only.get("/accounts/home/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in password_only.session
    assert password_only.get("/accounts/home/")["Location"].startswith("/accounts/login/")
    # The session that entered the new code in this session goes on.
    assert enrolling.get("/accounts/home/").status_code == 200


def test_a_session_whose_account_has_totp_but_that_never_entered_a_code_is_ended(new_staff):
    """Even without the epoch (e.g. TOTP added by an administrator), a session that
    passed only the password step is refused and signed out."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    session = Client()
    sign_in(session, new_staff)
    TOTP.activate(new_staff, generate_totp_secret())  # no signal: no session is told

    response = session.get("/accounts/home/")

    assert response["Location"].startswith("/accounts/login/")
    ended = AuditEvent.objects.get(action="account.session_without_mfa_ended")
    assert ended.actor_id == new_staff.pk and ended.outcome == "denied" and ended.auth_level == "password"


def test_signing_in_again_with_the_code_works(new_staff):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(new_staff, secret)
    client = Client()
    after_password = client.post("/accounts/login/", {"login": new_staff.email, "password": "correct horse battery"})
    assert after_password["Location"].startswith("/accounts/2fa/authenticate/")
    client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code(secret)})
    assert client.get("/accounts/home/").status_code == 200


def test_regenerating_recovery_codes_ends_the_other_sessions(personas):
    staff = personas["food_bank_staff"]
    here, elsewhere = Client(), Client()
    here.force_login(staff)
    elsewhere.force_login(staff)
    assert elsewhere.get("/accounts/home/").status_code == 200

    response = here.post("/accounts/2fa/recovery-codes/generate/")

    assert response.status_code == 302
    assert here.get("/accounts/home/").status_code == 200
    assert elsewhere.get("/accounts/home/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(
        action="account.other_sessions_ended", data__reason="recovery_codes_regenerated"
    ).exists()


def test_removing_totp_ends_the_other_sessions(personas):
    staff = personas["food_bank_staff"]
    here, elsewhere = Client(), Client()
    here.force_login(staff)
    elsewhere.force_login(staff)

    response = here.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert elsewhere.get("/accounts/home/")["Location"].startswith("/accounts/login/")
    # This session is staff without TOTP now: only set-up opens.
    assert here.get("/accounts/home/")["Location"].startswith("/accounts/2fa/totp/activate/")

"""Signing in over real HTTP: password, then the TOTP code for staff."""

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.demo.personas import DEMO_PASSWORD, current_demo_code, persona
from wayfinder.lib.http_testing import HttpClient

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_with_password(client: HttpClient, email: str, password: str):
    return client.post_form("/accounts/login/", {"login": email, "password": password})


def assert_not_signed_in(client: HttpClient) -> None:
    home = client.get("/accounts/home/")
    assert not home.url.endswith("/accounts/home/")
    assert "Your roles" not in home.text


def test_it_asks_staff_for_a_totp_code_after_the_password(live_server, personas):
    staff = persona("food_bank_staff")
    client = HttpClient(live_server.url)

    after_password = sign_in_with_password(client, staff.email, DEMO_PASSWORD)
    assert "/accounts/2fa/authenticate/" in after_password.url
    assert_not_signed_in(client)

    after_code = client.post_form(
        "/accounts/2fa/authenticate/", {"code": current_demo_code(staff.email)}, page=after_password
    )
    assert after_code.status == 200
    assert after_code.url.endswith("/partners/workspace/")  # staff start on their organization's dashboard
    assert "Bluegrass Community Food Bank" in after_code.text and "Referral inbox" in after_code.text

    signed_in = AuditEvent.objects.filter(action="account.signed_in", actor_id=personas["food_bank_staff"].pk).get()
    assert signed_in.auth_level == "mfa"
    assert signed_in.ip_address == "127.0.0.1"
    assert signed_in.request_id


def test_it_refuses_a_wrong_totp_code(live_server, personas):
    staff = persona("food_bank_staff")
    client = HttpClient(live_server.url)
    after_password = sign_in_with_password(client, staff.email, DEMO_PASSWORD)
    wrong = "000000" if current_demo_code(staff.email) != "000000" else "111111"

    response = client.post_form("/accounts/2fa/authenticate/", {"code": wrong}, page=after_password)

    assert "/accounts/2fa/authenticate/" in response.url
    assert "Incorrect code" in response.text
    assert_not_signed_in(client)


def test_it_signs_a_resident_in_with_the_password_alone(live_server, personas):
    client = HttpClient(live_server.url)
    response = sign_in_with_password(client, persona("resident").email, DEMO_PASSWORD)
    assert response.url.endswith("/my-plan/")  # residents start on My Plan
    assert "Welcome, Amy." in response.text


def test_it_records_failed_attempts_without_the_password(live_server, personas):
    client = HttpClient(live_server.url)
    response = sign_in_with_password(client, persona("resident").email, "not-the-password")
    assert "/accounts/login/" in response.url
    assert "The email address and/or password you specified are not correct." in response.text
    failed = AuditEvent.objects.get(action="account.sign_in_failed")
    assert failed.outcome == AuditEvent.Outcome.FAILURE
    assert "not-the-password" not in str(failed.data)

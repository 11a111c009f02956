"""Repeated failed sign-ins lock the account out with a clear message."""

import pytest

from wayfinder.demo.personas import DEMO_PASSWORD, persona

LOCKED_OUT = "Too many failed login attempts. Try again later."


@pytest.mark.django_db
def test_it_locks_out_after_five_failures_even_with_the_right_password(client, personas):
    email = persona("resident").email
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": email, "password": "wrong-password-1"})
        assert response.status_code == 200
        assert LOCKED_OUT not in response.content.decode()

    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})

    assert response.status_code == 200
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_does_not_lock_out_other_accounts(client, personas):
    for _ in range(5):
        client.post("/accounts/login/", {"login": persona("resident").email, "password": "wrong-password-1"})

    response = client.post("/accounts/login/", {"login": persona("food_bank_staff").email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")

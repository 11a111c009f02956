"""Failed sign-ins are limited per account first, and per IP address more gently,
so one person's mistakes (or an attacker) behind a shared address do not lock
everyone else out (issue #13 item 11)."""

from __future__ import annotations

import pytest
from django.test import Client

from wayfinder.demo.personas import DEMO_PASSWORD, persona

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed login attempts. Try again later."
SHARED_OFFICE = "203.0.113.20"


def attempt(email: str, password: str, ip: str = SHARED_OFFICE):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"login": email, "password": password})


def test_one_account_is_locked_after_five_failures_and_only_that_account(personas):
    for _ in range(5):
        assert LOCKED_OUT not in attempt(persona("resident").email, "wrong-password-1").content.decode()
    locked = attempt(persona("resident").email, DEMO_PASSWORD)
    assert LOCKED_OUT in locked.content.decode()
    # From another address too: the limit is the account's.
    assert LOCKED_OUT in attempt(persona("resident").email, DEMO_PASSWORD, ip="198.51.100.9").content.decode()
    # Someone else at the same office signs in.
    assert attempt(persona("food_bank_staff").email, DEMO_PASSWORD).status_code == 302


def test_many_failures_behind_a_shared_address_do_not_lock_the_others_out(personas):
    for n in range(25):  # more than the old limit of 20 per IP (under allauth's 30 sign-ins a minute)
        attempt(f"someone{n}@example.org", "wrong-password-1")
    assert attempt(persona("food_bank_staff").email, DEMO_PASSWORD).status_code == 302


def test_an_address_trying_very_many_accounts_is_stopped(personas, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/15m/ip,5/15m/key"}
    for n in range(10):
        attempt(f"someone{n}@example.org", "wrong-password-1", ip="198.51.100.77")
    blocked = attempt(persona("food_bank_staff").email, DEMO_PASSWORD, ip="198.51.100.77")
    assert LOCKED_OUT in blocked.content.decode()
    assert attempt(persona("food_bank_staff").email, DEMO_PASSWORD, ip="198.51.100.78").status_code == 302

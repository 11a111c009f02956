"""Staff sessions end after 30 idle minutes or 12 hours; deactivation ends access at once."""

import time

import pytest

from wayfinder.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from wayfinder.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def age_session(client, *, idle: int = 0, total: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session[SESSION_SEEN_KEY] = now - idle
    session[SESSION_STARTED_KEY] = now - max(total, idle)
    session.save()


def test_staff_are_signed_out_after_thirty_idle_minutes(client, personas):
    client.force_login(personas["food_bank_staff"])
    age_session(client, idle=31 * 60)
    response = client.get("/accounts/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/home/").status_code == 302
    assert AuditEvent.objects.filter(action="session.expired").exists()


def test_staff_stay_signed_in_when_active(client, personas):
    client.force_login(personas["food_bank_staff"])
    age_session(client, idle=10 * 60, total=11 * 60 * 60)
    assert client.get("/accounts/home/").status_code == 200


def test_staff_sessions_end_after_twelve_hours_whatever_the_activity(client, personas):
    client.force_login(personas["food_bank_staff"])
    age_session(client, idle=60, total=12 * 60 * 60 + 60)
    assert client.get("/accounts/home/").status_code == 302


def test_residents_are_not_held_to_the_staff_idle_limit(client, personas):
    client.force_login(personas["resident"])
    age_session(client, idle=45 * 60)
    assert client.get("/accounts/home/").status_code == 200


def test_a_deactivated_account_loses_access_on_the_next_request(client, personas):
    staff = personas["food_bank_staff"]
    client.force_login(staff)
    assert client.get("/accounts/home/").status_code == 200
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert client.get("/accounts/home/").status_code == 302


def test_a_password_change_ends_other_sessions(client, personas, django_user_model):
    from django.test import Client

    staff = personas["food_bank_staff"]
    other_device = Client()
    other_device.force_login(staff)
    client.force_login(staff)
    staff.set_password("a brand new passphrase 77")
    staff.save()
    assert other_device.get("/accounts/home/").status_code == 302

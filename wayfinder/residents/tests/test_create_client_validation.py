"""Client creation refuses what cannot be right (issue #14, item 9): a birth date in
the future or before 1900, a phone number that is not a real US number. Nothing
is created and the form says why."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from wayfinder.residents.models import ContactPoint, Resident

pytestmark = pytest.mark.django_db

VALID = {"first_name": "Jolene", "last_name": "Carter", "date_of_birth": "1990-05-06"}


@pytest.fixture
def staff(client, personas):
    client.force_login(personas["food_bank_staff"])
    return client


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date_of_birth": str(timezone.localdate() + datetime.timedelta(days=1))}, "cannot be in the future"),
        ({"date_of_birth": "1890-01-01"}, "a date of birth before 1900 is not possible"),
        ({"phone": "12345"}, "Enter a 10-digit US phone number"),
        ({"phone": "123-456-7890"}, "Enter a 10-digit US phone number"),
    ],
)
def test_impossible_values_are_refused_and_nothing_is_created(staff, change, message):
    before = Resident.objects.count()
    response = staff.post("/clients/new/", {**VALID, **change})
    assert response.status_code == 200 and message in response.content.decode()
    assert Resident.objects.count() == before


def test_a_real_phone_is_stored_in_the_form_texts_are_sent_to(staff):
    response = staff.post("/clients/new/", {**VALID, "phone": "(859) 555-0177"})
    resident = Resident.objects.get(last_name="Carter")
    assert response.status_code == 302
    assert ContactPoint.objects.get(resident=resident, kind="phone").value == "+18595550177"
    assert "(859) 555-0177" in staff.get(f"/clients/{resident.pk}/").content.decode()


def test_client_search_says_when_the_birth_date_is_impossible(staff):
    tomorrow = str(timezone.localdate() + datetime.timedelta(days=1))
    response = staff.get("/clients/", {"first_name": "Amy", "last_name": "Brand", "date_of_birth": tomorrow})
    assert "cannot be in the future" in response.content.decode()

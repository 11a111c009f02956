from __future__ import annotations

import datetime

import pytest

from wayfinder.residents.models import ContactPoint, Resident, Source


@pytest.fixture
def sms_outbox(settings):
    from wayfinder.notifications.sms import MemorySmsBackend

    settings.SMS_BACKEND = "wayfinder.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def jolene(db):
    """A state record with no consent to anyone."""
    resident = Resident.objects.create(
        individual_id="KY100000050",
        first_name="Jolene",
        last_name="Caudill",
        date_of_birth=datetime.date(1979, 5, 2),
        source=Source.ELIGIBILITY,
        city="Hazard",
        zip_code="41701",
    )
    ContactPoint.objects.create(resident=resident, kind="email", value="jolene@example.com", source=Source.ELIGIBILITY)
    ContactPoint.objects.create(resident=resident, kind="phone", value="6065550101", source=Source.ELIGIBILITY)
    return resident


@pytest.fixture
def staff_client(client, personas):
    def sign_in(key="food_bank_staff"):
        client.force_login(personas[key])
        return client

    return sign_in


def consent_request_data(resident, channel: str = "text", scope: str = "general") -> dict:
    """The request form's answers: the resident's contact on file for ``channel``
    (the state's record first), as staff pick it on the page."""
    kind = "email" if channel == "email" else "phone"
    contacts = list(resident.contacts.filter(kind=kind, retired_at__isnull=True))
    contacts.sort(key=lambda c: c.source != Source.ELIGIBILITY)
    return {"contact": str(contacts[0].pk), "scope": scope}

"""A small world for referral tests: Amy Brand, and services at the family
resource center (onboarded) and the shelter (not onboarded)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from wayfinder.demo.personas import ORGANIZATIONS
from wayfinder.directory.models import Address, Location, Organization, Phone, Service, ServiceAtLocation
from wayfinder.residents.models import Resident


def org(key: str) -> Organization:
    demo = next(o for o in ORGANIZATIONS if o.key == key)
    return Organization.objects.get(pk=demo.id)


def make_service(organization: Organization, name: str, *, city: str = "Lexington") -> Service:
    service = Service.objects.create(organization=organization, name=name, description=f"{name} for families")
    location = Location.objects.create(
        organization=organization, name=f"{organization.name} — {city}", location_type="physical"
    )
    Address.objects.create(
        location=location,
        address_1="100 Main St",
        city=city,
        state_province="KY",
        postal_code="40507",
        country="US",
        address_type="physical",
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    Phone.objects.create(service=service, number="859-555-0142")
    return service


@dataclass
class World:
    resident: Resident
    formula: Service
    child_care: Service
    shelter_beds: Service
    pantry: Service


@pytest.fixture
def world(personas) -> World:
    # Amy's record comes with the personas (residents' demo: email = her account's, phone 8595550142).
    resident = Resident.objects.get(user=personas["resident"])
    return World(
        resident=resident,
        formula=make_service(org("family_center"), "Free infant formula"),
        child_care=make_service(org("family_center"), "Child care referrals"),
        shelter_beds=make_service(org("shelter"), "Emergency overnight shelter"),
        pantry=make_service(org("food_bank"), "Weekly food pantry"),
    )


@pytest.fixture
def referral(world, personas):
    """The food bank refers Amy to the family center's infant formula, with a note."""
    from wayfinder.referrals import actions

    return actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=world.resident,
        service=world.formula,
        sending_organization=org("food_bank"),
        note="Needs formula this week",
    )

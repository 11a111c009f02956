"""Small builders shared by the partners tests."""

from __future__ import annotations

from wayfinder.directory.models import Address, Location, Organization, Service

VALID_CLAIM = {
    "requester_name": "Pat Rivera",
    "requester_title": "Executive Director",
    "requester_email": "pat@northsidepantry.org",
    "requester_phone": "859-555-0100",
    "organization_website": "https://northsidepantry.org",
    "organization_phone": "859-555-0101",
    "tax_status": "nonprofit",
    "ein": "61-1234567",
}

VALID_NEW_ORGANIZATION = {
    **VALID_CLAIM,
    "requester_email": "lee@hilltopclinic.org",
    "organization_name": "Hilltop Free Clinic",
    "organization_description": "Free primary care for adults without insurance.",
    "address_1": "12 Hill St",
    "city": "Berea",
    "state_province": "KY",
    "postal_code": "40403",
}


def make_organization(name: str, city: str = "Lexington", **fields) -> Organization:
    organization = Organization.objects.create(name=name, description=f"{name} helps people.", **fields)
    location = Location.objects.create(organization=organization, name=name)
    Address.objects.create(
        location=location, address_1="1 Main St", city=city, state_province="KY", postal_code="40507", country="US"
    )
    return organization


def make_service(organization: Organization, name: str = "Food pantry") -> Service:
    return Service.objects.create(organization=organization, name=name, description="Groceries once a week.")

"""Demo data for the partners area: requests waiting for the reviewer, and a few
favorites for the food bank. Safe to run again. Call after the personas and the
directory are loaded (``load_demo_partners(self.stdout)``)."""

from __future__ import annotations

from django.db import transaction

from wayfinder.partners.models import Favorite, SiteRequest

SHELTER_CLAIM = {
    "requester_name": "Renee Barlow",
    "requester_title": "Shelter Director",
    "requester_email": "director@hopestreet.demo.wayfinder.test",
    "requester_phone": "859-555-0142",
    "organization_website": "https://hopestreet.example",
    "organization_phone": "859-555-0140",
    "tax_status": "nonprofit",
    "ein": "61-1029384",
}

NEW_ORGANIZATION = {
    "requester_name": "Lee Adkins",
    "requester_title": "Clinic Manager",
    "requester_email": "manager@hilltopclinic.demo.wayfinder.test",
    "requester_phone": "859-555-0177",
    "organization_name": "Hilltop Free Clinic",
    "organization_description": "Free primary care and prescriptions for adults without insurance.",
    "organization_phone": "859-555-0170",
    "address_1": "12 Hill Street",
    "city": "Berea",
    "state_province": "KY",
    "postal_code": "40403",
    "tax_status": "nonprofit",
    "ein": "61-5647382",
}


@transaction.atomic
def load_demo_partners(stdout=None) -> None:
    from wayfinder.accounts.models import User
    from wayfinder.directory.models import Organization, Service
    from wayfinder.partners.services.claims import submit_claim, submit_new_organization
    from wayfinder.partners.services.favorites import add_favorite

    from .personas import ORGANIZATIONS, persona

    ids = {org.key: org.id for org in ORGANIZATIONS}
    shelter = Organization.objects.filter(pk=ids["shelter"]).first()
    if shelter and not SiteRequest.objects.filter(requester_email=SHELTER_CLAIM["requester_email"]).exists():
        submit_claim(shelter, SHELTER_CLAIM)
    if not SiteRequest.objects.filter(requester_email=NEW_ORGANIZATION["requester_email"]).exists():
        submit_new_organization(NEW_ORGANIZATION)

    food_bank = Organization.objects.filter(pk=ids["food_bank"]).first()
    admin = User.objects.filter(email=persona("food_bank_admin").email).first()
    if food_bank and admin and not Favorite.objects.filter(organization=food_bank).exists():
        for service in Service.objects.exclude(organization=food_bank).order_by("name")[:3]:
            add_favorite(food_bank, service, admin)
    if stdout is not None:
        stdout.write("Partners: 2 requests waiting for review, food bank favorites.\n")

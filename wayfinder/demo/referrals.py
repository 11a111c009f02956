"""Demo referrals, so the inboxes, outboxes, My Plan and the specialists' queue
have something to show on a fresh ``make run``. Idempotent: fixed ids."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .personas import ORGANIZATIONS, persona

# (key, organization key, service name, description, city, ZIP, phone)
DEMO_SERVICES = [
    (
        "formula",
        "family_center",
        "Free infant formula and diapers",
        "Formula, diapers and wipes for babies up to 12 months.",
        "Lexington",
        "40508",
        "859-555-0142",
    ),
    (
        "child_care",
        "family_center",
        "Child care referrals and subsidy help",
        "Help finding licensed child care and applying for the Child Care Assistance Program.",
        "Lexington",
        "40508",
        "859-555-0142",
    ),
    (
        "pantry",
        "food_bank",
        "Weekly food pantry",
        "Groceries once a week for households in Central Kentucky. Bring a photo ID.",
        "Lexington",
        "40505",
        "859-555-0110",
    ),
    (
        "snap_help",
        "food_bank",
        "SNAP application help",
        "Staff help you apply for SNAP benefits and gather documents.",
        "Lexington",
        "40505",
        "859-555-0110",
    ),
    (
        "shelter_beds",
        "shelter",
        "Emergency overnight shelter",
        "Beds for adults, check-in from 6 pm. No fee.",
        "Louisville",
        "40203",
        "502-555-0177",
    ),
]


# Where each demo organization's services are offered (one site each, so "Other services
# at this location" has something to show) and the categories of each service: without a
# point and a category the demo partners could not be found near their own ZIP code or in
# their own category (issue 14).
DEMO_SITES = {
    "family_center": "300 E Third St",
    "food_bank": "501 Winchester Rd",
    "shelter": "1000 W Main St",
}
DEMO_CATEGORIES = {
    "formula": ["baby-food-formula", "diapers"],
    "child_care": ["child-care-subsidy", "daycare"],
    "pantry": ["food-pantries"],
    "snap_help": ["snap-wic", "benefits-enrollment"],
    "shelter_beds": ["emergency-shelter"],
}


def _service_id(key: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://wayfinder.demo/services/{key}")


@transaction.atomic
def ensure_demo_services() -> dict:
    """The demo organizations' own services (the generated directory has others)."""
    from wayfinder.directory.models import Address, Location, Organization, Phone, Service, ServiceAtLocation

    orgs = {o.key: o.id for o in ORGANIZATIONS}
    services = {}
    for key, org_key, name, description, city, postal_code, phone in DEMO_SERVICES:
        organization = Organization.objects.get(pk=orgs[org_key])
        service, created = Service.objects.get_or_create(
            id=_service_id(key), defaults={"organization": organization, "name": name, "description": description}
        )
        if created:
            location, _ = Location.objects.get_or_create(
                id=uuid.uuid5(uuid.NAMESPACE_URL, f"https://wayfinder.demo/locations/{org_key}-{postal_code}"),
                defaults={"organization": organization, "name": f"{organization.name} — {city}",
                          "location_type": "physical"},
            )  # fmt: skip
            if not location.addresses.exists():
                Address.objects.create(
                    location=location, address_1=DEMO_SITES[org_key], city=city, state_province="KY",
                    postal_code=postal_code, country="US", address_type="physical",
                )  # fmt: skip
            ServiceAtLocation.objects.create(service=service, location=location)
            Phone.objects.create(service=service, number=phone)
        _place_and_file(service, postal_code, DEMO_CATEGORIES[key])
        services[key] = service
    return services


def _place_and_file(service, postal_code: str, categories: list[str]) -> None:
    """Give the service's locations a point (their ZIP code's centre) and the service its
    categories, where a demo database from before lacks them. Idempotent."""
    from wayfinder.lib import geo
    from wayfinder.partners.services.service_categories import set_categories

    lat, lon = geo.zip_centroid(postal_code)
    for sal in service.service_at_locations.select_related("location"):
        if sal.location.latitude is None:
            sal.location.latitude, sal.location.longitude = lat, lon
            sal.location.save(update_fields=["latitude", "longitude", "updated_at"])
    if not service.categories:
        set_categories(service, categories)


def load_demo_referrals(stdout=None) -> None:
    """A few referrals in every state for Amy Brand and the demo partners."""
    from wayfinder.accounts.models import User
    from wayfinder.directory.models import Organization
    from wayfinder.referrals import actions, closing
    from wayfinder.referrals.models import Referral
    from wayfinder.residents.models import Resident

    services = ensure_demo_services()
    amy = Resident.objects.filter(user__email=persona("resident").email).first()
    if amy is None or Referral.objects.filter(resident=amy).exists():
        if stdout:
            stdout.write("Demo referrals: already there.")
        return
    food_bank_staff = User.objects.get(email=persona("food_bank_staff").email)
    family_staff = User.objects.get(email=persona("family_center_staff").email)
    food_bank = Organization.objects.get(pk=next(o.id for o in ORGANIZATIONS if o.key == "food_bank"))
    family_center = Organization.objects.get(pk=next(o.id for o in ORGANIZATIONS if o.key == "family_center"))
    now = timezone.now()
    with transaction.atomic():
        new = actions.create_referral(
            actor=food_bank_staff, resident=amy, service=services["formula"], sending_organization=food_bank,
            note="Amy works part time and struggles to pay for baby supplies.", now=now - timedelta(days=1),
        )  # fmt: skip
        in_progress = actions.create_referral(
            actor=food_bank_staff, resident=amy, service=services["child_care"], sending_organization=food_bank,
            now=now - timedelta(days=9),
        )  # fmt: skip
        actions.change_status(actor=family_staff, referral=in_progress, to_status="in_progress", expected_version=1)
        closed = actions.create_referral(
            actor=family_staff, resident=amy, service=services["pantry"], sending_organization=family_center,
            now=now - timedelta(days=20),
        )  # fmt: skip
        closing.close_referral(
            actor=food_bank_staff, referral=closed, expected_version=1, provided=True,
            experience="Easy to reach; picked up groceries the same week.", now=now - timedelta(days=18),
        )  # fmt: skip
        actions.create_referral(
            actor=food_bank_staff, resident=amy, service=services["shelter_beds"], sending_organization=food_bank,
            now=now - timedelta(days=16),
        )  # fmt: skip
    from wayfinder.referrals.followups import run_followups

    run_followups(now)
    if stdout:
        stdout.write(f"Demo referrals: 4 for Amy Brand (newest {new.created_at:%Y-%m-%d}).")

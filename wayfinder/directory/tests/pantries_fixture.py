"""A directory shaped like the generated Kentucky one that showed issue 14's problems near
40507: one "Food Pantry" service name, organizations whose own names do or do not say
"Food Pantry", and an organization listing its pantry three times (another phone each)."""

from __future__ import annotations

from wayfinder.directory.categories import with_parents
from wayfinder.directory.models import Address, Location, Organization, Phone, Service, ServiceAtLocation
from wayfinder.directory.search import rebuild
from wayfinder.lib import geo

LEXINGTON = geo.zip_centroid("40507")

# (organization, km north of the 40507 centroid, how many times the feed lists the pantry)
PANTRIES = [
    ("Lexington Community Food Pantry", 7.2, 3),
    ("St. Joseph Church Food Ministry", 9.2, 2),
    ("Fayette County Food Bank", 11.1, 2),
    ("Lexington Community Food Pantry", 11.8, 1),  # a second site of the first organization
    ("Christ Church Food Ministry", 18.2, 3),
    ("Nicholasville Community Food Pantry", 19.8, 2),
    ("Grace Church Food Ministry", 2.1, 1),
]


def _point(km_north: float) -> tuple[float, float]:
    return LEXINGTON[0] + km_north / 111.32, LEXINGTON[1]


def build_pantries() -> None:
    """The pantries and a kitchen nearby, in the database and in the configured index."""
    organizations: dict[str, Organization] = {}
    for number, (org_name, km, copies) in enumerate(PANTRIES):
        org = organizations.get(org_name) or Organization.objects.create(
            name=org_name, description=f"{org_name} serves the county."
        )
        organizations[org_name] = org
        lat, lon = _point(km)
        location = Location.objects.create(organization=org, name=org_name, latitude=lat, longitude=lon)
        Address.objects.create(
            location=location, address_1=f"{100 + number} Main St", city="Lexington", state_province="KY",
            postal_code="40507", country="US",
        )  # fmt: skip
        for copy in range(copies):
            service = Service.objects.create(
                organization=org,
                name="Food Pantry",
                description="Free groceries once a month: canned goods and fresh produce.",
                categories=sorted(with_parents(["food-pantries"])),
            )
            Phone.objects.create(service=service, number=f"(859) 555-{number:02d}{copy:02d}")
            ServiceAtLocation.objects.create(service=service, location=location)
    # Something that only mentions a pantry, close by: a weaker answer than the pantries.
    kitchen = Organization.objects.create(name="Hope Kitchen", description="Meals.")
    lat, lon = _point(0.5)
    location = Location.objects.create(organization=kitchen, name="Hope Kitchen", latitude=lat, longitude=lon)
    service = Service.objects.create(
        organization=kitchen, name="Hot Meals", description="Lunch every day; ask about the food pantry next door."
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    rebuild(threads=1, workers=1)

"""The public directory and the HSDS API: open to everyone, signed in or not
(issues #3 and #4). Pages that change something only touch the visitor's own
session ("My list") or add a report for reviewers."""

from __future__ import annotations

import uuid

from tests.permission_table import Rule, everyone

SERVICE = uuid.UUID("d1ec7000-0000-4000-8000-0000000000a1")


def service_exists(personas: dict) -> None:
    """A service with the fixed id the paths name (at the food bank, in Lexington)."""
    from wayfinder.directory.models import Address, Location, Phone, Service, ServiceAtLocation
    from wayfinder.referrals.tests.conftest import org

    if Service.objects.filter(pk=SERVICE).exists():
        return
    organization = org("food_bank")
    service = Service.objects.create(
        id=SERVICE, organization=organization, name="Weekly food pantry", description="Groceries"
    )
    location = Location.objects.create(organization=organization, name="Food bank warehouse", location_type="physical")
    Address.objects.create(
        location=location, address_1="100 Main St", city="Lexington", state_province="KY",
        postal_code="40507", country="US", address_type="physical",
    )  # fmt: skip
    ServiceAtLocation.objects.create(service=service, location=location)
    Phone.objects.create(service=service, number="859-555-0110")


RULES = [
    Rule("directory:search", "/search/?q=food+pantry&where=40507", everyone(200)),
    Rule("directory:category", "/categories/food/", everyone(200)),
    Rule("directory:service", f"/services/{SERVICE}/", everyone(200), prepare=service_exists),
    Rule(
        "directory:report_problem",
        f"/services/{SERVICE}/report/",
        everyone(302),
        method="POST",
        data={"kind": "phone", "details": "The number rings a fax machine."},
        prepare=service_exists,
    ),
    Rule("directory:my_list", "/my-list/", everyone(200)),
    Rule(
        "directory:list_add",
        "/my-list/add/",
        everyone(302),
        method="POST",
        data={"service": str(SERVICE)},
        prepare=service_exists,
    ),
    Rule("directory:list_remove", "/my-list/remove/", everyone(302), method="POST", data={"service": str(SERVICE)}),
    Rule("directory:shared_list", f"/shared/?s={SERVICE}", everyone(200), prepare=service_exists),
    Rule("directory:share", "/share/", everyone(400), method="POST", data={"channel": "email", "to": "not-an-address"}),
    Rule("directory:print", f"/print/?s={SERVICE}", everyone(200), prepare=service_exists),
    Rule("directory:pdf", f"/print.pdf?s={SERVICE}", everyone(200), prepare=service_exists),
    Rule("api:root", "/api/hsds/", everyone(200)),
    Rule("api:openapi", "/api/hsds/openapi.json", everyone(200)),
    Rule("api:list_services", "/api/hsds/services", everyone(200)),
    Rule("api:get_service", f"/api/hsds/services/{SERVICE}", everyone(200), prepare=service_exists),
    Rule("api:list_organizations", "/api/hsds/organizations", everyone(200)),
    Rule("api:get_organization", "/api/hsds/organizations/6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a01", everyone(200)),
    Rule("api:list_taxonomies", "/api/hsds/taxonomies", everyone(200)),
    # Public records that do not exist: nothing protected is refused.
    Rule("api:get_taxonomy", f"/api/hsds/taxonomies/{uuid.UUID(int=0)}", everyone(404), audited_404=False),
    Rule("api:list_taxonomy_terms", "/api/hsds/taxonomy_terms?top_only=true", everyone(200)),
    Rule("api:get_taxonomy_term", f"/api/hsds/taxonomy_terms/{uuid.UUID(int=0)}", everyone(404), audited_404=False),
    Rule(
        "api:list_service_at_locations", "/api/hsds/service_at_locations?postcode=40507&proximity=50000", everyone(200)
    ),
    Rule(
        "api:get_service_at_location",
        f"/api/hsds/service_at_locations/{uuid.UUID(int=0)}",
        everyone(404),
        audited_404=False,
    ),
]

"""The HSDS API at /api/hsds/: every response validates against the official schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Organization, Service, ServiceAtLocation, TaxonomyTerm
from wayfinder.integrations.two11.tables import ORDER, TABLES

SCHEMA = Path(__file__).resolve().parents[3].parent / "shared" / "standards" / "hsds-3.0" / "schema"
pytestmark = pytest.mark.django_db


def _load(name: str) -> dict:
    return json.loads((SCHEMA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validators() -> dict:
    registry = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012))
        for p in SCHEMA.glob("*.json")
    )
    page = _load("openapi.json")["components"]["schemas"]["Page"]

    def make(schema: dict) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())

    names = {
        "service": "compiled/service.json",
        "service_list": "compiled/service_list.json",
        "organization": "compiled/organization.json",
        "organization_list": "compiled/organization_list.json",
        "sal": "compiled/service_at_location.json",
        "sal_list": "compiled/service_at_location_list.json",
        "taxonomy": "taxonomy.json",
        "taxonomy_term": "taxonomy_term.json",
    }
    out = {key: make(_load(path)) for key, path in names.items()}
    out["page"] = make(
        {
            **page,
            "required": [
                "total_items",
                "total_pages",
                "page_number",
                "size",
                "first_page",
                "last_page",
                "empty",
                "contents",
            ],
        }
    )
    return out


def check(validator, doc) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors[:5]


@pytest.fixture(scope="module")
def directory(django_db_setup, django_db_blocker, tmp_path_factory):
    """A 200-service generated directory, imported once for the module and removed afterwards."""
    from wayfinder.integrations.two11.generator import generate
    from wayfinder.integrations.two11.importer import import_feed

    feed = tmp_path_factory.mktemp("api") / "feed"
    generate(feed, 200, 21)
    with django_db_blocker.unblock():
        result = import_feed(feed, feed.parent / "report.csv")
        assert result.errors == 0
        yield result
        for table in reversed(ORDER):
            TABLES[table].model.objects.exclude(feed_hash="").delete()


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_root_names_version_profile_and_openapi(client, directory):
    body = get(client, "/api/hsds/")
    assert body["version"] == "3.0" and body["profile"].startswith("https://")
    assert body["openapi_url"].endswith("/api/hsds/openapi.json")


def test_every_list_and_item_endpoint_validates(client, directory, validators):
    service = Service.objects.exclude(feed_hash="").order_by("id").first()
    org = service.organization
    sal = ServiceAtLocation.objects.filter(service=service).first()
    term = TaxonomyTerm.objects.filter(taxonomy_ref_id=cats.SDOH_TAXONOMY_ID).first()
    lists = [
        ("/api/hsds/services", "service_list"),
        ("/api/hsds/services?full=true", "service"),
        ("/api/hsds/services?minimal=true", "service_list"),
        ("/api/hsds/organizations", "organization_list"),
        ("/api/hsds/organizations?full=true&full_service=true", "organization"),
        ("/api/hsds/taxonomies", "taxonomy"),
        ("/api/hsds/taxonomy_terms", "taxonomy_term"),
        ("/api/hsds/service_at_locations", "sal_list"),
        ("/api/hsds/service_at_locations?full=true", "sal"),
    ]
    for url, key in lists:
        body = get(client, url + ("&" if "?" in url else "?") + "per_page=20")
        check(validators["page"], body)
        assert body["size"] == len(body["contents"]) > 0, url
        for item in body["contents"]:
            check(validators[key], item)
    check(validators["service"], get(client, f"/api/hsds/services/{service.id}"))
    check(validators["organization"], get(client, f"/api/hsds/organizations/{org.id}?full_service=true"))
    check(validators["sal"], get(client, f"/api/hsds/service_at_locations/{sal.id}"))
    check(validators["taxonomy"], get(client, f"/api/hsds/taxonomies/{cats.SDOH_TAXONOMY_ID}"))
    check(validators["taxonomy_term"], get(client, f"/api/hsds/taxonomy_terms/{term.id}"))


def test_service_is_fully_nested(client, directory):
    service = Service.objects.exclude(feed_hash="").order_by("id").first()
    body = get(client, f"/api/hsds/services/{service.id}")
    assert body["organization"]["id"] == str(service.organization_id)
    assert body["service_at_locations"][0]["location"]["addresses"][0]["state_province"] == "KY"
    assert body["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["id"] == str(cats.AIRS_TAXONOMY_ID)


@pytest.mark.parametrize(
    "url",
    [
        "/api/hsds/services/{uuid}",
        "/api/hsds/services/not-a-uuid",
        "/api/hsds/organizations/{uuid}",
        "/api/hsds/taxonomies/{uuid}",
        "/api/hsds/taxonomy_terms/{uuid}",
        "/api/hsds/service_at_locations/{uuid}",
    ],
)
def test_unknown_ids_are_404_json(client, directory, url):
    body = get(client, url.format(uuid="00000000-0000-4000-8000-000000000000"), status=404)
    assert "detail" in body


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("page=0", "page must be between"),
        ("page=x", "page must be an integer"),
        ("per_page=100000", "per_page"),
        ("taxonomy_term_id=nope", "taxonomy_term_id must be a UUID"),
        ("modified_after=yesterday", "modified_after"),
        ("full=maybe", "full must be true or false"),
        ("format=xml", "format must be json or ndjson"),
        ("minimal=true&full=true", "cannot both be true"),
    ],
)
def test_bad_parameters_are_400_with_a_reason(client, directory, query, reason):
    body = get(client, f"/api/hsds/services?{query}", status=400)
    assert reason in body["detail"]


def test_proximity_needs_a_number_and_a_postcode(client, directory):
    assert "postcode" in get(client, "/api/hsds/service_at_locations?proximity=100", status=400)["detail"]
    assert "metres" in get(client, "/api/hsds/service_at_locations?postcode=40202&proximity=far", status=400)["detail"]


def test_parameters_combine_with_and(client, directory):
    service = (
        Service.objects.exclude(feed_hash="").filter(categories__icontains="food-pantries").first()
        or Service.objects.exclude(feed_hash="").first()
    )
    term_id = service.categories and TaxonomyTerm.objects.get(id__in=service_term_ids(service)).id
    org_id = service.organization_id
    both = get(client, f"/api/hsds/services?organization_id={org_id}&taxonomy_term_id={term_id}&per_page=200")
    by_org = get(client, f"/api/hsds/services?organization_id={org_id}&per_page=200")
    by_term = get(client, f"/api/hsds/services?taxonomy_term_id={term_id}&per_page=200")
    ids = lambda body: {s["id"] for s in body["contents"]}  # noqa: E731
    assert ids(both) == ids(by_org) & ids(by_term)
    assert str(service.id) in ids(both)
    nothing = get(client, f"/api/hsds/services?organization_id={org_id}&search=zzzzzz")
    assert nothing["empty"] and nothing["total_items"] == 0


def service_term_ids(service):
    from wayfinder.directory.models import Attribute

    return Attribute.objects.filter(link_id=service.id).values("taxonomy_term_id")


def test_pagination_fields(client, directory):
    total = Service.objects.count()
    first = get(client, "/api/hsds/services?per_page=30")
    assert first["total_items"] == total and first["total_pages"] == -(-total // 30)
    assert first["first_page"] and not first["last_page"] and first["size"] == 30
    last = get(client, f"/api/hsds/services?per_page=30&page={first['total_pages']}")
    assert last["last_page"] and not last["first_page"]
    beyond = get(client, f"/api/hsds/services?per_page=30&page={first['total_pages'] + 1}")
    assert beyond["empty"] and beyond["contents"] == []


def test_ndjson_streams_every_match(client, directory):
    response = client.get("/api/hsds/services?format=ndjson")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == Service.objects.count()
    assert json.loads(lines[0])["id"]


def test_taxonomy_terms_top_only_and_parent(client, directory):
    top = get(client, f"/api/hsds/taxonomy_terms?taxonomy_id={cats.SDOH_TAXONOMY_ID}&top_only=true&per_page=200")
    assert {t["code"] for t in top["contents"]} == {c.slug for c in cats.CATEGORIES}
    food = next(t for t in top["contents"] if t["code"] == "food")
    children = get(client, f"/api/hsds/taxonomy_terms?parent_id={food['id']}&per_page=200")
    assert {t["code"] for t in children["contents"]} == {s[0] for s in cats.CATEGORY_BY_SLUG["food"].subcategories}


def test_postcode_proximity_finds_nearby_locations_only(client, directory):
    from wayfinder.lib.geo import haversine_m, zip_centroid

    sal = ServiceAtLocation.objects.exclude(feed_hash="").select_related("location").first()
    postcode = sal.location.addresses.first().postal_code
    lat, lon = zip_centroid(postcode)
    body = get(client, f"/api/hsds/service_at_locations?postcode={postcode}&proximity=5000&per_page=200")
    ids = {s["id"] for s in body["contents"]}
    assert str(sal.id) in ids
    for item in ServiceAtLocation.objects.filter(id__in=ids).select_related("location"):
        assert haversine_m(lat, lon, item.location.latitude, item.location.longitude) <= 5000
    exact = get(client, f"/api/hsds/service_at_locations?postcode={postcode}&per_page=200")
    assert str(sal.id) in {s["id"] for s in exact["contents"]}


@pytest.mark.parametrize(
    "url",
    [
        "/api/hsds/services?full=true",
        "/api/hsds/organizations?full=true&full_service=true",
        "/api/hsds/service_at_locations?full=true",
        "/api/hsds/services",
    ],
)
def test_list_queries_do_not_grow_with_page_size(client, directory, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        get(client, f"{url}&per_page=2" if "?" in url else f"{url}?per_page=2")
    with django_assert_max_num_queries(len(small.captured_queries)):
        get(client, f"{url}&per_page=50" if "?" in url else f"{url}?per_page=50")
    assert len(small.captured_queries) <= 60


def test_organizations_are_listed_with_their_services(client, directory):
    org = Organization.objects.exclude(feed_hash="").first()
    body = get(client, f"/api/hsds/organizations/{org.id}?full_service=true")
    assert {s["id"] for s in body["services"]} == {str(i) for i in org.services.values_list("id", flat=True)}

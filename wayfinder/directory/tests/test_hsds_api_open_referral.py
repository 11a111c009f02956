"""The HSDS API as other Open Referral tools use it (issue #16, deliver 5).

``test_the_open_referral_uk_validator_profile_passes`` runs the checks of the Open Referral UK
validator's HSDS-3.0 test profile (its level 1 and level 2 groups): each endpoint's response
against the official schemas with format checks required, its pagination the two ways the
validator pages (per_page chosen from total_items over three pages; per_page=5 over the first,
some middle and the last page), the by-id endpoints with an id from the list, and every filter the
official OpenAPI document declares.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from wayfinder.directory.models import Attribute, Organization, Service, ServiceArea, TaxonomyTerm
from wayfinder.integrations.two11.tests.strict_formats import checker

from .test_hsds_api import directory  # noqa: F401 - the module fixture: a 200-service directory

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "standards" / "hsds-3.0" / "schema"
pytestmark = pytest.mark.django_db
API_DETAILS = {
    "type": "object",
    "properties": {
        "version": {"type": "string"},
        "profile": {"type": "string", "format": "uri"},
        "openapi_url": {"type": "string", "format": "uri"},
    },
    "required": ["version", "profile", "openapi_url"],
}
PAGE_FIELDS = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents")


def _schema(name: str) -> dict:
    return json.loads((SHARED / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schemas() -> dict:
    registry = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012))
        for p in SHARED.glob("*.json")
    )

    def make(schema: dict) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker())

    return {
        "api": make(API_DETAILS),
        "/services": make(_schema("compiled/service_list.json")),
        "/services/": make(_schema("compiled/service.json")),
        "/taxonomies": make(_schema("taxonomy.json")),
        "/taxonomies/": make(_schema("taxonomy.json")),
        "/taxonomy_terms": make(_schema("taxonomy_term.json")),
        "/taxonomy_terms/": make(_schema("taxonomy_term.json")),
        "/organizations": make(_schema("compiled/organization_list.json")),
        "/organizations/": make(_schema("compiled/organization.json")),
        "/service_at_locations": make(_schema("compiled/service_at_location_list.json")),
        "/service_at_locations/": make(_schema("compiled/service_at_location.json")),
    }


def get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def schema_issues(validator, doc) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def pagination_by_total(client, endpoint: str, first: dict) -> list[str]:
    """ValidatorService.ValidatePagination: per_page from total_items over (at most) three pages."""
    issues = []
    pages = min(first["total_pages"], 3)
    per_page = 20
    if first["total_items"] < 60 and pages > 0:
        per_page = (first["total_items"] + pages - 1) // pages
    total_pages = -(-first["total_items"] // per_page) if per_page else 0
    for page in range(1, pages + 1):
        body = get(client, f"/api/hsds{endpoint}?per_page={per_page}&page={page}")
        if body["total_items"] != first["total_items"]:
            issues.append(f"{endpoint} page {page}: total_items changed")
        if page < pages and body["size"] != per_page:
            issues.append(f"{endpoint} page {page}: size {body['size']} for per_page {per_page}")
        if body["size"] != len(body["contents"]):
            issues.append(f"{endpoint} page {page}: size is not the number of items")
        if body["first_page"] != (page == 1):
            issues.append(f"{endpoint} page {page}: first_page {body['first_page']}")
        if body["last_page"] != (page == total_pages):
            issues.append(f"{endpoint} page {page}: last_page {body['last_page']}")
    return issues


def pagination_by_five(client, endpoint: str, param: str) -> list[str]:
    """PaginationTestingService: five per page; page 1, three random middle pages, the last page."""
    issues = []
    first = get(client, f"/api/hsds{endpoint}?{param}=5&page=1")
    last_number = first["total_pages"]
    pages = [1]
    if last_number > 2:
        rng = random.Random(16)
        pages += [rng.randint(2, last_number - 1) for _ in range(3)]
    if last_number > 1:
        pages.append(last_number)
    for page in pages:
        body = first if page == 1 else get(client, f"/api/hsds{endpoint}?{param}=5&page={page}")
        count = len(body["contents"])
        if body["first_page"] != (page == 1):
            issues.append(f"{endpoint} {param} page {page}: first_page")
        if body["last_page"] != (page == last_number):
            issues.append(f"{endpoint} {param} page {page}: last_page")
        if body["empty"] != (count == 0):
            issues.append(f"{endpoint} {param} page {page}: empty")
        if not (count == 5 or (count < 5 and body["last_page"])):
            issues.append(f"{endpoint} {param} page {page}: {count} items for 5 asked")
        if body["size"] != count:
            issues.append(f"{endpoint} {param} page {page}: size")
    return issues


TESTS = [  # (endpoint, level): list endpoints; each by-id endpoint takes an id from its list
    ("/services", 1),
    ("/taxonomies", 2),
    ("/taxonomy_terms", 2),
    ("/organizations", 2),
    ("/service_at_locations", 2),
]


def test_the_open_referral_uk_validator_profile_passes(client, directory, schemas):  # noqa: F811
    issues = schema_issues(schemas["api"], get(client, "/api/hsds/"))
    for endpoint, _level in TESTS:
        first = get(client, f"/api/hsds{endpoint}")
        assert all(key in first for key in PAGE_FIELDS), endpoint
        issues += [f"{endpoint}: {i}" for item in first["contents"] for i in schema_issues(schemas[endpoint], item)]
        issues += pagination_by_total(client, endpoint, first)
        issues += pagination_by_five(client, endpoint, "per_page")
        issues += pagination_by_five(client, endpoint, "perPage")
        one = get(client, f"/api/hsds{endpoint}/{first['contents'][0]['id']}")
        issues += [f"{endpoint}/{{id}}: {i}" for i in schema_issues(schemas[endpoint + "/"], one)]
    assert not issues, issues[:10]


def test_every_filter_the_openapi_document_declares_answers_with_valid_items(client, directory, schemas):  # noqa: F811
    service = Service.objects.exclude(feed_hash="").order_by("id").first()
    term = Attribute.objects.filter(link_id=service.id).first().taxonomy_term
    org = service.organization
    values = {
        "search": "food",
        "taxonomy_term_id": str(term.id),
        "taxonomy_id": str(term.taxonomy_ref_id),
        "organization_id": str(org.id),
        "modified_after": "2020-01-01T00:00:00Z",
        "minimal": "true",
        "full": "true",
        "full_service": "true",
        "postcode": service.service_at_locations.first().location.addresses.first().postal_code,
        "proximity": "20000",
        "top_only": "true",
        "parent_id": str(term.id),
        "taxonomy_term_parent": None,
    }
    document = get(client, "/api/hsds/openapi.json")
    components = document["components"]["parameters"]
    checked = 0
    for path, item in document["paths"].items():
        if "{" in path or path == "/openapi.json":
            continue
        for ref in item["get"].get("parameters", []):
            name = (components[ref["$ref"].rsplit("/", 1)[-1]] if "$ref" in ref else ref)["name"]
            value = values.get(name)
            if value is None:
                continue
            query = f"{name}={value}" + ("&postcode=" + values["postcode"] if name == "proximity" else "")
            body = get(client, f"/api/hsds{path}?{query}")
            key = "/services/" if name == "full" and path == "/services" else path
            if name == "full" and path in ("/organizations", "/service_at_locations"):
                key = path + "/"
            for doc in body["contents"]:
                assert not schema_issues(schemas[key], doc), (path, name)
            checked += 1
    assert checked >= 15


def test_the_openapi_document_describes_what_the_api_returns(client, directory):  # noqa: F811
    document = get(client, "/api/hsds/openapi.json")
    assert document["openapi"].startswith("3.1") and document["servers"][0]["url"].endswith("/api/hsds")
    assert "$ref" not in json.dumps(document).replace('"$ref": "#/', "")  # complete: no remote references
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:hsds-api", resource)
    service = Service.objects.exclude(feed_hash="").order_by("id").first()
    for path, response_of, url in [
        ("/services/{id}", lambda d: d, f"/api/hsds/services/{service.id}"),
        ("/services", lambda d: d, "/api/hsds/services?per_page=5"),
        ("/organizations/{id}", lambda d: d, f"/api/hsds/organizations/{service.organization_id}"),
    ]:
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        validator = jsonschema.Draft202012Validator(
            {
                "$ref": "urn:hsds-api#/paths/"
                + path.replace("/", "~1")
                + "/get/responses/200/content/application~1json/schema"
            },
            registry=registry,
        )
        assert schema and not [e.message for e in validator.iter_errors(response_of(get(client, url)))], path


def test_organizations_list_their_services(client, directory):  # noqa: F811
    body = get(client, "/api/hsds/organizations?per_page=200")
    for item in body["contents"]:
        if item["id"] == str(Organization.objects.exclude(feed_hash="").first().id):
            expected = set(Service.objects.filter(organization_id=item["id"]).values_list("id", flat=True))
            assert {s["id"] for s in item["services"]} == {str(i) for i in expected}
            break
    else:
        raise AssertionError("organization not listed")


def test_taxonomy_term_id_includes_the_terms_descendants(client, directory):  # noqa: F811
    service = Service.objects.exclude(feed_hash="").order_by("id").first()
    child = Attribute.objects.filter(link_id=service.id).first().taxonomy_term
    parent = TaxonomyTerm.objects.create(name="Basic needs", description="Basic needs", code="B")
    TaxonomyTerm.objects.filter(id=child.id).update(parent=parent)
    body = get(client, f"/api/hsds/services?taxonomy_term_id={parent.id}&per_page=200")
    filed = set(Attribute.objects.filter(taxonomy_term=child).values_list("link_id", flat=True))
    assert {s["id"] for s in body["contents"]} == {str(i) for i in filed} and filed


def test_modified_after_is_the_records_last_modified_the_same_in_every_view(client, directory):  # noqa: F811
    old, edited = Service.objects.exclude(feed_hash="").order_by("id")[:2]
    Service.objects.filter(id=old.id).update(last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    Service.objects.filter(id=edited.id).update(last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    edited.refresh_from_db()
    edited.alert = "Closed on Monday"
    edited.save()  # a partner's edit: the record's last change is now
    since = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    body = get(client, f"/api/hsds/services?modified_after={since.replace('+', '%2B')}&per_page=200")
    ids = {s["id"] for s in body["contents"]}
    assert str(edited.id) in ids and str(old.id) not in ids
    views = [
        get(client, f"/api/hsds/services?organization_id={old.organization_id}&{view}per_page=200")
        for view in ("", "minimal=true&", "full=true&")
    ]
    values = [{s["id"]: s["last_modified"] for s in v["contents"]} for v in views]
    assert values[0] == values[1] == values[2] and values[0][str(old.id)] == "2020-01-01T00:00:00Z"
    assert get(client, f"/api/hsds/services/{old.id}")["last_modified"] == "2020-01-01T00:00:00Z"


def test_postcode_also_matches_service_areas(client, directory):  # noqa: F811
    service = Service.objects.exclude(feed_hash="").order_by("id").last()
    ServiceArea.objects.filter(service=service).delete()
    ServiceArea.objects.create(service=service, name="ZIP codes 40507 and 40508")
    body = get(client, "/api/hsds/service_at_locations?postcode=40508&per_page=200")
    assert {s["id"] for s in body["contents"]} >= {
        str(i) for i in service.service_at_locations.values_list("id", flat=True)
    }
    county = ServiceArea.objects.create(service=service, name="Fayette County, KY")
    body = get(client, "/api/hsds/service_at_locations?postcode=40517&per_page=200")
    assert str(service.service_at_locations.first().id) in {s["id"] for s in body["contents"]}
    county.name = "Fayette County, PA"
    county.save()
    ServiceArea.objects.filter(service=service, name__startswith="ZIP").delete()
    body = get(client, "/api/hsds/service_at_locations?postcode=40517&per_page=200")
    mine = {str(i) for i in service.service_at_locations.values_list("id", flat=True)}
    addressed = {
        str(i)
        for i in service.service_at_locations.filter(location__addresses__postal_code="40517").values_list(
            "id", flat=True
        )
    }
    assert ({s["id"] for s in body["contents"]} & mine) == addressed


def test_the_api_is_readable_from_any_origin_and_only_readable(client, directory):  # noqa: F811
    response = client.get("/api/hsds/services?per_page=1", HTTP_ORIGIN="https://tools.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        "/api/hsds/services", HTTP_ORIGIN="https://tools.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert client.post("/api/hsds/services", {}).status_code == 405
    assert "Access-Control-Allow-Origin" not in client.get("/search/?q=food")


def test_unpaged_downloads_come_from_the_daily_file_or_are_rate_limited(client, directory, settings, tmp_path):  # noqa: F811
    from django.core.management import call_command

    settings.HSDS_DUMP_DIR = tmp_path / "dumps"
    settings.HSDS_NDJSON_PER_HOUR = 2
    call_command("build_hsds_dumps", "services", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for _ in range(5):  # the whole directory: the daily file, as often as anyone likes
        response = client.get("/api/hsds/services?format=ndjson")
        assert response.status_code == 200 and response["X-HSDS-Dump-Generated"]
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert len(lines) == Service.objects.count()
    org = Service.objects.exclude(feed_hash="").first().organization_id
    for _ in range(2):
        assert client.get(f"/api/hsds/services?format=ndjson&organization_id={org}").status_code == 200
    refused = client.get(f"/api/hsds/services?format=ndjson&organization_id={org}")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "per_page" in refused.json()["detail"]
    assert client.get(f"/api/hsds/services?organization_id={org}&per_page=5").status_code == 200

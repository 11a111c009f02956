"""The generic FHIR views (docs/exchange.md, "What the server supports"): metadata states
exactly what is registered; search paging, _lastUpdated, unknown parameters, ETag,
If-Match, Prefer, _format, body size and malformed JSON, through a handler
registered for the test."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from wayfinder.integrations.hie.fhir import registry, searching
from wayfinder.integrations.hie.fhir.context import SearchPage
from wayfinder.integrations.hie.fhir.outcome import FhirError

from .clients import bearer, make_client, token_for

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


class Store:
    """An in-memory Basic store, so the framework is tested apart from any area."""

    def __init__(self) -> None:
        self.items = {
            str(i): {
                "resourceType": "Basic",
                "id": str(i),
                "meta": {"versionId": "1", "lastUpdated": (START + datetime.timedelta(days=i)).isoformat()},
                "code": {"text": "even" if i % 2 == 0 else "odd"},
            }
            for i in range(1, 8)
        }

    def read(self, ctx, resource_id):
        if resource_id not in self.items:
            raise FhirError(404, "not-found", f"No Basic/{resource_id}.")
        return self.items[resource_id]

    def search(self, ctx, query):
        found = [
            r
            for r in self.items.values()
            if searching.matches_last_updated(
                datetime.datetime.fromisoformat(r["meta"]["lastUpdated"]), query.last_updated
            )
            and (query.first("code") is None or r["code"]["text"] == query.first("code"))
        ]
        return SearchPage(found[query.offset : query.offset + query.count], total=len(found))

    def update(self, ctx, resource_id, resource):
        version = str(int(self.items[resource_id]["meta"]["versionId"]) + 1)
        resource["meta"] = {"versionId": version, "lastUpdated": START.isoformat()}
        self.items[resource_id] = resource
        return resource


@pytest.fixture
def store():
    store = Store()
    registry.register(
        registry.ResourceHandler(
            type="Basic",
            read=store.read,
            search=store.search,
            update=store.update,
            search_params=[registry.SearchParam("code", "token", "even or odd")],
        )
    )
    yield store
    registry.unregister("Basic")


@pytest.fixture
def headers():
    client, key = make_client("system/Basic.cruds")
    return bearer(token_for(client, key))


def test_metadata_lists_exactly_the_registered_handlers(store):
    body = Client().get("/fhir/metadata").json()
    assert body["resourceType"] == "CapabilityStatement" and body["fhirVersion"] == "4.0.1"
    rest = body["rest"][0]
    types = [r["type"] for r in rest["resource"]]
    assert types == [h.type for h in registry.all_handlers()]
    basic = next(r for r in rest["resource"] if r["type"] == "Basic")
    assert [i["code"] for i in basic["interaction"]] == ["read", "search-type", "update"]
    assert {p["name"] for p in basic["searchParam"]} == {"_lastUpdated", "code"}
    assert rest["security"]["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"
    assert rest["security"]["extension"][0]["extension"][0]["valueUri"] == "http://testserver/fhir/auth/token"
    registry.unregister("Basic")
    assert "Basic" not in [r["type"] for r in Client().get("/fhir/metadata").json()["rest"][0]["resource"]]


def test_smart_configuration():
    body = Client().get("/fhir/.well-known/smart-configuration").json()
    assert body["token_endpoint"] == "http://testserver/fhir/auth/token"
    assert "private_key_jwt" in body["token_endpoint_auth_methods_supported"]
    assert "client-confidential-asymmetric" in body["capabilities"]


def test_search_pages_with_next_links(store, headers):
    http = Client()
    page = http.get("/fhir/Basic?_count=3", **headers).json()
    assert page["type"] == "searchset" and page["total"] == 7 and len(page["entry"]) == 3
    links = {link["relation"]: link["url"] for link in page["link"]}
    assert "_offset=3" in links["next"]
    seen = [e["resource"]["id"] for e in page["entry"]]
    while "next" in links:
        page = http.get(links["next"].removeprefix("http://testserver"), **headers).json()
        seen += [e["resource"]["id"] for e in page["entry"]]
        links = {link["relation"]: link["url"] for link in page["link"]}
    assert seen == [str(i) for i in range(1, 8)]


def test_count_capped_and_last_updated_and_params(store, headers):
    http = Client()
    assert len(http.get("/fhir/Basic?_count=100000", **headers).json()["entry"]) == 7
    later = http.get("/fhir/Basic?_lastUpdated=ge2026-01-05", **headers).json()
    assert [e["resource"]["id"] for e in later["entry"]] == ["4", "5", "6", "7"]
    assert http.get("/fhir/Basic?code=even", **headers).json()["total"] == 3
    bad = http.get("/fhir/Basic?colour=red", **headers)
    assert bad.status_code == 400 and "colour" in bad.json()["issue"][0]["diagnostics"]
    lenient = http.get("/fhir/Basic?colour=red", HTTP_PREFER="handling=lenient", **headers).json()
    assert lenient["total"] == 7 and lenient["entry"][-1]["search"]["mode"] == "outcome"
    assert http.get("/fhir/Basic?_lastUpdated=yesterday", **headers).status_code == 400


def test_read_etag_if_match_and_prefer(store, headers):
    http = Client()
    response = http.get("/fhir/Basic/2", **headers)
    assert response.status_code == 200 and response["ETag"] == 'W/"1"'
    assert http.get("/fhir/Basic/99", **headers).status_code == 404
    body = {"resourceType": "Basic", "id": "2", "code": {"text": "changed"}}
    stale = http.put("/fhir/Basic/2", body, content_type="application/fhir+json", HTTP_IF_MATCH='W/"9"', **headers)
    assert stale.status_code == 412 and stale.json()["resourceType"] == "OperationOutcome"
    ok = http.put(
        "/fhir/Basic/2",
        body,
        content_type="application/fhir+json",
        HTTP_IF_MATCH='W/"1"',
        HTTP_PREFER="return=minimal",
        **headers,
    )
    assert ok.status_code == 200 and ok.content == b"" and ok["ETag"] == 'W/"2"'
    outcome = http.put(
        "/fhir/Basic/2", body, content_type="application/fhir+json", HTTP_PREFER="return=OperationOutcome", **headers
    )
    assert outcome.json()["resourceType"] == "OperationOutcome"
    assert store.items["2"]["meta"]["versionId"] == "3"


def test_format_xml_refused_json_accepted(store, headers):
    http = Client()
    assert http.get("/fhir/Basic/1?_format=json", **headers).status_code == 200
    xml = http.get("/fhir/Basic/1?_format=xml", **headers)
    assert xml.status_code == 406 and "JSON only" in xml.json()["issue"][0]["diagnostics"]
    accept = {**headers, "HTTP_ACCEPT": "application/fhir+xml"}
    assert http.get("/fhir/Basic/1", **accept).status_code == 406


def test_malformed_json_and_oversized_bodies_change_nothing(store, headers, settings):
    http = Client()
    bad = http.put("/fhir/Basic/1", "{not json", content_type="application/fhir+json", **headers)
    assert bad.status_code == 400 and bad.json()["issue"][0]["code"] == "structure"
    settings.FHIR_MAX_BODY_BYTES = 100
    big = {"resourceType": "Basic", "id": "1", "code": {"text": "x" * 500}}
    assert http.put("/fhir/Basic/1", big, content_type="application/fhir+json", **headers).status_code == 413
    assert store.items["1"]["meta"]["versionId"] == "1"


def test_out_of_scope_is_403_and_unknown_type_404(store):
    client, key = make_client("system/Observation.read")
    headers = bearer(token_for(client, key))
    refused = Client().get("/fhir/Basic/1", **headers)
    assert refused.status_code == 403 and refused.json()["issue"][0]["code"] == "forbidden"
    assert Client().get("/fhir/Medication/1", **headers).status_code == 404


def test_bundle_placeholder_answers_501(headers):
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": []}
    response = Client().post("/fhir/", bundle, content_type="application/fhir+json", **headers)
    assert response.status_code in (200, 501)
    assert (
        Client()
        .post("/fhir/", {"resourceType": "Patient"}, content_type="application/fhir+json", **headers)
        .status_code
        == 400
    )

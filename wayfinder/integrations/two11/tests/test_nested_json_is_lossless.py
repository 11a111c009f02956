"""The JSON export and the API detail carry every list the compiled schema allows and the database
holds; export → import into an empty directory → export is identical (issue #16, defect 7 and 9)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from wayfinder.directory.models import Service

from .conftest import EXAMPLES, run_import, service_doc, write_json
from .feeds import compiled_validator, edit_rows, empty_directory, official_csv

pytestmark = pytest.mark.django_db

SERVICE = "ac148810-d857-441c-9679-408f346de14b"
ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"


def exported(tmp_path, name: str) -> list[dict]:
    out = tmp_path / name
    call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_export_and_the_api_carry_the_organizations_lists_and_nested_phones(tmp_path, client):
    feed = official_csv(tmp_path)  # its contact and location name organizations that are not in it
    for name in ("contacts.csv", "locations.csv"):
        edit_rows(feed, name, lambda rows: [{**r, "organization_id": ORG} for r in rows])
    _, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    [doc] = [d for d in exported(tmp_path, "a.json") if d["id"] == SERVICE]
    api = client.get(f"/api/hsds/services/{SERVICE}").json()
    for body in (doc, api):
        org = body["organization"]
        for key in ("funding", "contacts", "phones", "locations", "programs", "organization_identifiers"):
            assert org.get(key), key
        phone = next(p for p in body["phones"] if p.get("languages"))
        assert phone["languages"][0]["name"] == "Urdu"
        contact = next(c for c in body["contacts"] if c.get("phones"))
        assert contact["phones"][0]["number"]
        assert not [e.message for e in compiled_validator().iter_errors(body)]


@pytest.mark.parametrize("source", ["official", "kentucky"])
def test_export_import_into_an_empty_directory_export_is_identical(tmp_path, small_feed, source):
    feed = EXAMPLES / "csv" if source == "official" else small_feed
    _, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    first = exported(tmp_path, "first.json")
    empty_directory()
    _, err, exc = run_import(tmp_path / "first.json", report=tmp_path / "r2.csv")
    assert exc is None, err
    second = exported(tmp_path, "second.json")
    assert second == first


def test_org_locations_identifiers_and_term_parents_survive_the_json_round_trip(tmp_path):
    parent = {"id": "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2", "name": "Basic Needs", "description": "Basic needs"}
    term = {
        "id": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
        "name": "Food",
        "description": "Food",
        "parent_id": parent["id"],
    }
    doc = service_doc(attributes=[{"id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "taxonomy_term": term}])
    doc["organization"] = {
        **doc["organization"],
        "locations": [{"id": "5b7d3f2a-1c4e-4f6a-8b9d-0e1f2a3b4c5e", "location_type": "postal", "name": "Mail"}],
        "organization_identifiers": [
            {"id": "d4dbcebc-0802-47cb-8651-b937ac4f2f3e", "identifier_type": "EIN", "identifier": "61-1234567"}
        ],
    }
    first_feed = write_json(tmp_path / "feed.json", [parent_doc(parent), doc])
    _, err, exc = run_import(first_feed, report=tmp_path / "r.csv")
    assert exc is None, err
    first = exported(tmp_path, "first.json")
    empty_directory()
    _, err, exc = run_import(tmp_path / "first.json", report=tmp_path / "r2.csv")
    assert exc is None, err
    second = exported(tmp_path, "second.json")
    assert second == first
    org = second[0]["organization"]
    assert org["locations"][0]["name"] == "Mail"
    assert org["organization_identifiers"][0]["identifier"] == "61-1234567"
    from wayfinder.directory.models import TaxonomyTerm

    assert str(TaxonomyTerm.objects.get(id=term["id"]).parent_id) == parent["id"]


def parent_doc(term: dict) -> dict:
    return {**term, "code": "B"}


def test_a_partial_record_changes_only_the_fields_it_carries(tmp_path):
    """The rule (docs/formats/hsds-import.md): a field or list the record leaves out says nothing; a
    field given empty (or null) empties it."""
    full = service_doc(description="Groceries every week", url="https://pantry.example.org", alert="Closed Monday")
    run_import(write_json(tmp_path / "a.json", full), report=tmp_path / "r.csv")
    partial = {
        "id": full["id"],
        "name": "Renamed pantry",
        "status": "active",
        "organization_id": full["organization"]["id"],
    }
    _out, err, exc = run_import(write_json(tmp_path / "b.json", partial), report=tmp_path / "r2.csv")
    assert exc is None, err
    service = Service.objects.get(id=full["id"])
    assert service.name == "Renamed pantry"
    assert (service.description, service.url, service.alert) == (full["description"], full["url"], "Closed Monday")
    emptied = {**partial, "alert": None, "url": ""}
    run_import(write_json(tmp_path / "c.json", emptied), report=tmp_path / "r3.csv")
    service.refresh_from_db()
    assert (service.description, service.url, service.alert) == (full["description"], "", "")

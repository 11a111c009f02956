"""HSDS 3.1 additions are stored and exported; a record in the Open Referral UK profile's shape, with
the mistakes its validator's failing fixtures carry, lands with warnings and exports valid."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from wayfinder.directory.models import Attribute, Location, Service, ServiceCapacity, Url

from .conftest import run_import, service_doc, write_json
from .feeds import compiled_validator, errors, frictionless_report, report_rows

pytestmark = pytest.mark.django_db
UNIT = "187a37a2-7b40-11ef-9790-dbf7623d4407"


def hsds_31_service() -> dict:
    doc = service_doc(
        capacities=[
            {
                "id": "8896b788-7b3e-11ef-8db9-7f3d040352b3",
                "unit": {"id": UNIT, "name": "Bed", "scheme": "", "identifier": ""},
                "available": 12,
                "maximum": 20,
                "description": "Beds tonight",
                "updated": "2024-09-25T14:23:06.5+01:00",
            }
        ],
        additional_urls=[
            {"id": "30951f94-7b24-11ef-ba1b-a79405d4dcaa", "label": "Booking", "url": "https://book.example.org"}
        ],
        attributes=[
            {
                "id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e",
                "label": "Open to walk-ins",
                "value": "yes",
                "taxonomy_term": {
                    "id": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
                    "name": "Walk-in",
                    "description": "Walk-in",
                },
            }
        ],
    )
    doc["organization"] = {
        **doc["organization"],
        "additional_websites": [
            {"id": "5b1e2a3c-7b24-11ef-ba1b-a79405d4dcaa", "label": "Facebook", "url": "https://facebook.com/x"}
        ],
    }
    return doc


def test_hsds_31_capacities_urls_and_labels_round_trip(tmp_path, client):
    doc = hsds_31_service()
    _, err, exc = run_import(write_json(tmp_path / "f.json", doc), report=tmp_path / "r.csv")
    assert exc is None, err
    capacity = ServiceCapacity.objects.get()
    updated = dt.datetime(2024, 9, 25, 13, 23, 6, 500000, tzinfo=dt.UTC)
    assert (capacity.available, capacity.unit.name, capacity.updated) == (12, "Bed", updated)
    assert set(Url.objects.values_list("label", flat=True)) == {"Booking", "Facebook"}
    assert Attribute.objects.get().label == "Open to walk-ins"
    out = tmp_path / "services.json"
    call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
    [exported] = [d for d in json.loads(out.read_text()) if d["id"] == doc["id"]]
    api = client.get(f"/api/hsds/services/{doc['id']}").json()
    for body in (exported, api):
        assert body["capacities"][0]["unit"]["name"] == "Bed"
        assert body["additional_urls"][0]["url"] == "https://book.example.org"
        assert body["organization"]["additional_websites"][0]["label"] == "Facebook"
        assert body["attributes"][0]["label"] == "Open to walk-ins"
        assert not [e.message for e in compiled_validator().iter_errors(body)]
    package = tmp_path / "package"
    call_command("export_hsds", str(package), "--format", "csv", stdout=StringIO())
    assert (package / "service_capacity.csv").exists() and (package / "units.csv").exists()
    report = frictionless_report(package)
    assert report["valid"], report["problems"][:10]
    again, _, exc = run_import(out, report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in again


def uk_profile_service() -> dict:
    """A service as the UK profile publishes it (its own extra fields), with a relative url, an email
    that is not one, coordinates out of range and a dangling parent organization."""
    return {
        "id": "9b2d4c1e-1111-4a2b-9c3d-4e5f6a7b8c9d",
        "name": "Community Counselling",
        "status": "Active",
        "url": "example/counselling",
        "email": "counselling-example_org",
        "minimum_age": "12",
        "last_modified": "2023-03-15T10:30:45.123Z",
        "organization": {
            "id": "9b2d4c1e-2222-4a2b-9c3d-4e5f6a7b8c9d",
            "name": "Example Charity",
            "description": "A charity",
            "parent_organization_id": "9b2d4c1e-9999-4a2b-9c3d-4e5f6a7b8c9d",
        },
        "service_areas": [{"id": "9b2d4c1e-3333-4a2b-9c3d-4e5f6a7b8c9d", "name": "MyCity", "service_area": "MyCity"}],
        "service_at_locations": [
            {
                "id": "9b2d4c1e-4444-4a2b-9c3d-4e5f6a7b8c9d",
                "location": {
                    "id": "9b2d4c1e-5555-4a2b-9c3d-4e5f6a7b8c9d",
                    "location_type": "physical",
                    "latitude": 100,
                    "longitude": 101,
                    "accessibility": [
                        {"id": "9b2d4c1e-6666-4a2b-9c3d-4e5f6a7b8c9d", "accessibility": "Ramp", "description": "Ramp"}
                    ],
                },
            }
        ],
        "schedules": [
            {"id": "9b2d4c1e-7777-4a2b-9c3d-4e5f6a7b8c9d", "freq": "weekly", "byday": "MO", "opens_at": "10:00"}
        ],
        "attributes": [
            {
                "id": "9b2d4c1e-8888-4a2b-9c3d-4e5f6a7b8c9d",
                "taxonomy_term": {
                    "id": "9b2d4c1e-aaaa-4a2b-9c3d-4e5f6a7b8c9d",
                    "name": "Counselling",
                    "description": "x",
                    "term": "Counselling",
                },
            }
        ],
    }


def test_a_uk_profile_record_with_mistakes_lands_and_exports_valid(tmp_path, client):
    doc = uk_profile_service()
    _, err, exc = run_import(write_json(tmp_path / "uk.json", {"contents": [doc]}), report=tmp_path / "r.csv")
    assert exc is None, err
    service = Service.objects.get(id=doc["id"])
    assert (service.status, service.url, service.email, service.minimum_age) == ("active", "", "", 12)
    assert Location.objects.get(id=doc["service_at_locations"][0]["location"]["id"]).latitude is None
    warned = {(r["table"], r["field"]) for r in report_rows(tmp_path / "r.csv") if r["severity"] == "warning"}
    assert {
        ("service", "url"),
        ("service", "email"),
        ("service_area", "service_area"),
        ("taxonomy_term", "term"),
    } <= warned
    assert not errors(tmp_path / "r.csv")
    body = client.get(f"/api/hsds/services/{doc['id']}").json()
    assert not [e.message for e in compiled_validator().iter_errors(body)]


def test_availability_is_exported_as_wait_time_and_a_31_capacity_and_survives_a_reimport(tmp_path):
    """Issue #21 item 2: a partner's "full" leaves in HSDS as the 3.0 ``wait_time`` text and a 3.1
    service capacity of 0 referral places; a system importing the export (here, ours) stores that
    row once and a second export names it once, with the same id."""
    from wayfinder.directory import actions, availability
    from wayfinder.directory.models import ServiceAvailability

    doc = service_doc(wait_time="Two days")
    _, err, exc = run_import(write_json(tmp_path / "f.json", doc), report=tmp_path / "r.csv")
    assert exc is None, err
    service = Service.objects.get(id=doc["id"])
    actions.set_availability(service=service, actor=None, status="full")
    confirmed = ServiceAvailability.objects.get(service=service).confirmed_at

    def exported() -> dict:
        out = tmp_path / "services.json"
        call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
        [body] = [d for d in json.loads(out.read_text()) if d["id"] == doc["id"]]
        assert not [e.message for e in compiled_validator().iter_errors(body)]
        return body

    body = exported()
    assert body["wait_time"] == f"Full: not accepting referrals (confirmed {confirmed.date().isoformat()})"
    [capacity] = body["capacities"]
    assert capacity["available"] == 0 and capacity["unit"]["name"] == "Referral place"
    assert capacity["id"] == availability.hsds_capacity_id(service.pk)
    assert capacity["updated"].startswith(confirmed.date().isoformat())
    _, err, exc = run_import(tmp_path / "services.json", report=tmp_path / "r2.csv")
    assert exc is None, err
    assert ServiceCapacity.objects.get().id == uuid.UUID(capacity["id"])
    assert [c["id"] for c in exported()["capacities"]] == [capacity["id"]]

    actions.set_availability(service=service, actor=None, status="accepting")
    again = exported()
    assert again["wait_time"].startswith("Accepting referrals (confirmed ")
    assert capacity["id"] not in [c["id"] for c in again.get("capacities", [])]  # not the stored old "full"


def test_availability_is_in_the_csv_datapackage_and_it_stays_valid(tmp_path):
    from wayfinder.directory import actions, availability

    from .conftest import read_csv

    doc = service_doc()
    _, err, exc = run_import(write_json(tmp_path / "f.json", doc), report=tmp_path / "r.csv")
    assert exc is None, err
    service = Service.objects.get(id=doc["id"])
    actions.set_availability(service=service, actor=None, status="waitlist", wait_weeks=2)
    package = tmp_path / "package"
    call_command("export_hsds", str(package), "--format", "csv", stdout=StringIO())
    report = frictionless_report(package)
    assert report["valid"], report["problems"][:10]
    [row] = [r for r in read_csv(package, "services.csv")[1] if r["id"] == doc["id"]]
    assert row["wait_time"].startswith("Waitlist, about 2 weeks (confirmed ")
    [capacity] = read_csv(package, "service_capacity.csv")[1]
    assert (capacity["service_id"], capacity["available"]) == (doc["id"], "0")
    assert capacity["id"] == availability.hsds_capacity_id(service.pk)
    assert [u["name"] for u in read_csv(package, "units.csv")[1]] == ["Referral place"]

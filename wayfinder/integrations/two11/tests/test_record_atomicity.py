"""A record that fails validation changes nothing stored, neither it nor its children (issue #16,
defects 1, 2 and 5): it is reported with file, line, field, value and reason, --full keeps it, and
children of a rejected or missing parent are rejected too."""

from __future__ import annotations

import pytest

from wayfinder.directory.models import Attribute, Contact, Language, Metadata, Phone, Service

from .conftest import run_import, service_doc, write_json
from .feeds import edit_rows, errors, official_csv, report_rows, table_counts

pytestmark = pytest.mark.django_db

SERVICE = "ac148810-d857-441c-9679-408f346de14b"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"


def with_status(value: str):
    return lambda rows: [{**r, "status": value} for r in rows]


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_a_resent_service_with_one_invalid_field_damages_nothing(tmp_path, full):
    feed = official_csv(tmp_path)
    out, err, exc = run_import(feed, report=tmp_path / "r1.csv")
    assert exc is None, err
    before = table_counts()
    links = {
        model.__name__: sorted(model.objects.values_list("id", "service_id")) for model in (Contact, Phone, Language)
    }
    edit_rows(feed, "services.csv", with_status("open on tuesdays"))

    args = ["--full"] if full else []
    out, _, exc = run_import(feed, *args, report=tmp_path / "r2.csv")

    assert exc is not None and "record(s) failed" in str(exc)
    assert table_counts() == before
    for model in (Contact, Phone, Language):
        assert sorted(model.objects.values_list("id", "service_id")) == links[model.__name__]
    service = Service.objects.get(id=SERVICE)
    assert service.status == "active"
    [error] = [e for e in errors(tmp_path / "r2.csv") if e["table"] == "service"]
    assert error["where"] == "services.csv:2"
    assert error["field"] == "status" and error["value"] == "open on tuesdays"
    assert "is not one of" in error["reason"]
    rows = report_rows(tmp_path / "r2.csv")
    assert any(r["id"] == SERVICE and "kept: the feed's version is invalid" in r["reason"] for r in rows)
    assert "services marked inactive" not in out
    line = next(ln for ln in out.splitlines() if ln.startswith("service "))
    assert "rejected        1" in line and "kept        1" in line


def test_children_of_a_rejected_location_are_rejected_not_orphaned(tmp_path):
    feed = official_csv(tmp_path)
    edit_rows(feed, "locations.csv", lambda rows: [{**r, "location_type": "  "} for r in rows])
    _out, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is not None
    from wayfinder.directory.models import Accessibility, Address, Location

    assert not Location.objects.filter(id=LOCATION).exists()
    assert Address.objects.count() == 0 and Accessibility.objects.count() == 0
    assert Address.objects.filter(location__isnull=True).count() == 0
    reasons = {(e["table"], e["field"]): e["reason"] for e in errors(tmp_path / "r.csv")}
    assert reasons[("location", "location_type")] == "required field is missing"
    assert "location 3a19ff88-4620-4d17-9830-ac1d859eb5d5, which was rejected" in reasons[("address", "location_id")]
    assert ("accessibility", "location_id") in reasons


def test_attributes_and_metadata_of_a_rejected_service_are_rejected(tmp_path):
    feed = official_csv(tmp_path)
    edit_rows(feed, "attributes.csv", lambda rows: [{**r, "link_id": SERVICE, "link_entity": "service"} for r in rows])
    edit_rows(
        feed, "metadata.csv", lambda rows: [{**r, "resource_id": SERVICE, "resource_type": "service"} for r in rows]
    )
    edit_rows(feed, "services.csv", with_status("unknown"))
    _, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is not None
    assert Attribute.objects.count() == 0 and Metadata.objects.count() == 0
    tables = {e["table"] for e in errors(tmp_path / "r.csv")}
    assert {"service", "attribute", "metadata"} <= tables


def test_when_every_record_fails_it_never_says_no_changes(tmp_path):
    feed = official_csv(tmp_path)
    run_import(feed, report=tmp_path / "r1.csv")
    edit_rows(feed, "services.csv", with_status("bogus"))
    for name in [p.name for p in feed.glob("*.csv") if p.name != "services.csv"]:
        (feed / name).unlink()
    out, _, exc = run_import(feed, report=tmp_path / "r2.csv")
    assert exc is not None
    assert "No changes" not in out
    assert "1 record(s) were rejected" in out


def test_rejected_records_leave_every_table_as_it_was_on_a_first_import(tmp_path):
    feed = official_csv(tmp_path)
    edit_rows(feed, "organizations.csv", lambda rows: [{**r, "name": "   "} for r in rows])
    before = table_counts()
    _, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is not None
    after = table_counts()
    # the organization, its services and everything hanging from them are rejected
    for table in ("organization", "service", "program", "phone", "contact", "service_at_location", "schedule"):
        assert after[table] == before[table], table
    [org_error] = [e for e in errors(tmp_path / "r.csv") if e["table"] == "organization"]
    assert org_error["field"] == "name" and org_error["where"] == "organizations.csv:2"


def test_a_nested_json_record_is_reported_by_its_path_and_takes_its_children_with_it(tmp_path):
    """JSON feeds: the report names the JSON path and the field; a rejected location's address is
    rejected with it, and the rest of the service lands."""
    from wayfinder.directory.models import Address, Location

    doc = service_doc(phones=[{"id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "number": "502-555-0100"}])
    location = doc["service_at_locations"][0]["location"]
    location["location_type"] = "on the moon"
    location["addresses"] = [
        {
            "id": "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e",
            "address_1": "1 Main St",
            "city": "Louisville",
            "state_province": "KY",
            "postal_code": "40202",
            "country": "US",
            "address_type": "physical",
        }
    ]
    _, _, exc = run_import(write_json(tmp_path / "feed.json", [doc]), report=tmp_path / "r.csv")

    assert exc is not None and "record(s) failed" in str(exc)
    assert not Location.objects.exists() and not Address.objects.exists()
    assert Service.objects.filter(id=doc["id"]).exists() and Phone.objects.filter(service_id=doc["id"]).exists()
    found = {(e["table"], e["field"]): e for e in errors(tmp_path / "r.csv")}
    bad = found[("location", "location_type")]
    assert bad["where"] == "feed.json[0].service_at_locations[0].location" and bad["value"] == "on the moon"
    assert "is not one of" in bad["reason"]
    address = found[("address", "location_id")]
    assert address["where"] == "feed.json[0].service_at_locations[0].location.addresses[0]"
    assert "which was rejected" in address["reason"]

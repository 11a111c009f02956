"""HSDS 2.0 and 1.x datapackages are detected and read as HSDS 3.0 (issue #16, deliver 3).

The fixtures (tests/fixtures/hsds-2.0, hsds-1.1) were written for these tests in the published
shapes of those versions: their file and column names, non-UUID ids, ids repeated across files.
"""

from __future__ import annotations

import json
import shutil
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from wayfinder.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Language,
    Location,
    Metadata,
    Organization,
    Phone,
    Program,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from wayfinder.integrations.two11.models import FeedIdentifier

from .conftest import run_import
from .feeds import (
    compiled_validator,
    csv_text,
    edit_rows,
    errors,
    frictionless_report,
    report_rows,
    table_counts,
    zip_folder,
)

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def copy(name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    return Path(shutil.copytree(FIXTURES / name, tmp_path / (as_name or name)))


def by_original(table: str, original: str, feed: str) -> uuid.UUID:
    return FeedIdentifier.objects.get(feed=feed, table=table, original=original).record_id


def test_an_hsds_2_0_datapackage_is_read_as_3_0(tmp_path):
    feed = copy("hsds-2.0", tmp_path)
    out, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    assert "read as HSDS 3.0 from an HSDS 2.0 datapackage" in out
    assert errors(tmp_path / "r.csv") == []
    name = "hsds-2.0"
    org = Organization.objects.get(id=by_original("organization", "1", name))
    assert (org.website, org.year_incorporated) == ("https://www.bluegrasslegal.org", 1977)
    eviction = Service.objects.get(id=by_original("service", "10", name))
    assert (eviction.status, eviction.fees_description, eviction.url) == (
        "active",
        "Free",
        "https://bluegrasslegal.org/eviction",
    )
    assert eviction.program.name == "Housing Law Program" and eviction.program.description == "Housing Law Program"
    location = Location.objects.get(id=by_original("location", "100", name))
    assert location.location_type == "physical"
    addresses = {(a.address_type, a.address_1, a.address_2) for a in Address.objects.filter(location=location)}
    assert addresses == {("physical", "300 E Main St", "Suite 200"), ("postal", "PO Box 123", "")}
    assert Address.objects.get(address_1="12 Union Ave").country == "US"
    intake = Phone.objects.get(id=by_original("phone", "1", name))
    assert sorted(Language.objects.filter(phone=intake).values_list("code", flat=True)) == ["en", "es"]
    assert Phone.objects.get(number="(859) 555-0150").contact.name == "Dana Price"
    assert {s.freq for s in Schedule.objects.all()} == {"WEEKLY"}
    daily = Schedule.objects.get(description="Every day")
    assert (daily.byday, daily.opens_at, daily.closes_at) == ("MO,TU,WE,TH,FR,SA,SU", "10:00:00", "14:00:00")
    assert Schedule.objects.get(description="Weekdays").opens_at == "09:00:00"
    assert set(ServiceArea.objects.values_list("name", flat=True)) == {"Fayette County", "Lexington, KY"}
    assert set(Language.objects.filter(service__isnull=False).values_list("code", "name")) == {
        ("es", ""),
        ("", "Spanish"),
    }
    assert Accessibility.objects.get().description == "Wheelchair accessible"
    child = TaxonomyTerm.objects.get(name="Eviction Defense")
    assert child.parent.name == "Legal Services" and child.taxonomy_label == "Open Eligibility"
    assert Attribute.objects.filter(link_id=eviction.id, taxonomy_term=child, link_entity="service").exists()
    assert Attribute.objects.filter(link_entity="address", link_id__in=Address.objects.values("id")).exists()
    assert Metadata.objects.get(resource_type="address").resource_id in set(
        Address.objects.values_list("id", flat=True)
    )
    assert str(Metadata.objects.get(resource_type="service").last_action_date) == "2024-05-01"
    warnings = [r for r in report_rows(tmp_path / "r.csv") if r["severity"] == "warning"]
    assert any(w["where"] == "payments_accepted.csv" and "payment" in w["reason"] for w in warnings)
    assert any(w["field"] == "department" and "not mapped to HSDS 3.0" in w["reason"] for w in warnings)
    assert any(w["field"] == "id" and "not UUIDs" in w["reason"] for w in warnings)


def test_a_legacy_feed_reimported_from_anywhere_matches_its_records(tmp_path):
    run_import(copy("hsds-2.0", tmp_path), report=tmp_path / "r1.csv")
    counts = Service.objects.count(), Address.objects.count(), Phone.objects.count(), Language.objects.count()
    out, _, exc = run_import(copy("hsds-2.0", tmp_path / "again"), report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in out
    moved = zip_folder(copy("hsds-2.0", tmp_path / "zip"), tmp_path / "feed-2026-11-30.zip")
    out, _, exc = run_import(moved, "--feed", "hsds-2.0", report=tmp_path / "r3.csv")
    assert exc is None and "No changes" in out, out
    assert (Service.objects.count(), Address.objects.count(), Phone.objects.count(), Language.objects.count()) == counts


def test_a_legacy_feed_exports_valid_hsds_3(tmp_path):
    run_import(copy("hsds-2.0", tmp_path), report=tmp_path / "r.csv")
    run_import(copy("hsds-1.1", tmp_path), report=tmp_path / "r2.csv")
    out = tmp_path / "services.json"
    call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
    validator = compiled_validator()
    for doc in json.loads(out.read_text()):
        assert not [e.message for e in validator.iter_errors(doc)], doc["name"]
    package = tmp_path / "package"
    call_command("export_hsds", str(package), "--format", "csv", stdout=StringIO())
    report = frictionless_report(package)
    assert report["valid"], report["problems"][:10]


def test_an_hsds_1_x_datapackage_is_read_as_3_0(tmp_path):
    out, err, exc = run_import(copy("hsds-1.1", tmp_path), report=tmp_path / "r.csv")
    assert exc is None, err
    assert "read as HSDS 3.0 from an HSDS 1.x datapackage" in out
    name = "hsds-1.1"
    shelter = Service.objects.get(id=by_original("service", "svc-1", name))
    assert shelter.eligibility_description == "Adults 18 and over; Sober on arrival"
    hours = sorted(Schedule.objects.filter(service=shelter).values_list("byday", "opens_at", "closes_at"))
    assert hours == [("MO", "18:00:00", "08:00:00"), ("TU", "18:00:00", "08:00:00")]
    day = Service.objects.get(id=by_original("service", "svc-2", name))
    closed = Schedule.objects.get(service=day, description="Closed")
    assert (str(closed.valid_from), closed.opens_at) == ("2026-12-25", "")
    shelter_term = TaxonomyTerm.objects.get(name="Emergency Shelter")
    assert shelter_term.description == "Emergency Shelter" and shelter_term.parent.name == "Housing"
    assert Attribute.objects.filter(link_id=shelter.id, taxonomy_term=shelter_term).exists()
    assert Language.objects.get(service=shelter).name == "English"
    assert Language.objects.get(phone__service=shelter).code == "en"
    warnings = [r for r in report_rows(tmp_path / "r.csv") if r["severity"] == "warning"]
    assert any(w["field"] == "keywords" for w in warnings)
    assert not errors(tmp_path / "r.csv")
    assert Program.objects.count() == 0


def test_an_hsds_1_0_service_location_id_links_the_service_to_that_location(tmp_path):
    """HSDS 1.0 had no services_at_location: a service named its one place in services.location_id."""
    feed = copy("hsds-1.1", tmp_path, "hsds-1.0")

    def one_zero(rows: list[dict]) -> list[dict]:
        rows[0]["location_id"] = "loc-1"  # also in services_at_location.csv (sal-1): not linked twice
        rows.append({**rows[1], "id": "svc-3", "name": "Clothing Closet", "location_id": "loc-1"})
        return rows

    edit_rows(feed, "services.csv", one_zero)
    out, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    name = "hsds-1.0"
    closet = Service.objects.get(id=by_original("service", "svc-3", name))
    shelter = Service.objects.get(id=by_original("service", "svc-1", name))
    place = Location.objects.get(id=by_original("location", "loc-1", name))
    assert list(ServiceAtLocation.objects.filter(service=closet).values_list("location", flat=True)) == [place.id]
    assert ServiceAtLocation.objects.filter(service=shelter).count() == 1
    rows = report_rows(tmp_path / "r.csv")
    linked = [r for r in rows if "linked as a service_at_location" in r["reason"]]
    assert len(linked) == 1 and "1 value" in linked[0]["reason"] and linked[0]["where"].startswith("services.csv")
    assert not [r for r in rows if r["field"] == "location_id" and "dropped" in r["reason"]]
    assert not errors(tmp_path / "r.csv")
    # the made link has a stable id: the same feed again changes nothing
    counts = table_counts()
    again = copy("hsds-1.1", tmp_path / "again", "hsds-1.0")
    edit_rows(again, "services.csv", one_zero)
    out, _, exc = run_import(again, report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in out, out
    assert table_counts() == counts


def test_an_hsds_1_0_feed_without_service_organizations_is_read_as_3_0(tmp_path):
    """HSDS 1.0's shape, still exported by Ohana API directories: a service names its location and
    no organization, addresses have no type, a phone's type is ``number_type``. Each service is run
    by its location's organization, the export is valid HSDS 3.0."""
    feed = tmp_path / "ohana-export"
    feed.mkdir()
    files = {
        "organizations.csv": (
            ["id", "name", "description", "email", "website"],
            [["1", "Westside Pantry", "Food for the west end.", "info@westside.org", "westside.org"]],
        ),
        "locations.csv": (
            ["id", "organization_id", "name", "description", "virtual"],
            [["10", "1", "Westside church hall", "Ground floor.", "FALSE"]],
        ),
        "services.csv": (
            ["id", "location_id", "name", "description", "website", "status", "keywords"],
            [["100", "10", "Saturday pantry", "Groceries.", "westside.org/pantry", "Active", "food"]],
        ),
        "addresses.csv": (
            ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country"],
            [["1", "10", "12 Elm St", "Louisville", "KY", "40211", "US"]],
        ),
        "phones.csv": (
            ["id", "location_id", "organization_id", "service_id", "number", "number_type"],
            [["1", "", "", "100", "502-555-0100", "voice"]],
        ),
    }
    for name, (header, rows) in files.items():
        (feed / name).write_text(csv_text(header, rows), encoding="utf-8")
    out, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    assert "read as HSDS 3.0 from an HSDS 1.x datapackage" in out
    assert not errors(tmp_path / "r.csv")
    pantry = Service.objects.get(id=by_original("service", "100", "ohana-export"))
    assert pantry.organization.name == "Westside Pantry"
    assert pantry.url == "https://westside.org/pantry"
    assert [sal.location.name for sal in ServiceAtLocation.objects.filter(service=pantry)] == ["Westside church hall"]
    assert Address.objects.get().address_type == "physical"
    assert Phone.objects.get(service=pantry).type == "voice"
    reasons = {r["field"]: r["reason"] for r in report_rows(tmp_path / "r.csv") if r["table"] == "service"}
    assert reasons["organization_id"].startswith("not given: the organization of the service's location")
    assert "dropped" in reasons["keywords"]
    package = tmp_path / "package"
    call_command("export_hsds", str(package), "--format", "csv", stdout=StringIO())
    report = frictionless_report(package)
    assert report["valid"], report["problems"][:10]

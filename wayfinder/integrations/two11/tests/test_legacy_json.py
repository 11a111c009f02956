"""HSDS 2.0 JSON (the HSDS API 1.0 shape, and the first Open Referral UK profile) is read as HSDS 3.0.

The fixture ``fixtures/hsds-2.0-api-service.json`` was written for this test in that shape: a service
with 2.0's nested names (``regular_schedules``, ``holiday_schedules``, ``eligibilitys``, ``fundings``,
``service_taxonomys``, a location's ``physical_addresses`` and ``accessibility_for_disabilities``, no
``location_type``), UK-profile fields 3.0 does not have, and ids that are not UUIDs."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from wayfinder.directory.models import Accessibility, Address, Attribute, Funding, Location, Schedule, Service

from .conftest import run_import, service_doc, write_json
from .feeds import compiled_validator, errors, report_rows, table_counts

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "fixtures" / "hsds-2.0-api-service.json"


def test_an_hsds_2_0_service_document_is_read_as_3_0(tmp_path):
    feed = Path(shutil.copy(FIXTURE, tmp_path / "uk-feed.json"))
    _, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    assert not errors(tmp_path / "r.csv")
    service = Service.objects.get(name="Family Support Drop-in")
    assert (service.fees, service.eligibility_description, service.minimum_age) == (
        "Free",
        "Parents of children under 5",
        16,
    )
    assert service.organization.website == "https://example.org"
    hours = {
        (s.byday, s.opens_at, str(s.valid_from or ""), s.description) for s in Schedule.objects.filter(service=service)
    }
    assert hours == {("MO,WE", "09:00:00", "", "Mornings"), ("", "", "2026-12-25", "Closed")}
    assert list(Funding.objects.filter(service=service).values_list("source_text", flat=True)) == ["County council"]
    term = Attribute.objects.get(link_id=service.id).taxonomy_term
    assert (term.name, term.taxonomy_label) == ("Family support", "esdServiceTypes")
    place = Location.objects.get(name="Northtown Children's Centre")
    assert place.location_type == "physical"
    assert Address.objects.get(location=place).address_type == "physical"
    assert Accessibility.objects.get(location=place).description == "Step-free access"
    assert set(service.service_areas.values_list("name", flat=True)) == {"Northtown"}
    assert set(service.languages.values_list("code", "name")) == {("", "English"), ("pl", "")}

    said = {
        (r["table"], r["field"]): r["reason"] for r in report_rows(tmp_path / "r.csv") if r["severity"] == "warning"
    }
    assert said[("location", "physical_addresses")] == "an HSDS 2.0 key: read as HSDS 3.0 addresses (1 record)"
    assert said[("service", "service_taxonomys")] == "an HSDS 2.0 key: read as HSDS 3.0 attributes (1 record)"
    assert said[("location", "location_type")] == "not given (HSDS 2.0 has none): physical (1 record)"
    assert said[("service", "attending_type")].startswith("not an HSDS field of service: ignored")

    # what was stored exports as valid HSDS 3.0, and the same document again changes nothing
    out = tmp_path / "services.json"
    call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
    validator = compiled_validator()
    for doc in json.loads(out.read_text()):
        assert not [e.message for e in validator.iter_errors(doc)], doc["name"]
    counts = table_counts()
    (tmp_path / "again").mkdir()
    again = Path(shutil.copy(FIXTURE, tmp_path / "again" / "uk-feed.json"))
    stdout, _, exc = run_import(again, report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in stdout, stdout
    assert table_counts() == counts


def test_a_3_0_document_with_a_2_0_named_key_keeps_its_3_0_values(tmp_path):
    """Where a document has both, the 3.0 key's value wins (the 2.0 one only fills what is empty)."""
    doc = service_doc()
    doc["organization"] = {**doc["organization"], "website": "https://a.example.org", "url": "https://b.example.org"}
    _, err, exc = run_import(write_json(tmp_path / "feed.json", [doc]), report=tmp_path / "r.csv")
    assert exc is None, err
    assert Service.objects.get(id=doc["id"]).organization.website == "https://a.example.org"


def test_an_open_referral_uk_1_0_api_page_is_read(tmp_path):
    """That API pages its services as ``content`` (with ``totalElements``), not 3.0's ``contents``."""
    doc = json.loads(FIXTURE.read_text())[0]
    page = {"totalElements": 1, "totalPages": 1, "number": 1, "size": 50, "first": True, "last": True, "content": [doc]}
    _, err, exc = run_import(write_json(tmp_path / "page.json", page), report=tmp_path / "r.csv")
    assert exc is None, err
    assert Service.objects.filter(name="Family Support Drop-in").count() == 1
    assert [r["where"] for r in errors(tmp_path / "r.csv")] == []


def test_2_0_keys_of_the_wrong_shape_are_reported_not_lost(tmp_path):
    """A 2.0 key whose value is not what 2.0 gives it stays an unknown key (reported as ignored); a
    list item that is not an object rejects its document, as in a 3.0 list."""
    doc = json.loads(FIXTURE.read_text())[0]
    odd = {**doc, "regular_schedules": "Mon-Fri 9-5", "eligibilitys": [{"id": "e", "eligibility": {"x": 1}}]}
    broken = {**doc, "id": "svc-2", "name": "Broken", "holiday_schedules": [7]}
    _, _, exc = run_import(write_json(tmp_path / "feed.json", [odd, broken]), report=tmp_path / "r.csv")
    assert exc is not None  # the broken document
    rows = report_rows(tmp_path / "r.csv")
    ignored = {r["field"] for r in rows if r["reason"].startswith("not an HSDS field of service: ignored")}
    assert {"regular_schedules", "eligibilitys"} <= ignored
    assert [(e["where"], e["reason"]) for e in errors(tmp_path / "r.csv")] == [
        ("feed.json[1].schedules[1]", "expected a JSON object for schedule, got int")
    ]
    assert list(Service.objects.values_list("name", flat=True)) == ["Family Support Drop-in"]
    assert Service.objects.get().eligibility_description == ""

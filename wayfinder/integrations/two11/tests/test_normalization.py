"""What real feeds contain is normalized, said in the report, and exports valid (issue #16, defects 3
and 8, deliver 2)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from wayfinder.directory.models import Address, Organization, Schedule, Service

from .conftest import EXAMPLES, run_import, service_doc, write_json
from .feeds import compiled_validator, edit_rows, errors, frictionless_report, official_csv, report_rows

pytestmark = pytest.mark.django_db

SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def test_the_official_location_example_exports_a_valid_csv_datapackage(tmp_path):
    _, err, exc = run_import(EXAMPLES / "location.json", report=tmp_path / "r.csv")
    assert exc is None, err
    assert set(Schedule.objects.values_list("opens_at", flat=True)) <= {"", "09:00:00", "10:00:00", "17:00:00"}
    out = tmp_path / "package"
    call_command("export_hsds", str(out), "--format", "csv", stdout=StringIO())
    report = frictionless_report(out)
    assert report["valid"], report["problems"][:10]


def test_urls_without_a_scheme_and_bad_emails_never_reach_the_export(tmp_path):
    doc = service_doc(url="www.example.org/pantry", email="pantry at example dot org")
    doc["organization"] = {**doc["organization"], "website": "  WWW.Example.ORG ", "email": "Info@Example.org "}
    _, err, exc = run_import(write_json(tmp_path / "f.json", doc), report=tmp_path / "r.csv")
    assert exc is None, err
    service = Service.objects.get(id=doc["id"])
    assert service.url == "https://www.example.org/pantry"
    assert service.email == ""
    org = Organization.objects.get(id=doc["organization"]["id"])
    assert org.website == "https://WWW.Example.ORG" and org.email == "Info@Example.org"
    warnings = [r for r in report_rows(tmp_path / "r.csv") if r["severity"] == "warning"]
    assert any(w["field"] == "url" and "https://" in w["reason"] for w in warnings)
    assert any(w["field"] == "email" and "not an email address" in w["reason"] for w in warnings)
    out = tmp_path / "services.json"
    call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
    validator = compiled_validator()
    for exported in json.loads(out.read_text()):
        assert not [e.message for e in validator.iter_errors(exported)]


MESSY = [
    ("status", "Active", "active"),
    ("status", "active ", "active"),
    ("status", "TEMPORARILY CLOSED", "temporarily closed"),
    ("assured_date", "03/15/2023", "2023-03-15"),
    ("assured_date", "2023-3-5", "2023-03-05"),
    ("minimum_age", " 12 ", 12.0),
    ("alert", "NULL", ""),
    ("alert", "null", ""),
    ("url", "example.org", "https://example.org"),
]


@pytest.mark.parametrize(("field", "value", "stored"), MESSY, ids=[f"{f}={v!r}" for f, v, _ in MESSY])
def test_messy_csv_values_are_normalized_and_reported_never_rejected(tmp_path, field, value, stored):
    feed = official_csv(tmp_path)
    edit_rows(feed, "services.csv", lambda rows: [{**r, field: value} for r in rows])
    _out, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    got = getattr(Service.objects.get(id=SERVICE), field)
    assert (str(got) if field == "assured_date" else got) == stored
    notes = [r for r in report_rows(tmp_path / "r.csv") if r["severity"] == "warning" and r["field"] == field]
    assert notes and "services.csv:2" in notes[0]["reason"], notes


TIMES = [("9:00", "09:00:00"), ("9:00 AM", "09:00:00"), ("10:00", "10:00:00"), ("5:30 pm", "17:30:00")]


@pytest.mark.parametrize(("value", "stored"), TIMES)
def test_times_become_hh_mm_ss(tmp_path, value, stored):
    feed = official_csv(tmp_path)
    edit_rows(feed, "schedules.csv", lambda rows: [{**r, "opens_at": value} for r in rows])
    _, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    assert Schedule.objects.get().opens_at == stored


def test_required_fields_of_only_spaces_are_missing_and_other_text_is_trimmed(tmp_path):
    feed = official_csv(tmp_path)
    edit_rows(feed, "addresses.csv", lambda rows: [{**r, "state_province": "FL ", "city": "  MyCity  "} for r in rows])
    edit_rows(feed, "services.csv", lambda rows: [{**r, "name": "   "} for r in rows])
    _, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is not None
    address = Address.objects.get()
    assert (address.state_province, address.city) == ("FL", "MyCity")
    [error] = [e for e in errors(tmp_path / "r.csv") if e["table"] == "service"]
    assert error["field"] == "name" and error["reason"] == "required field is missing"
    assert not Service.objects.exists()


def test_country_of_only_spaces_rejects_the_address(tmp_path):
    feed = official_csv(tmp_path)
    edit_rows(feed, "addresses.csv", lambda rows: [{**r, "country": "   "} for r in rows])
    _, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is not None
    assert not Address.objects.exists()
    assert [(e["table"], e["field"]) for e in errors(tmp_path / "r.csv")] == [("address", "country")]


def test_json_numbers_given_as_strings_are_accepted(tmp_path):
    doc = service_doc(minimum_age="12", maximum_age=" 65 ")
    _, err, exc = run_import(write_json(tmp_path / "f.json", doc), report=tmp_path / "r.csv")
    assert exc is None, err
    service = Service.objects.get(id=doc["id"])
    assert (service.minimum_age, service.maximum_age) == (12, 65)
    assert any(r["field"] == "minimum_age" for r in report_rows(tmp_path / "r.csv") if r["severity"] == "warning")


def test_each_normalization_is_counted_per_field_with_examples(tmp_path):
    feed = official_csv(tmp_path)
    edit_rows(feed, "services.csv", lambda rows: [{**r, "status": "Active"} for r in rows])
    _, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None
    [note] = [r for r in report_rows(tmp_path / "r.csv") if r["field"] == "status"]
    assert note["severity"] == "warning" and note["table"] == "service"
    assert "1 value" in note["reason"] and "'Active' → 'active'" in note["reason"]

"""Bad input: each case gets a clear message; good records still land; nothing else changes."""

from __future__ import annotations

import csv
import json

import pytest

from wayfinder.directory.models import Location, Organization, Service

from .conftest import run_import, service_doc, write_json

GOOD_ID = "3f0c2a8e-7d1b-4c55-9f0e-0a1b2c3d4e5f"
pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Service.objects.count(), Organization.objects.count(), Location.objects.count()


def report_rows(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "x", "name": ', "malformed JSON at line 1"),
        (b"", "the file is empty"),
    ],
)
def test_it_refuses_an_unreadable_json_file_and_changes_nothing(tmp_path, content, message):
    before = counts()
    path = tmp_path / "feed.json"
    path.write_bytes(content)
    _, _, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is not None and "nothing imported" in str(exc) and message in str(exc)
    assert counts() == before
    assert any(message in r["reason"] for r in report_rows(tmp_path / "r.csv"))


def test_it_refuses_csv_with_broken_quoting(feed_copy, tmp_path):
    before = counts()
    with (feed_copy / "services.csv").open("a", encoding="utf-8") as fh:
        fh.write('a1b2c3d4-0000-4000-8000-000000000001,x,,"Unclosed name,,desc\n')
    _, _, exc = run_import(feed_copy, report=tmp_path / "r.csv")
    assert exc is not None and "nothing imported: services.csv:" in str(exc) and "broken CSV" in str(exc)
    assert counts() == before


BAD_RECORDS = [
    ("missing required field", {"name": None}, "name", "required field is missing"),
    ("bad status", {"status": "open"}, "status", "is not one of"),
    (
        "missing organization",
        {"organization": None, "organization_id": "0f0f0f0f-0000-4000-8000-000000000000"},
        "organization_id",
        "which is not in the feed or the directory",
    ),
]


@pytest.mark.parametrize(("label", "change", "field", "reason"), BAD_RECORDS, ids=[b[0] for b in BAD_RECORDS])
def test_it_reports_a_bad_record_and_lands_the_good_ones(tmp_path, label, change, field, reason):
    bad = service_doc(id="5e5e5e5e-0000-4000-8000-000000000001", name="Bad one")
    bad["service_at_locations"] = []
    bad.update({k: v for k, v in change.items() if v is not None})
    for key in [k for k, v in change.items() if v is None]:
        bad.pop(key)
    path = write_json(tmp_path / "feed.ndjson", None)
    path.write_text(json.dumps(service_doc()) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    _, err, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is not None and "1 record(s) failed" in str(exc)
    rows = [r for r in report_rows(tmp_path / "r.csv") if r["severity"] == "error"]
    assert [(r["field"], r["where"].split(":")[1]) for r in rows] == [(field, "2")]
    assert reason in rows[0]["reason"]
    assert reason in err
    assert Service.objects.filter(id=GOOD_ID).exists()
    assert not Service.objects.filter(name="Bad one").exists()


def test_out_of_range_latitude_is_reported_and_not_stored(tmp_path):
    doc = service_doc()
    doc["service_at_locations"][0]["location"]["latitude"] = 123
    _, err, exc = run_import(write_json(tmp_path / "f.json", doc), report=tmp_path / "r.csv")
    assert exc is None
    assert "coordinates (123.0, -85.75) are missing or out of range" in err
    location = Location.objects.get(id="2c3d4e5f-6071-4829-8b1c-2d3e4f5a6b7c")
    assert location.latitude is None and location.longitude is None
    assert Service.objects.filter(id=GOOD_ID).exists()


def test_duplicate_ids_in_one_feed_are_reported(tmp_path):
    path = tmp_path / "f.json"
    write_json(path, [service_doc(), service_doc(name="Second copy")])
    _, _, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is not None
    rows = report_rows(tmp_path / "r.csv")
    assert any("duplicate id" in r["reason"] and r["where"] == "f.json[1]" for r in rows)
    assert Service.objects.get(id=GOOD_ID).name == "Test Food Pantry"


def test_unknown_taxonomy_code_is_reported(tmp_path):
    term = {
        "id": "7a7a7a7a-0000-4000-8000-000000000001",
        "code": "ZZ-9999.1234",
        "name": "Nonsense",
        "description": "Not an AIRS code",
        "taxonomy": "AIRS",
    }
    doc = service_doc(
        attributes=[
            {"id": "7b7b7b7b-0000-4000-8000-000000000001", "taxonomy_term": term, "link_type": "service_taxonomy"}
        ]
    )
    _, _, exc = run_import(write_json(tmp_path / "f.json", doc), report=tmp_path / "r.csv")
    assert exc is not None
    reasons = [r["reason"] for r in report_rows(tmp_path / "r.csv") if r["severity"] == "error"]
    assert "unknown 2-1-1/AIRS taxonomy code 'ZZ-9999.1234'" in reasons
    assert any("taxonomy_term 7a7a7a7a" in r and "was rejected" in r for r in reasons)
    assert Service.objects.get(id=GOOD_ID).categories == []


def test_attribute_with_unknown_term_id_is_reported(feed_copy, tmp_path):
    path = feed_copy / "attributes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head, first = lines[0], lines[1].split(",")
    first[2] = "00000000-0000-4000-8000-00000000abcd"
    path.write_text("\n".join([head, ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    _, _, exc = run_import(feed_copy, report=tmp_path / "r.csv")
    assert exc is not None and "1 record(s) failed" in str(exc)
    assert Service.objects.count() >= 200

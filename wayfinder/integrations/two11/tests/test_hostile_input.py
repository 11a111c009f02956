"""Hostile input (issue #13 item 8): a lone surrogate, very deep nesting, a NUL byte or an over-long
value is one record's error, the same on both databases; zips that expand too far are refused before
they are read; the error report stops growing at a cap."""

from __future__ import annotations

import json
import zipfile

import pytest

from wayfinder.directory.models import Service

from .conftest import run_import, service_doc
from .feeds import errors, official_csv, report_rows, table_counts

pytestmark = pytest.mark.django_db

GOOD = service_doc()
BAD_ID = "5e5e5e5e-0000-4000-8000-000000000001"


def bad_doc(**fields) -> dict:
    return {"id": BAD_ID, "status": "active", "organization_id": GOOD["organization"]["id"], "name": "Bad", **fields}


CASES = {
    "lone surrogate": lambda: json.dumps(bad_doc(name="Pantry \ud800 here")),
    "NUL byte": lambda: json.dumps(bad_doc(description="before\u0000after")),
    "over-long name": lambda: json.dumps(bad_doc(name="x" * 501)),
    "100,000-deep nesting": lambda: json.dumps(bad_doc())[:-1] + ', "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_hostile_record_is_one_error_and_the_good_ones_land(tmp_path, case):
    path = tmp_path / "feed.ndjson"
    path.write_text(json.dumps(GOOD) + "\n" + CASES[case]() + "\n", encoding="utf-8")
    _, _, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is not None and "1 record(s) failed" in str(exc)
    assert Service.objects.filter(id=GOOD["id"]).exists()
    assert not Service.objects.filter(id=BAD_ID).exists()
    [error] = errors(tmp_path / "r.csv")
    assert error["where"] == "feed.ndjson:2"


def test_deep_nesting_in_a_json_document_costs_only_that_record(tmp_path):
    path = tmp_path / "feed.json"
    deep = json.dumps(bad_doc())[:-1] + ', "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text("[" + json.dumps(GOOD) + ",\n" + deep + "]", encoding="utf-8")
    _, _, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is not None and "1 record(s) failed" in str(exc)
    assert Service.objects.filter(id=GOOD["id"]).exists()
    [error] = errors(tmp_path / "r.csv")
    assert error["where"] == "feed.json[1]" and "nested" in error["reason"]


def test_a_nul_byte_in_a_csv_cell_is_that_rows_error(tmp_path):
    feed = official_csv(tmp_path)
    path = feed / "phones.csv"
    path.write_bytes(path.read_bytes().replace(b"Our main reception", b"Our main\x00reception"))
    _, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is not None
    assert table_counts()["phone"] == 0 and table_counts()["service"] == 1
    [error] = [e for e in errors(tmp_path / "r.csv") if e["table"] == "phone"]
    assert error["field"] == "description" and "NUL" in error["reason"]


def test_a_zip_that_expands_past_the_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.HSDS_MAX_UNZIPPED_BYTES = 1_000_000
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("organizations.csv", "id,name,description\n" + "0" * 2_000_000)
    before = table_counts()
    _, _, exc = run_import(archive, report=tmp_path / "r.csv")
    assert exc is not None and "nothing imported" in str(exc)
    assert "expands to 2,000,020 bytes, more than the limit of 1,000,000" in str(exc)
    assert table_counts() == before


def test_the_report_stops_listing_at_its_cap_and_counts_the_rest(tmp_path, settings):
    settings.HSDS_REPORT_MAX_ROWS = 50
    lines = [json.dumps({"id": f"bad-{i}", "name": "x", "status": "nope"}) for i in range(200)]
    path = tmp_path / "feed.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, _, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is not None and "200 record(s) failed" in str(exc)
    rows = report_rows(tmp_path / "r.csv")
    assert len(rows) <= 52
    assert any("150 more" in r["reason"] for r in rows)

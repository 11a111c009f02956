"""A folder and a zip of the same feed read the same; unknown files and columns are named; headers in
any case; HSDS 3.1 files; encodings and exact line numbers (issue #16, defects 4 and 6, deliver 3)."""

from __future__ import annotations

import json

import pytest

from wayfinder.directory.models import Organization, Service, ServiceCapacity, Url

from .conftest import run_import, service_doc
from .feeds import csv_text, edit_rows, empty_directory, errors, official_csv, report_rows, table_counts, zip_folder

pytestmark = pytest.mark.django_db

SERVICE = "ac148810-d857-441c-9679-408f346de14b"
ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
UNIT = "187a37a2-7b40-11ef-9790-dbf7623d4407"


def add_hsds_31_files(feed) -> None:
    (feed / "units.csv").write_text(
        csv_text(["id", "name", "scheme", "identifier", "uri"], [[UNIT, "Bed", "", "", ""]]), encoding="utf-8"
    )
    (feed / "service_capacity.csv").write_text(
        csv_text(
            ["id", "service_id", "unit_id", "available", "maximum", "description", "updated"],
            [
                [
                    "8896b788-7b3e-11ef-8db9-7f3d040352b3",
                    SERVICE,
                    UNIT,
                    "12",
                    "20",
                    "Beds tonight",
                    "2024-09-25T14:23:06Z",
                ]
            ],
        ),
        encoding="utf-8",
    )
    (feed / "url.csv").write_text(
        csv_text(
            ["id", "label", "url", "organization_id", "service_id"],
            [["30951f94-7b24-11ef-ba1b-a79405d4dcaa", "Twitter", "https://twitter.com/example", ORG, ""]],
        ),
        encoding="utf-8",
    )
    (feed / "our_notes.csv").write_text("id,note\n1,internal\n", encoding="utf-8")
    (feed / "README.txt").write_text("hello", encoding="utf-8")
    edit_rows(feed, "organizations.csv", lambda rows: [{**r, "url": "http://old.example.org"} for r in rows])


def summary_of(path) -> list[tuple[str, str, str]]:
    return sorted((r["severity"], r["table"], r["field"] + " " + r["reason"]) for r in report_rows(path))


def test_a_folder_and_a_zip_of_the_same_feed_read_the_same(tmp_path):
    feed = official_csv(tmp_path)
    add_hsds_31_files(feed)
    _, err, exc = run_import(feed, report=tmp_path / "folder.csv")
    assert exc is None, err
    counts = table_counts()
    assert Url.objects.get().url == "https://twitter.com/example"
    capacity = ServiceCapacity.objects.get()
    assert (capacity.available, capacity.maximum, capacity.unit.name) == (12, 20, "Bed")
    warnings = [r for r in report_rows(tmp_path / "folder.csv") if r["severity"] == "warning"]
    assert any("our_notes.csv" in w["where"] and "not an HSDS table" in w["reason"] for w in warnings)
    assert any(w["table"] == "organization" and w["field"] == "url" and "ignored" in w["reason"] for w in warnings)

    empty_directory()
    archive = zip_folder(feed, tmp_path / "feed.zip")
    _out, err, exc = run_import(archive, report=tmp_path / "zip.csv")
    assert exc is None, err
    assert table_counts() == counts
    assert summary_of(tmp_path / "zip.csv") == summary_of(tmp_path / "folder.csv")


def test_headers_in_another_case_are_matched(tmp_path):
    feed = official_csv(tmp_path)
    text = (feed / "organizations.csv").read_text(encoding="utf-8").split("\n", 1)
    header = ",".join(h.title() for h in text[0].split(","))
    (feed / "organizations.csv").write_text(header + "\n" + text[1], encoding="utf-8")
    _, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    assert Organization.objects.get(id=ORG).name == "Example Organization Inc."


def test_a_cp1252_byte_reads_the_file_as_cp1252_with_a_warning(tmp_path):
    feed = official_csv(tmp_path)
    path = feed / "organizations.csv"
    path.write_bytes(path.read_bytes().replace(b"Example Organization Inc.", b"Caf\xe9 Organization Inc."))
    _, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    assert Organization.objects.get(id=ORG).name == "Café Organization Inc."
    [note] = [r for r in report_rows(tmp_path / "r.csv") if "cp1252" in r["reason"]]
    assert note["severity"] == "warning" and note["where"] == "organizations.csv:2"


def test_line_numbers_are_physical_lines(tmp_path):
    """A bad record after records that span several lines is reported on the line it starts on."""
    feed = official_csv(tmp_path)

    def many(rows):
        base = rows[0]
        out = []
        for i in range(1500):
            out.append({**base, "id": f"00000000-0000-4000-8000-{i:012d}", "description": "two\nlines"})
        out.append({**base, "id": "00000000-0000-4000-8000-999999999999", "status": "wrong"})
        return out

    edit_rows(feed, "services.csv", many)
    _, _, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is not None
    [error] = [e for e in errors(tmp_path / "r.csv") if e["table"] == "service"]
    assert error["where"] == "services.csv:3002"
    lines = (feed / "services.csv").read_text(encoding="utf-8").split("\n")
    assert lines[3001].startswith("00000000-0000-4000-8000-999999999999")


@pytest.mark.parametrize("suffix", ["json", "ndjson"])
def test_a_utf8_bom_is_accepted_in_json_and_ndjson(tmp_path, suffix):
    path = tmp_path / f"feed.{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(service_doc()).encode() + b"\n")
    _, err, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is None, err
    assert Service.objects.filter(id=service_doc()["id"]).exists()

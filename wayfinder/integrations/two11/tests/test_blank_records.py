"""Empty records are skipped with a warning, never rejected (issue #16: real-world mess).

Spreadsheets leave rows of bare commas below the last record, and JSON exports leave ``{}`` or
objects of nulls: there is nothing in them to import or to reject, so they neither fail the import
nor disappear silently. The report names where they were."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from wayfinder.directory.models import Phone, Service

from .conftest import read_csv, run_import, service_doc, write_csv
from .feeds import errors, report_rows

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("form", ["3.0", "hsds-2.0"])
def test_csv_rows_with_every_cell_blank_are_skipped_with_a_warning(tmp_path, form, feed_copy):
    feed = feed_copy if form == "3.0" else shutil.copytree(FIXTURES / form, tmp_path / form)
    fields, rows = read_csv(feed, "phones.csv")
    write_csv(feed, "phones.csv", fields, rows)
    with (feed / "phones.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write("," * (len(fields) - 1) + "\r\n" + " , ,\r\n" + ",,")  # of any width, spaces too
    _, err, exc = run_import(feed, report=tmp_path / "r.csv")
    assert exc is None, err
    assert not errors(tmp_path / "r.csv")
    first = len(rows) + 2
    blank = [r for r in report_rows(tmp_path / "r.csv") if "every cell blank" in r["reason"]]
    assert [(r["where"], r["table"], r["reason"]) for r in blank] == [
        (
            f"phones.csv:{first}",
            "phone",
            f"3 rows with every cell blank (lines {first}, {first + 1}, {first + 2}): nothing to import, skipped",
        )
    ]
    assert Phone.objects.count() == len(rows)


def test_a_row_with_an_empty_id_and_other_values_is_still_rejected(feed_copy, tmp_path):
    fields, rows = read_csv(feed_copy, "phones.csv")
    write_csv(feed_copy, "phones.csv", fields, [*rows, {**rows[0], "id": ""}])
    _, _, exc = run_import(feed_copy, report=tmp_path / "r.csv")
    assert exc is not None
    assert [(e["table"], e["field"], e["reason"]) for e in errors(tmp_path / "r.csv")] == [
        ("phone", "id", "required field is missing")
    ]


@pytest.mark.parametrize("suffix", ["json", "ndjson"])
def test_json_objects_with_no_value_are_skipped_with_a_warning(tmp_path, suffix):
    docs = [service_doc(), {}, {"id": None, "name": "  ", "phones": []}]
    path = tmp_path / f"feed.{suffix}"
    text = json.dumps(docs) if suffix == "json" else "\n".join(map(json.dumps, docs)) + "\n"
    path.write_text(text, encoding="utf-8")
    _, err, exc = run_import(path, report=tmp_path / "r.csv")
    assert exc is None, err
    assert not errors(tmp_path / "r.csv")
    assert Service.objects.filter(name="Test Food Pantry").count() == 1
    where = ["feed.json[1]", "feed.json[2]"] if suffix == "json" else ["feed.ndjson:2", "feed.ndjson:3"]
    blank = [r for r in report_rows(tmp_path / "r.csv") if "with no value" in r["reason"]]
    assert [(r["where"], r["reason"]) for r in blank] == [
        (where[0], f"2 objects with no value ({', '.join(where)}): nothing to import, skipped")
    ]

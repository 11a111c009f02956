"""One hostile record is one per-record error; the good records around it land.
The same errors on SQLite and PostgreSQL (the suite runs on both), never a traceback."""

from __future__ import annotations

import gzip
import json
import random
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wayfinder.integrations.eligibility.reader import MAX_LINE_BYTES
from wayfinder.integrations.eligibility.report import MAX_REPORTED_ERRORS
from wayfinder.residents.models import Resident

pytestmark = pytest.mark.django_db


def person(individual_id: str, **overrides) -> dict:
    base = {
        "individual_id": individual_id,
        "first_name": "Jolene",
        "last_name": "Caudill",
        "date_of_birth": "1979-05-02",
        "address": {"line1": "12 Main St", "city": "Hazard", "state": "KY", "zip": "41701"},
        "cases": [{"program": "SNAP", "case_number": "5000111", "status": "active"}],
        "household_members": [{"individual_id": "KY100000999", "first_name": "Dale", "last_name": "Caudill"}],
    }
    base.update(overrides)
    return base


def run_file(tmp_path: Path, content: bytes) -> tuple[str, list[str]]:
    """Import ``content`` between two good records; (screen output, error report lines)."""
    good = [json.dumps(person("KY200000001")).encode(), json.dumps(person("KY200000003")).encode()]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(good[0] + b"\n" + content + b"\n" + good[1] + b"\n")
    out = StringIO()
    with pytest.raises(CommandError, match=r"problem\(s\) in 1 record\(s\)"):
        call_command("import_eligibility", str(path), stdout=out)
    assert set(Resident.objects.values_list("individual_id", flat=True)) >= {"KY200000001", "KY200000003"}
    assert not Resident.objects.filter(individual_id="KY200000002").exists()
    report = (tmp_path / "feed.jsonl.errors.csv").read_text(encoding="utf-8").splitlines()
    return out.getvalue(), report


def line(**overrides) -> bytes:
    return json.dumps(person("KY200000002", **overrides)).encode()


HOSTILE = [
    # a lone surrogate, written the way JSON allows it
    (
        b'{"individual_id": "KY200000002", "first_name": "A\\ud800", "last_name": "B", "date_of_birth": "1970-01-01"}',
        "line 2 id=KY200000002 field=first_name: contains a control character, NUL or invalid Unicode",
    ),
    (
        b'{"individual_id": "KY2\\udfff", "first_name": "A", "last_name": "B", "date_of_birth": "1970-01-01"}',
        "line 2 id=KY2\\udfff field=individual_id: contains a control character, NUL or invalid Unicode",
    ),
    # NUL: PostgreSQL text cannot hold it
    (line(last_name="Caud\u0000ill"), "line 2 id=KY200000002 field=last_name: contains a control character, NUL"),
    (line(address={"line1": "1 Main\u0000", "state": "KY"}), "field=address.line1: contains a control character"),
    # longer than the column: on PostgreSQL a DataError aborted the batch
    (line(first_name="J" * 101), "line 2 id=KY200000002 field=first_name: longer than 100 characters"),
    (line(address={"state": "ßß"}), "field=address.state: longer than 2 characters"),  # upper-cased: SSSS
    (
        line(household_members=[{"individual_id": "ß" * 20, "first_name": "D", "last_name": "C"}]),
        "field=household_members[0].individual_id: longer than 32 characters",
    ),
    (line(first_name="中" * 50), "field=first_name: longer than 100 characters once written in Latin letters"),
    (
        line(cases=[{"program": "SNAP", "case_number": "9" * 33, "status": "active"}]),
        "field=cases[0].case_number: longer than 32 characters",
    ),
    # deep nesting: the JSON parser's recursion limit, and below it
    (b"[" * 100_000 + b"]" * 100_000, "line 2 id=- field=-: nested more than 16 levels deep"),
    (json.dumps(person("KY200000002", extra=json.loads("[" * 40 + "]" * 40))).encode(), "nested more than 16 levels"),
    # numbers Python will not convert, types where text belongs
    (
        b'{"individual_id": "KY200000002", "cases": [{"case_number": 1' + b"0" * 5000 + b"}]}",
        "line 2 id=- field=-: not valid JSON: Exceeds the limit",
    ),
    (line(record_status=5), "line 2 id=KY200000002 field=record_status: must be text"),
    (
        line(cases=[{"program": {"a": 1}, "case_number": 7, "status": ["active"]}]),
        "field=cases[0].program: must be text",
    ),
    # bytes that are not UTF-8, and a line too long to be a record
    (b'{"individual_id": "KY200000002", "first_name": "\xff\xfe"}', "line 2 id=- field=-: not valid UTF-8 (byte 49"),
    (b"x" * (MAX_LINE_BYTES + 10), "line 2 id=- field=-: line longer than 1 MB"),
]


@pytest.mark.parametrize("content, message", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_a_hostile_record_is_a_per_record_error(tmp_path, content, message):
    out, report = run_file(tmp_path, content)
    assert message in out
    assert len(report) >= 2 and report[1].startswith("2,")
    assert all(len(row) < 400 for row in report)  # quoted values are cut short


def test_a_quoted_value_is_escaped_and_short(tmp_path):
    out, _report = run_file(
        tmp_path, line(cases=[{"program": "W" * 5000 + "\u0007", "case_number": "1", "status": "active"}])
    )
    reason = next(text for text in out.splitlines() if "cases[0].program" in text)
    assert len(reason) < 200


def test_a_binary_file_gives_line_errors_and_changes_nothing(tmp_path):
    call_command("import_eligibility", str(write_good(tmp_path)), stdout=StringIO())
    before = list(Resident.objects.order_by("pk").values_list("individual_id", "status", "feed_hash"))
    path = tmp_path / "photo.jpg"
    path.write_bytes(random.Random(13).randbytes(200_000))
    out = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("import_eligibility", str(path), stdout=out)
    assert "not valid UTF-8" in out.getvalue()
    with pytest.raises(CommandError, match="must end with a trailer line"):
        call_command("import_eligibility", str(path), "--full-snapshot", stdout=StringIO())
    assert list(Resident.objects.order_by("pk").values_list("individual_id", "status", "feed_hash")) == before


def write_good(tmp_path: Path) -> Path:
    path = tmp_path / "good.jsonl"
    path.write_text(json.dumps(person("KY200000001")) + "\n")
    return path


@pytest.mark.parametrize("kind", ["zip", "gzip"])
def test_an_archive_is_refused_before_it_is_read(tmp_path, kind):
    inner = (json.dumps(person("KY200000001")) + "\n").encode()
    path = tmp_path / "feed.jsonl"
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("feed.jsonl", inner)
    else:
        path.write_bytes(gzip.compress(inner))
    described = {"zip": "a ZIP archive", "gzip": "a gzip file"}[kind]
    with pytest.raises(CommandError, match=f"feed.jsonl is {described}, not a JSON lines file: unpack it"):
        call_command("import_eligibility", str(path), stdout=StringIO())
    assert not Resident.objects.filter(individual_id="KY200000001").exists()


def test_the_error_report_is_capped_then_counts_the_rest(tmp_path):
    path = tmp_path / "bad.jsonl"
    extra = 25
    path.write_bytes(b"{\n" * (MAX_REPORTED_ERRORS + extra))
    out = StringIO()
    with pytest.raises(CommandError, match=f"{MAX_REPORTED_ERRORS + extra} problem"):
        call_command("import_eligibility", str(path), stdout=out)
    report = (tmp_path / "bad.jsonl.errors.csv").read_text().splitlines()
    assert len(report) == 1 + MAX_REPORTED_ERRORS + 1
    assert report[-1] == f',,(whole line),"{extra} more problems not listed (report limit {MAX_REPORTED_ERRORS:,})"'
    assert len(out.getvalue().splitlines()) < 60  # the screen shows the first 50

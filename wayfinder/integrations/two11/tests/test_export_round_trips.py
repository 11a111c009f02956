"""Exports validate against the official schemas and re-import without a change."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from .conftest import SHARED, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def service_schema():
    schema = json.loads((SHARED / "schema" / "compiled" / "service.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_json_export_validates_and_round_trips(small_feed, tmp_path, service_schema):
    run_import(small_feed, report=tmp_path / "r.csv")
    out = tmp_path / "services.json"
    call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
    docs = json.loads(out.read_text())
    assert len(docs) == 200
    for doc in docs:
        errors = [e.message for e in service_schema.iter_errors(doc)]
        assert not errors, errors[:3]
    again, _, exc = run_import(out, report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in again


def test_ndjson_export_round_trips(small_feed, tmp_path):
    run_import(small_feed, report=tmp_path / "r.csv")
    out = tmp_path / "services.ndjson"
    call_command("export_hsds", str(out), "--format", "ndjson", stdout=StringIO())
    assert len(out.read_text().splitlines()) == 200
    again, _, exc = run_import(out, report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in again


def test_csv_export_passes_frictionless_and_round_trips(small_feed, tmp_path):
    run_import(small_feed, report=tmp_path / "r.csv")
    out = tmp_path / "package"
    call_command("export_hsds", str(out), "--format", "csv", stdout=StringIO())
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "--json", str(out / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report)[:2000]
    again, _, exc = run_import(out, report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in again


def test_csv_export_as_zip_imports(small_feed, tmp_path):
    run_import(small_feed, report=tmp_path / "r.csv")
    out = tmp_path / "package.zip"
    call_command("export_hsds", str(out), "--format", "csv", stdout=StringIO())
    again, _, exc = run_import(out, report=tmp_path / "r2.csv")
    assert exc is None and "No changes" in again

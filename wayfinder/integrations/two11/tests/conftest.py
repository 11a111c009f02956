"""Fixtures for the HSDS import/export tests: a small generated Kentucky feed and helpers."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "standards" / "hsds-3.0"
EXAMPLES = SHARED / "examples"


@pytest.fixture(scope="session")
def small_feed(tmp_path_factory) -> Path:
    """A 200-service generated datapackage (deterministic), shared read-only by the session."""
    from wayfinder.integrations.two11.generator import generate

    out = tmp_path_factory.mktemp("feed") / "ky200"
    generate(out, 200, 7)
    return out


@pytest.fixture
def feed_copy(small_feed, tmp_path) -> Path:
    """A private, editable copy of the small feed."""
    return Path(shutil.copytree(small_feed, tmp_path / "feed"))


def read_csv(folder: Path, name: str) -> tuple[list[str], list[dict]]:
    """A feed's CSV file: its header and its rows."""
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_csv(folder: Path, name: str, fields: list[str], rows: list[dict]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)


def run_import(path: Path, *args: str, report: Path | None = None) -> tuple[str, str, CommandError | None]:
    """Run import_hsds; returns (stdout, stderr, the CommandError if it failed)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    argv = [str(path), "--no-progress", "--no-index", *args]
    if report is not None:
        argv += ["--report", str(report)]
    try:
        call_command("import_hsds", *argv, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def service_doc(**overrides) -> dict:
    """A small valid compiled service with its organization nested."""
    doc = {
        "id": "3f0c2a8e-7d1b-4c55-9f0e-0a1b2c3d4e5f",
        "name": "Test Food Pantry",
        "status": "active",
        "organization": {
            "id": "9a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d",
            "name": "Test Org",
            "description": "Feeds people",
        },
        "service_at_locations": [
            {
                "id": "1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b",
                "location": {
                    "id": "2c3d4e5f-6071-4829-8b1c-2d3e4f5a6b7c",
                    "location_type": "physical",
                    "latitude": 38.25,
                    "longitude": -85.75,
                },
            }
        ],
    }
    doc.update(overrides)
    return doc


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path

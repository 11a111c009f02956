"""A 200 MB NDJSON feed imports with flat memory: the importer never holds the whole file."""

from __future__ import annotations

import json
import tracemalloc
import uuid

import pytest

from wayfinder.directory.models import Service

from .conftest import run_import

SIZE = 200 * 1024 * 1024


@pytest.mark.django_db
def test_a_200_mb_ndjson_file_is_streamed(tmp_path):
    """1,000 services of ~200 KB each (long descriptions): peak Python memory stays far below the file size."""
    org = {"id": str(uuid.UUID(int=1, version=4)), "name": "Big Org", "description": "x"}
    filler = "Long description of a service. " * 6600  # ~210 KB
    path = tmp_path / "big.ndjson"
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < SIZE:
            count += 1
            doc = {
                "id": str(uuid.UUID(int=10_000 + count, version=4)),
                "name": f"Service {count}",
                "status": "active",
                "description": filler,
                "organization": org,
            }
            fh.write(json.dumps(doc) + "\n")
    assert path.stat().st_size >= SIZE
    tracemalloc.start()
    try:
        _, err, exc = run_import(path, report=tmp_path / "r.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc is None, err
    assert Service.objects.count() >= count
    assert peak < 100 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB for a {SIZE / 2**20:.0f} MiB file"

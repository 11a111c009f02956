"""Every official HSDS 3.0 example imports without an error, and a second import changes nothing."""

from __future__ import annotations

import pytest

from .conftest import EXAMPLES, run_import

CASES = [*sorted(p.name for p in EXAMPLES.glob("*.json")), "csv"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_it_imports_the_official_example(name, tmp_path):
    out, err, exc = run_import(EXAMPLES / name, report=tmp_path / "r.csv")
    assert exc is None, err
    assert "errors 0" in out
    again, _, exc = run_import(EXAMPLES / name, report=tmp_path / "r2.csv")
    assert exc is None
    assert "No changes" in again


@pytest.mark.django_db
def test_it_imports_the_official_service_fully_nested(tmp_path):
    from wayfinder.directory.models import Phone, Schedule, Service, ServiceAtLocation

    run_import(EXAMPLES / "service_full.json", report=tmp_path / "r.csv")
    service = Service.objects.get(id="ac148810-d857-441c-9679-408f346de14b")
    assert service.organization.name == "Example Organization Inc."
    assert service.status == "active"
    assert ServiceAtLocation.objects.filter(service=service).exists()
    assert Phone.objects.filter(service=service).exists()
    assert Schedule.objects.filter(service=service).exists()
    assert service.source == "211" and service.last_verified is not None

"""The synthetic Kentucky directory: deterministic, statewide, and importable without errors."""

from __future__ import annotations

import csv
import filecmp
from io import StringIO

import pytest
from django.core.management import call_command


def test_it_is_deterministic_for_a_seed(tmp_path):
    for name in ("a", "b"):
        call_command(
            "generate_directory",
            str(tmp_path / name),
            "--services",
            "150",
            "--seed",
            "11",
            verbosity=0,
            stdout=StringIO(),
        )
    call_command(
        "generate_directory", str(tmp_path / "c"), "--services", "150", "--seed", "12", verbosity=0, stdout=StringIO()
    )
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    _match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert not mismatch and not errors
    assert not filecmp.cmp(tmp_path / "a" / "services.csv", tmp_path / "c" / "services.csv", shallow=False)


def test_it_covers_all_120_kentucky_counties_at_real_zips(tmp_path):
    from wayfinder.lib.geo import zip_centroid

    call_command(
        "generate_directory", str(tmp_path / "ky"), "--services", "400", "--seed", "3", verbosity=0, stdout=StringIO()
    )
    with (tmp_path / "ky" / "addresses.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["region"] for r in rows}) == 120
    assert all(r["state_province"] == "KY" and zip_centroid(r["postal_code"]) for r in rows)
    with (tmp_path / "ky" / "services.csv").open(encoding="utf-8") as fh:
        services = list(csv.DictReader(fh))
    assert len(services) == 400
    assert {"Food Pantry", "Emergency Shelter", "GED Classes", "Free Legal Aid"} <= {s["name"] for s in services}
    with (tmp_path / "ky" / "languages.csv").open(encoding="utf-8") as fh:
        assert "es" in {r["code"] for r in csv.DictReader(fh)}


@pytest.mark.django_db
def test_demo_directory_loads_once_then_is_a_no_op(settings, tmp_path, django_assert_max_num_queries):
    from wayfinder.demo.directory import ensure_demo_directory
    from wayfinder.directory.models import Service

    settings.DATA_DIR = tmp_path
    ensure_demo_directory(services=120, seed=5, index=False)
    assert Service.objects.count() >= 120
    before = list(Service.objects.order_by("id").values_list("id", "updated_at"))
    with django_assert_max_num_queries(3):
        ensure_demo_directory(services=120, seed=5, index=False)
    assert list(Service.objects.order_by("id").values_list("id", "updated_at")) == before

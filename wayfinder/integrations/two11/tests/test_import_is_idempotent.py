"""Upsert by id: re-importing changes nothing; edits update; --full deactivates; partner fields win."""

from __future__ import annotations

import csv
from collections import Counter
from io import StringIO

import pytest

from wayfinder.directory.models import Service, Source

from .conftest import read_csv, run_import, write_csv

pytestmark = pytest.mark.django_db


def rewrite_services(folder, change) -> list[dict]:
    fields, rows = read_csv(folder, "services.csv")
    rows = change(rows)
    write_csv(folder, "services.csv", fields, rows)
    return rows


def test_it_counts_created_then_unchanged(small_feed, tmp_path):
    out, _, exc = run_import(small_feed, report=tmp_path / "r.csv")
    assert exc is None
    assert "service                  created      200  updated        0  unchanged        0" in out
    assert Service.objects.filter(source=Source.TWO11).count() == 200
    again, _, _ = run_import(small_feed, report=tmp_path / "r2.csv")
    assert "service                  created        0  updated        0  unchanged      200" in again
    assert "No changes: the directory already matches this feed." in again


def test_it_assigns_categories_from_airs_codes(small_feed, tmp_path):
    run_import(small_feed, report=tmp_path / "r.csv")
    pantry = Service.objects.filter(name="Food Pantry").first()
    assert pantry is not None and {"food", "food-pantries"} <= set(pantry.categories)
    assert all(s.categories for s in Service.objects.all())


def test_a_changed_row_is_updated_and_only_it(feed_copy, tmp_path):
    run_import(feed_copy, report=tmp_path / "r.csv")
    rows = rewrite_services(feed_copy, lambda rows: [{**rows[0], "name": "Renamed pantry"}, *rows[1:]])
    out, _, _ = run_import(feed_copy, report=tmp_path / "r2.csv")
    assert "service                  created        0  updated        1  unchanged      199" in out
    assert Service.objects.get(id=rows[0]["id"]).name == "Renamed pantry"


def drop_rows(folder, service_id: str) -> None:
    """Remove a service and every row pointing at it from a datapackage folder."""
    for path in folder.glob("*.csv"):
        fields, rows = read_csv(folder, path.name)
        kept = [r for r in rows if service_id not in (r.get("id"), r.get("service_id"), r.get("link_id"))]
        write_csv(folder, path.name, fields, kept)


def test_full_marks_missing_services_inactive_and_never_deletes(small_feed, feed_copy, tmp_path):
    run_import(feed_copy, report=tmp_path / "r.csv")
    dropped = Service.objects.filter(status="active").order_by("id").first()
    drop_rows(feed_copy, str(dropped.id))
    out, _, exc = run_import(feed_copy, "--full", report=tmp_path / "r2.csv")
    assert exc is None
    assert "services marked inactive (missing from the full feed): 1" in out
    assert Service.objects.count() == 200
    dropped.refresh_from_db()
    assert dropped.status == "inactive"
    # without --full nothing is deactivated; when the service comes back it is active again
    again, _, exc = run_import(small_feed, report=tmp_path / "r3.csv")
    assert exc is None and "service                  created        0  updated        1" in again
    dropped.refresh_from_db()
    assert dropped.status == "active"


def test_partner_owned_fields_are_kept_and_reported(feed_copy, tmp_path):
    run_import(feed_copy, report=tmp_path / "r.csv")
    first = next(csv.DictReader((feed_copy / "services.csv").open()))
    Service.objects.filter(id=first["id"]).update(
        name="Partner's name", partner_owned_fields=["name"], source=Source.PARTNER
    )
    rewrite_services(
        feed_copy,
        lambda rows: [{**rows[0], "name": "Feed's new name", "description": "Feed's new description"}, *rows[1:]],
    )
    out, err, exc = run_import(feed_copy, report=tmp_path / "r2.csv")
    assert exc is None
    service = Service.objects.get(id=first["id"])
    assert service.name == "Partner's name"
    assert service.description == "Feed's new description"
    assert service.source == Source.PARTNER
    assert "conflicts 1" in out
    assert "CONFLICT" in err and "partner-owned field kept" in err


def test_it_tells_search_which_services_changed(small_feed, tmp_path, monkeypatch):
    from django.core.management import call_command

    from wayfinder.directory import search_hooks

    seen = []
    monkeypatch.setattr(search_hooks, "after_import", lambda ids: seen.append(set(ids)))
    call_command(
        "import_hsds",
        str(small_feed),
        "--no-progress",
        "--report",
        str(tmp_path / "r.csv"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert len(seen) == 1 and len(seen[0]) == 200
    call_command(
        "import_hsds",
        str(small_feed),
        "--no-progress",
        "--report",
        str(tmp_path / "r2.csv"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert len(seen) == 1  # nothing changed, nothing to re-index


def test_an_import_that_changed_rows_leaves_planner_statistics(small_feed, tmp_path):
    """Right after a bulk load the planner must not guess (see sqlwrite.refresh_statistics)."""
    from django.db import connection

    from wayfinder.audit.roles import indexed_columns

    run_import(small_feed, report=tmp_path / "r.csv")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'directory_service'")
            assert cursor.fetchone()[0] > 0
            return
        cursor.execute(
            "SELECT attname FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'directory_service'"
        )
        analyzed = {row[0] for row in cursor.fetchall()}
        # the columns an index covers (roles.indexed_columns); the others are left to autovacuum, so
        # whether they have statistics here depends on what it did after earlier tests
        assert {"id", "status", "name", "organization_id", "updated_at"} <= analyzed, analyzed
        cursor.execute(indexed_columns("'directory_service'::regclass"))
        indexed = {name.strip().strip('"') for name in cursor.fetchone()[0].split(",")}
        assert {"id", "status", "name", "organization_id", "updated_at"} <= indexed
        assert "description" not in indexed


def test_a_renamed_term_re_indexes_the_services_filed_under_it(feed_copy, tmp_path, monkeypatch):
    """A term's name is in its services' search keywords; a new link to a term re-indexes only its service."""
    from django.core.management import call_command

    from wayfinder.directory import search_hooks
    from wayfinder.directory.models import Attribute

    def imported(name: str) -> None:  # with search notified (run_import passes --no-index)
        args = [str(feed_copy), "--no-progress", "--report", str(tmp_path / name)]
        call_command("import_hsds", *args, stdout=StringIO(), stderr=StringIO())

    imported("r1.csv")
    seen: list[set[str]] = []
    monkeypatch.setattr(search_hooks, "after_import", lambda ids: seen.append({str(i) for i in ids}))
    _, links = read_csv(feed_copy, "attributes.csv")
    busiest = Counter(a["taxonomy_term_id"] for a in links if a["link_entity"] == "service").most_common(1)[0][0]
    fields, terms = read_csv(feed_copy, "taxonomy_terms.csv")
    term = next(t for t in terms if t["id"] == busiest)
    term["name"] += " and more"
    write_csv(feed_copy, "taxonomy_terms.csv", fields, terms)
    imported("r2.csv")
    filed = {str(i) for i in Attribute.objects.filter(taxonomy_term_id=term["id"]).values_list("link_id", flat=True)}
    assert len(filed) > 1 and seen == [filed]

    fields, attributes = read_csv(feed_copy, "attributes.csv")
    other = next(a for a in attributes if a["taxonomy_term_id"] != term["id"] and a["link_entity"] == "service")
    new_link = dict(other, id="0b6f1f4e-5b7a-4c1e-9d3a-7e2f4a6b8c90", taxonomy_term_id=term["id"])
    write_csv(feed_copy, "attributes.csv", fields, [*attributes, new_link])
    imported("r3.csv")
    assert seen[1] == {other["link_id"]}


def test_unchanged_rows_accepted_in_bulk_still_catch_duplicates_and_changes(feed_copy, tmp_path):
    """Unchanged CSV rows are accepted a batch at a time (importer.accept_unchanged); a batch holding
    a duplicate id still goes row by row, so the second copy is reported, and a changed row among
    unchanged ones is still updated."""
    run_import(feed_copy, report=tmp_path / "r.csv")
    rows = rewrite_services(feed_copy, lambda rows: [*rows, rows[3]])  # an unchanged row, twice
    out, _, _ = run_import(feed_copy, report=tmp_path / "r2.csv")
    assert "service                  created        0  updated        0  unchanged      200" in out
    report = (tmp_path / "r2.csv").read_text()
    assert "duplicate id" in report and f"services.csv:{len(rows) + 1}" in report
    rewrite_services(feed_copy, lambda rows: [*rows[:5], {**rows[5], "name": "Renamed again"}, *rows[6:-1]])
    out, _, _ = run_import(feed_copy, report=tmp_path / "r3.csv")
    assert "service                  created        0  updated        1  unchanged      199" in out
    assert Service.objects.get(id=rows[5]["id"]).name == "Renamed again"

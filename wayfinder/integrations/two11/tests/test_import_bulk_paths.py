"""The bulk paths of the importer give what the record-by-record rules give (docs/performance.md,
"2-1-1 import"): categories set in one statement (PostgreSQL), stored digests read a table at a time
instead of probed (PostgreSQL), COPY not waited for and foreign keys checked per statement during
the import (PostgreSQL). On SQLite the same tests hold the slow paths to the same results."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Attribute, Location, Phone, Service, TaxonomyTerm
from wayfinder.integrations.two11 import sqlwrite

from .conftest import read_csv, run_import, write_csv

pytestmark = pytest.mark.django_db


def imported(path, tmp_path) -> str:
    out, err, exc = run_import(path, report=tmp_path / f"r-{uuid.uuid4().hex[:8]}.csv")
    assert exc is None, (out, err)
    return out


def counts(out: str, table: str) -> dict[str, int]:
    line = next(ln for ln in out.splitlines() if ln.startswith(f"{table} "))
    return {k: int(v) for k, v in re.findall(r"(created|updated|unchanged|removed)\s+(\d+)", line)}


def expected_categories() -> dict[uuid.UUID, list[str]]:
    """Service.categories by the rule itself, record by record: the sorted slugs of the terms of
    every attribute whose link_id is the service's."""
    terms = {t.id: cats.categories_for_term(t.code, t.taxonomy_ref_id) for t in TaxonomyTerm.objects.all()}
    found: dict[uuid.UUID, set[str]] = {s: set() for s in Service.objects.values_list("id", flat=True)}
    for link_id, term_id in Attribute.objects.values_list("link_id", "taxonomy_term_id"):
        if link_id in found:
            found[link_id] |= terms.get(term_id, set())
    return {s: sorted(slugs) for s, slugs in found.items()}


def stored_categories() -> dict[uuid.UUID, list[str]]:
    return dict(Service.objects.values_list("id", "categories"))


def test_categories_follow_the_attributes_on_first_import_change_and_removal(feed_copy, tmp_path):
    imported(feed_copy, tmp_path)
    first = stored_categories()
    assert first == expected_categories()
    assert sum(1 for c in first.values() if c) > 100  # the feed gives most services a category

    fields, attributes = read_csv(feed_copy, "attributes.csv")
    _, terms = read_csv(feed_copy, "taxonomy_terms.csv")
    by_code = {t["code"]: t["id"] for t in terms}
    housing, pantry = by_code["BH-1800.8500"], by_code["BD-1800.2000"]
    # one service gets a second term (a union of two slug sets, in code-point order), one has its
    # term changed, one loses its only attribute, one gets the same term twice (no duplicate slug)
    a, b, c, d = attributes[0], attributes[1], attributes[2], attributes[3]
    extra = [
        {**a, "id": str(uuid.uuid4()), "taxonomy_term_id": housing},
        {**d, "id": str(uuid.uuid4())},
    ]
    b["taxonomy_term_id"] = pantry if b["taxonomy_term_id"] != pantry else housing
    write_csv(feed_copy, "attributes.csv", fields, [r for r in attributes if r is not c] + extra)
    out = imported(feed_copy, tmp_path)
    assert counts(out, "attribute") == {"created": 2, "updated": 1, "unchanged": len(attributes) - 2, "removed": 1}
    after = stored_categories()
    assert after == expected_categories()
    assert {"housing", "emergency-shelter"} <= set(after[uuid.UUID(a["link_id"])])
    assert after[uuid.UUID(c["link_id"])] == [] or Attribute.objects.filter(link_id=c["link_id"]).exists()
    assert len(after[uuid.UUID(d["link_id"])]) == len(set(after[uuid.UUID(d["link_id"])]))
    assert after != first

    again = imported(feed_copy, tmp_path)
    assert counts(again, "service")["unchanged"] == 200
    assert stored_categories() == after


@pytest.mark.parametrize("lookup", ["probes", "whole table"])
def test_a_re_import_finds_the_same_changes_by_probe_and_by_whole_table(feed_copy, tmp_path, monkeypatch, lookup):
    imported(feed_copy, tmp_path)
    if lookup == "probes":  # every table looks ten times bigger than what the feed asks for
        monkeypatch.setattr(sqlwrite, "estimated_rows", lambda model: 10**9)
    fields, services = read_csv(feed_copy, "services.csv")
    services[5]["name"] = "Renamed Pantry"
    services.append({**services[6], "id": str(uuid.uuid4()), "name": "A New Service"})
    write_csv(feed_copy, "services.csv", fields, services)
    out = imported(feed_copy, tmp_path)
    assert counts(out, "service") == {"created": 1, "updated": 1, "unchanged": 199, "removed": 0}
    assert counts(out, "phone")["created"] == 0 and counts(out, "phone")["updated"] == 0
    assert Service.objects.get(id=services[5]["id"]).name == "Renamed Pantry"
    assert Service.objects.filter(name="A New Service").count() == 1


def phone_copy() -> tuple[list[str], list, uuid.UUID]:
    """(the phone table's columns, a stored service phone's values under a new id, that id)."""
    attnames = [f.attname for f in Phone._meta.concrete_fields]
    row = list(Phone.objects.filter(service__isnull=False).values_list(*attnames)[0])
    new_id = uuid.uuid4()
    row[attnames.index("id")] = new_id
    return attnames, row, new_id


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the unawaited COPY is PostgreSQL's")
def test_a_copy_not_waited_for_still_raises_its_error_before_the_next_statement(small_feed, tmp_path):
    from wayfinder.integrations.two11 import pgbulk
    from wayfinder.integrations.two11.tables import TABLES

    imported(small_feed, tmp_path)
    attnames, row, new_id = phone_copy()
    row[attnames.index("service_id")] = uuid.uuid4()  # no such service
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        sqlwrite.begin_import()  # as the importer does: COPY is not waited for until this block ends
        names = pgbulk.check_links_per_statement([t.model._meta.db_table for t in TABLES.values()])
        assert names
        sqlwrite.write(Phone, attnames, [list(row)])  # returns once the rows are sent (write converts them in place)
        Service.objects.count()  # the next statement reads the COPY's result: the foreign key failed
    assert not Phone.objects.filter(id=new_id).exists()
    # outside an import a COPY is waited for: the error comes from the write itself
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        pgbulk.check_links_per_statement([t.model._meta.db_table for t in TABLES.values()])
        sqlwrite.write(Phone, attnames, [list(row)])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the unawaited COPY is PostgreSQL's")
def test_an_import_failing_with_a_copy_not_yet_read_keeps_nothing_and_the_next_query_works(small_feed, tmp_path):
    imported(small_feed, tmp_path)
    attnames, row, new_id = phone_copy()
    with pytest.raises(RuntimeError, match="reader failed"), transaction.atomic():
        sqlwrite.begin_import()
        sqlwrite.write(Phone, attnames, [row])  # sent, its result not read yet
        raise RuntimeError("reader failed")  # the rollback finds the connection busy and closes it
    assert Service.objects.exists()  # a new connection: the closed one's COPY is not waited for
    assert not Phone.objects.filter(id=new_id).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SET CONSTRAINTS is PostgreSQL's")
def test_after_an_import_the_foreign_keys_are_deferred_to_the_commit_again(small_feed, tmp_path):
    imported(small_feed, tmp_path)
    with transaction.atomic():
        # a child before its parent is fine until the commit, as Django's foreign keys are declared
        orphan = Phone.objects.create(number="555-0101", service_id=uuid.uuid4())
        with pytest.raises(IntegrityError), transaction.atomic():
            connection.check_constraints()
        orphan.delete()


def test_a_first_import_sets_the_categories_its_own_attributes_give(feed_copy, tmp_path):
    """A first import sets the categories from the attributes it wrote (on SQLite without reading them
    back): a term given twice counts once, an attribute of an organization gives no service a category."""
    fields, attributes = read_csv(feed_copy, "attributes.csv")
    _, organizations = read_csv(feed_copy, "organizations.csv")
    a = attributes[0]
    extra = [
        {**a, "id": str(uuid.uuid4())},  # the same term again
        {**a, "id": str(uuid.uuid4()), "link_id": organizations[0]["id"], "link_entity": "organization"},
    ]
    write_csv(feed_copy, "attributes.csv", fields, attributes + extra)
    imported(feed_copy, tmp_path)
    stored = stored_categories()
    assert stored == expected_categories()
    assert stored[uuid.UUID(a["link_id"])] and len(set(stored[uuid.UUID(a["link_id"])])) == len(
        stored[uuid.UUID(a["link_id"])]
    )
    assert sum(1 for c in stored.values() if c) > 100


def test_a_first_import_writes_each_service_with_its_categories(feed_copy, tmp_path):
    """A CSV feed's attributes are read ahead, so a first import writes every service with its
    categories: the categories pass that follows has nothing to update."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections["default"]) as queries:
        imported(feed_copy, tmp_path)
    assert stored_categories() == expected_categories()
    assert sum(1 for c in stored_categories().values() if c) > 100
    table, column = Service._meta.db_table, Service._meta.get_field("categories").column
    pattern = re.compile(rf'UPDATE "?{table}"?.* SET .*"?{column}"?')  # noqa: S608 - a pattern, not SQL
    updates = [q["sql"] for q in queries if pattern.search(q["sql"])]
    assert updates == []


def test_categories_read_ahead_are_corrected_by_the_attributes_import(feed_copy, tmp_path):
    """What the attributes' own import rejects or drops gives no category, though it was read ahead:
    a second attribute with the first one's id (a duplicate, not stored), one whose term is nowhere
    (rejected), one whose link_id is written in capitals with braces (the same service)."""
    fields, attributes = read_csv(feed_copy, "attributes.csv")
    first = attributes[0]
    bare = next(a["link_id"] for a in reversed(attributes) if a["link_id"] != first["link_id"])
    attributes = [a for a in attributes if a["link_id"] != bare]  # this service has none of its own
    other = next(a for a in attributes if a["link_id"] != first["link_id"])
    extra = [
        {**first, "link_id": bare},  # a duplicate id: the first copy wins
        {**other, "id": str(uuid.uuid4()), "link_id": bare, "taxonomy_term_id": str(uuid.uuid4())},
        {**other, "id": str(uuid.uuid4()), "link_id": "{" + first["link_id"].upper() + "}"},
    ]
    write_csv(feed_copy, "attributes.csv", fields, attributes + extra)
    _, _, exc = run_import(feed_copy, report=tmp_path / "r.csv")
    assert "2 record(s) failed" in str(exc)  # the duplicate and the unknown term
    stored = stored_categories()
    assert stored == expected_categories()
    assert stored[uuid.UUID(bare)] == []
    assert stored[uuid.UUID(first["link_id"])]


def test_new_rows_leave_out_only_nullable_columns_none_of_them_fills(small_feed, tmp_path):
    """A column no new row of the batch has a value in is left out of the INSERT or COPY (sqlwrite.
    _with_values): stored as the NULL it would have been sent; a column some row fills is kept."""
    imported(small_feed, tmp_path)
    attnames, row, new_id = phone_copy()
    fields = {f.attname: f for f in Phone._meta.concrete_fields}
    present, _ = sqlwrite._with_values(Phone, tuple(attnames), [list(row)])
    left_out = set(attnames) - set(present)
    assert left_out and all(fields[a].null and row[attnames.index(a)] is None for a in left_out)
    assert {a for a in attnames if not fields[a].null} <= set(present)
    other, other_id = list(row), uuid.uuid4()
    other[attnames.index("id")] = other_id
    assert "location_id" in left_out  # a service's phone
    location = Location.objects.values_list("id", flat=True)[0]
    other[attnames.index("location_id")] = location
    # ids as the importer gives them: 32-digit hex on SQLite (sqlwrite._converter)
    sent = [
        [v.hex if isinstance(v, uuid.UUID) and connection.vendor == "sqlite" else v for v in r] for r in (row, other)
    ]
    sqlwrite.write(Phone, attnames, sent)
    stored = dict(Phone.objects.filter(id__in=[new_id, other_id]).values_list("id", "location_id"))
    assert stored == {new_id: None, other_id: location}
    assert list(Phone.objects.filter(id=new_id).values_list(*attnames)) == [tuple(row)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_an_import_gives_the_connection_its_page_cache_size_back(small_feed, tmp_path):
    """The import's page cache is larger (upsert.SQLITE_IMPORT_CACHE_KB); a worker's connection outlives it."""
    from wayfinder.integrations.two11.upsert import SQLITE_IMPORT_CACHE_KB

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        assert before != -SQLITE_IMPORT_CACHE_KB
        imported(small_feed, tmp_path)
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


def test_a_json_feed_s_first_import_sets_the_categories_without_a_hint(small_feed, tmp_path):
    """Nested JSON gives no attributes file to read ahead: its first import sets the categories once
    the attributes are in (on PostgreSQL in one statement on the server), by the same rule."""
    from io import StringIO

    from django.core.management import call_command

    from .feeds import empty_directory

    imported(small_feed, tmp_path)
    from_csv = stored_categories()
    call_command("export_hsds", str(tmp_path / "feed.json"), "--format", "json", stdout=StringIO())
    empty_directory()
    imported(tmp_path / "feed.json", tmp_path)
    assert stored_categories() == expected_categories() == from_csv
    assert sum(1 for c in from_csv.values() if c) > 100

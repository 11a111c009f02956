"""A first import on SQLite builds a table's secondary indexes once its rows are in (deferindexes.py):
afterwards, and after an import that fails half-way, the schema holds exactly the indexes it held."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wayfinder.directory.models import Phone, Schedule, Service

from .conftest import run_import

pytestmark = pytest.mark.django_db


def indexes() -> dict[str, str]:
    """Every index of the directory's tables, by name, with the statement that makes it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'directory%%'"
            )
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'directory%%'")
        return dict(cursor.fetchall())


def statements(captured: CaptureQueriesContext, start: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].upper().startswith(start)]


def test_a_first_import_writes_rows_before_their_indexes_and_leaves_every_index(feed_copy, tmp_path):
    before = indexes()
    assert "directory_phone_service_id_b83ef6cd" in before
    with CaptureQueriesContext(connection) as captured:
        _, _, exc = run_import(feed_copy, report=tmp_path / "r.csv")
    assert exc is None
    assert indexes() == before
    assert Service.objects.count() == 200 and Phone.objects.exists() and Schedule.objects.exists()
    dropped, built = statements(captured, "DROP INDEX"), statements(captured, "CREATE INDEX")
    if connection.vendor != "sqlite":  # the application's role owns no table there: nothing is dropped
        assert dropped == [] and built == []
        return
    assert '"directory_phone_service_id_b83ef6cd"' in " ".join(dropped)
    assert len(built) == len(dropped) and set(built) <= set(before.values())
    # the index is built after the last phone is written, and before anything reads phones by service
    order = [q["sql"] for q in captured.captured_queries]
    phone_index = order.index(before["directory_phone_service_id_b83ef6cd"])
    assert max(i for i, sql in enumerate(order) if 'INSERT INTO "directory_phone"' in sql) < phone_index
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN SELECT id FROM directory_phone WHERE service_id = %s", ["0" * 32])
        assert "directory_phone_service_id_b83ef6cd" in " ".join(str(row) for row in cursor.fetchall())


def test_a_re_import_drops_no_index_of_a_table_that_holds_rows(feed_copy, tmp_path):
    assert run_import(feed_copy, report=tmp_path / "r1.csv")[2] is None
    with CaptureQueriesContext(connection) as captured:
        assert run_import(feed_copy, report=tmp_path / "r2.csv")[2] is None
    dropped = " ".join(statements(captured, "DROP INDEX"))
    for name in ("directory_phone_service_id_b83ef6cd", "directory_s_name_822ca3_idx"):
        assert name in indexes() and name not in dropped
    assert "directory_program_organization_id_64845ec9" in dropped or connection.vendor != "sqlite"


def test_an_import_that_fails_while_indexes_are_set_aside_leaves_them_all(feed_copy, tmp_path):
    before = indexes()
    with (feed_copy / "schedules.csv").open("a", encoding="utf-8") as fh:
        fh.write('a1b2c3d4-0000-4000-8000-000000000001,"unclosed\n')
    with CaptureQueriesContext(connection) as captured:
        _, _, exc = run_import(feed_copy, report=tmp_path / "r.csv")
    assert exc is not None and "broken CSV" in str(exc)
    if connection.vendor == "sqlite":  # the failure came while the schedule's indexes were set aside
        assert "directory_schedule_service_id_2870b951" in " ".join(statements(captured, "DROP INDEX"))
    assert indexes() == before
    assert not Service.objects.exists() and not Schedule.objects.exists()

"""The health check, and the SQLite settings that keep concurrent writes safe."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_when_the_database_is_unreachable(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_sqlite_pragmas_really_apply():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA journal_mode")
        # The test database lives in memory, which has no WAL; a file database does.
        assert cursor.fetchone()[0] in {"wal", "memory"}
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_file_database_uses_wal_and_immediate_transactions(tmp_path, django_db_blocker):
    """Outside the test runner's in-memory database: open the configured options
    on a real file and check what SQLite reports."""
    import sqlite3

    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**settings.DATABASES["default"], "NAME": str(tmp_path / "x.sqlite3")}, alias="probe")
    try:
        with django_db_blocker.unblock():
            wrapper.ensure_connection()
            raw: sqlite3.Connection = wrapper.connection
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 20000
            raw.execute("CREATE TABLE t (x)")
            # A transaction opened the way Django opens one takes the write lock at
            # once (BEGIN IMMEDIATE), before it writes anything: another writer waits.
            wrapper._start_transaction_under_autocommit()
            other = sqlite3.connect(str(tmp_path / "x.sqlite3"), timeout=0.2)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("INSERT INTO t VALUES (1)")
            other.close()
            raw.rollback()
    finally:
        wrapper.close()

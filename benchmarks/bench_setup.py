"""What the database benchmarks share: Django configured for a benchmark run, and
the percentile every figure in benchmarks/results is quoted with."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure_django(sqlite_name: str, *, production: bool = False) -> None:
    """Settings for a benchmark: ``DATABASE_URL`` when given (PostgreSQL), else a
    SQLite file ``benchmarks/data/<sqlite_name>.sqlite3`` kept between runs; the
    outbox queues messages but nothing is sent (dummy tasks backend).
    ``production``: DEBUG=0 (what a deployment runs; WAYFINDER_TESTING supplies the
    development secrets DEBUG=0 otherwise demands)."""
    if production:
        os.environ.update(DEBUG="0", WAYFINDER_TESTING="1")
    if not os.environ.get("DATABASE_URL"):
        data = ROOT / "benchmarks" / "data"
        data.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{data / f'{sqlite_name}.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wayfinder.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("WAYFINDER_DEMO", "1")
    os.environ["WAYFINDER_DATA_DIR"] = str(ROOT / "benchmarks" / "data" / "var")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def configure_django_in(workdir: Path, sqlite_name: str) -> None:
    """Settings for a benchmark that runs in a throwaway ``workdir`` (its SQLite file,
    search index and data directory live there), in production mode (DEBUG=0)."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / f'{sqlite_name}.sqlite3'}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wayfinder.settings",
        DEBUG="0",
        WAYFINDER_TESTING="1",
        WAYFINDER_DEMO="1",
        SEARCH_INDEX_DIR=str(workdir / "index"),
        WAYFINDER_DATA_DIR=str(workdir),
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()


def database_settings() -> dict:
    """The database's settings that move the figures, recorded beside them."""
    from django.db import connection

    described: dict = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in ("server_version", "shared_buffers", "work_mem", "fsync", "synchronous_commit",
                         "full_page_writes", "random_page_cost", "effective_cache_size"):  # fmt: skip
                cursor.execute(f"SHOW {name}")
                described[name] = cursor.fetchone()[0]
        elif connection.vendor == "sqlite":
            import sqlite3

            described["sqlite_version"] = sqlite3.sqlite_version
            for name in ("journal_mode", "synchronous", "cache_size", "page_size", "mmap_size"):
                cursor.execute(f"PRAGMA {name}")
                described[name] = cursor.fetchone()[0]
    described["conn_max_age"] = connection.settings_dict.get("CONN_MAX_AGE")
    return described


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile ``p`` (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sign_in(client, user) -> None:
    """A completed sign-in (password and, for staff, TOTP) for ``client``."""
    from wayfinder.lib.http_testing import record_full_sign_in

    client.force_login(user)
    record_full_sign_in(client, user)

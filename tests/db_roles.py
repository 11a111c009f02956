"""The test suite's two PostgreSQL roles, as production has them (docs/operations.md).

``scripts/with-postgres.sh`` exports ``DATABASE_URL`` for the application's role
(owns nothing) and ``DATABASE_OWNER_URL`` for the owner. The test database is
created and migrated as the owner, the tests run as the application's role, and
only the moments that need ownership (emptying every table after a transactional
test, a test playing an attacker with the owner's password) switch to the owner.
On SQLite there are no roles and these helpers change nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def owner_credentials() -> tuple[str, str]:
    """(user, password) of the owner role, from ``DATABASE_OWNER_URL``."""
    from wayfinder.lib.env import parse_database_url

    url = os.environ.get("DATABASE_OWNER_URL", "")
    if not url:
        raise RuntimeError(
            "DATABASE_OWNER_URL is not set: on PostgreSQL the suite migrates as the owner role and runs as the "
            "application's role (scripts/with-postgres.sh sets both)"
        )
    owner = parse_database_url(url, base_dir=ROOT)
    return owner.user, owner.password


def app_credentials() -> tuple[str, str]:
    from wayfinder.lib.env import parse_database_url

    app = parse_database_url(os.environ["DATABASE_URL"], base_dir=ROOT)
    return app.user, app.password


def use_role(which: str) -> None:
    """Point the default connection at the owner or the application's role (it
    reconnects on its next query). Only outside a transaction."""
    from django.db import connections

    user, password = owner_credentials() if which == "owner" else app_credentials()
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        connection.close()
        connection.settings_dict["USER"], connection.settings_dict["PASSWORD"] = user, password


@contextmanager
def as_owner() -> Iterator[None]:
    """The default connection as the owner for a moment (outside a transaction)."""
    if not is_postgres():
        yield
        return
    use_role("owner")
    try:
        yield
    finally:
        use_role("app")


@contextmanager
def owner_cursor() -> Iterator[object]:
    """A cursor of a second connection, as the owner, to the test database: what
    someone with the owner's password could do. It sees committed rows only, so
    tests using it are transactional. On SQLite: the test's own connection."""
    from django.db import connection

    if not is_postgres():
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    user, password = owner_credentials()
    settings = connection.settings_dict
    with (
        psycopg.connect(
            dbname=settings["NAME"],
            user=user,
            password=password,
            host=settings["HOST"],
            port=settings["PORT"],
            autocommit=True,
        ) as owner,
        owner.cursor() as cursor,
    ):
        yield cursor

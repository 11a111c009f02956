"""PostgreSQL-only set-based work of the importer (docs/performance.md, "2-1-1 import").

Measured at 100,000 services (HSDS 3.0 feed, first import): the categories pass read every
attribute and every service back to Python in chunks of 2,000 and sent the lists back, 10.1 s;
one statement that joins the attributes with the terms' slugs and updates only the services whose
list differs does the same on the server. An unchanged re-import probed the primary key once per
row (11.3 s of 19.3 s); reading a table's (id, digest) pairs once, in one streamed query, costs
about a microsecond a row.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from typing import Any

from django.db import connection, models
from psycopg import errors
from psycopg.copy import LibpqWriter
from psycopg.generators import fetch_many
from psycopg.pq import ExecStatus
from psycopg.waiting import Wait

from wayfinder.directory.models import Attribute, Service


def refresh_categories(ids: list[str], terms: dict[str, set[str]]) -> set[str]:
    """Set Service.categories of ``ids`` (hex) to the sorted slugs of their attributes' terms
    (``terms``: term id hex -> slugs); returns the ids (hex) whose list changed.

    The same rule as aftercommit.refresh_categories (which SQLite uses): every attribute whose
    link_id is the service's, whatever its link_entity; slugs sorted by code point (``COLLATE "C"``,
    what Python's sorted() does), no duplicates; a service with none gets []. Only rows whose list
    differs are updated (``IS DISTINCT FROM``), so an unchanged re-import writes nothing."""
    if not ids:
        return set()
    qn = connection.ops.quote_name
    attr, svc = qn(Attribute._meta.db_table), qn(Service._meta.db_table)
    link = qn(Attribute._meta.get_field("link_id").column)
    term = qn(Attribute._meta.get_field("taxonomy_term").column)
    pk, column = qn(Service._meta.pk.column), qn(Service._meta.get_field("categories").column)
    pairs = sorted((t, slug) for t, slugs in terms.items() for slug in slugs)
    sql = (
        "WITH ids(id) AS (SELECT unnest(%s::uuid[])), "  # noqa: S608 - names from model metadata
        "slugs(term, slug) AS (SELECT * FROM unnest(%s::uuid[], %s::text[])), "
        f"found AS (SELECT a.{link} AS id, "
        'jsonb_agg(DISTINCT t.slug COLLATE "C" ORDER BY t.slug COLLATE "C") AS c '
        f"FROM {attr} a JOIN slugs t ON t.term = a.{term} "
        f"WHERE a.{link} IN (SELECT id FROM ids) GROUP BY a.{link}) "
        f"UPDATE {svc} AS s SET {column} = COALESCE(f.c, '[]'::jsonb) "
        f"FROM ids LEFT JOIN found f ON f.id = ids.id "
        f"WHERE s.{pk} = ids.id AND s.{column} IS DISTINCT FROM COALESCE(f.c, '[]'::jsonb) "
        f"RETURNING replace(s.{pk}::text, '-', '')"
    )
    changed: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 50_000):  # bounded statements; 50,000 ids are 1.8 MB of text
            cursor.execute(sql, [ids[start : start + 50_000], [t for t, _ in pairs], [s for _, s in pairs]])
            changed.update(row[0] for row in cursor.fetchall())
    return changed


def table_digests(model: type[models.Model]) -> dict[str, str]:
    """id (32-digit hex) -> feed digest of every row of ``model``'s table, in one streamed query
    (a server-side cursor: the rows come 10,000 at a time, never all at once in the driver)."""
    qn = connection.ops.quote_name
    pk, digest = qn(model._meta.pk.column), qn(model._meta.get_field("feed_hash").column)
    sql = f"SELECT replace({pk}::text, '-', ''), {digest} FROM {qn(model._meta.db_table)}"  # noqa: S608 - meta
    out: dict[str, str] = {}
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(10_000):
            out.update(rows)
    return out


# --- COPY ------------------------------------------------------------------------------------


@cache
def copy_statement(model: type[models.Model], attnames: tuple[str, ...]) -> tuple[str, tuple[int, ...]]:
    """(the COPY statement for ``attnames`` of ``model``, the positions of its JSON columns)."""
    qn = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    cols = ", ".join(qn(fields[a].column) for a in attnames)
    json_at = tuple(i for i, a in enumerate(attnames) if fields[a].get_internal_type() == "JSONField")
    return f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN", json_at


def copy_rows(copy: Any, rows: list[list[Any]], json_at: tuple[int, ...], texts: dict[int, tuple[Any, str]]) -> None:
    """Write ``rows`` to an open COPY. JSON values go as their text (COPY's text format: the column
    parses it). Most are the same adapted object in every row (an empty list): dumped once, not once
    a row as psycopg would (``texts``: id -> (the value, kept alive so its id stays its own; text))."""
    write_row = copy.write_row
    for row in rows:
        for i in json_at:
            value = row[i]
            if value is not None:
                known = texts.get(id(value))
                if known is None:
                    known = texts[id(value)] = (value, _json_text(value))
                row[i] = known[1]
        write_row(row)


def _json_text(value: Any) -> str:
    """The JSON text of an adapted value (psycopg's Jsonb wrapper, or already text)."""
    if isinstance(value, str):
        return value
    return (getattr(value, "dumps", None) or json.dumps)(value.obj)


# --- COPY whose end the importer does not wait for ---------------------------------------------
#
# A first import is Python work (reading, checking) and server work (COPY, the foreign-key checks)
# in turn, on 2 cores: measured at 100,000 services, 40 s of client cpu and 36 s of server cpu, one
# after the other. A COPY here sends its rows and its end and returns; the server inserts and checks
# them while the importer reads the next batch. The result is read (and an error raised) before the
# connection's next statement (``settle``, called by an execute wrapper and before the next COPY).
# The foreign keys between the imported tables are checked at the end of each statement
# (``check_links_per_statement``) instead of all at the commit, so that work overlaps too: the
# importer writes parents before children (tables.ORDER), so every check holds when it runs, as it
# would at the commit; the links of a table to itself (a term's parent, an organization's parent,
# perhaps later in the same table) stay deferred.

_state = threading.local()  # Django's connections are per thread, and so is this


def _end_copy(pgconn: Any) -> Any:
    """psycopg generator: send the end of the COPY and flush it, without reading the result."""
    while pgconn.put_copy_end(None) == 0:
        while not (yield Wait.W):
            continue
    while True:
        while not (yield Wait.W):
            continue
        if pgconn.flush() == 0:
            break


class UnawaitedWriter(LibpqWriter):
    """psycopg COPY writer whose ``finish`` does not wait for the server (see above)."""

    def finish(self, exc: BaseException | None = None) -> None:
        if exc is not None:
            super().finish(exc)
            return
        self.connection.wait(_end_copy(self._pgconn))
        _state.pending = self.connection
        if _settle_first not in connection.execute_wrappers:
            connection.execute_wrappers.append(_settle_first)


def settle() -> None:
    """Read the result of a COPY sent without waiting, if any: raises its error (a database error,
    as Django gives them). Called before any other statement on the connection."""
    raw = getattr(_state, "pending", None)
    if raw is None:
        return
    _state.pending = None
    if _settle_first in connection.execute_wrappers:
        connection.execute_wrappers.remove(_settle_first)
    if raw.closed or raw is not connection.connection:
        return  # an import that failed closed that connection, and the server rolled its COPY back
    with connection.wrap_database_errors:
        for result in raw.wait(fetch_many(raw.pgconn)):
            if result.status != ExecStatus.COMMAND_OK:
                raise errors.error_from_result(result, encoding=raw.info.encoding)


def _settle_first(execute: Any, sql: str, params: Any, many: bool, context: dict) -> Any:
    settle()
    return execute(sql, params, many, context)


def _links(tables: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%%I.%%I', n.nspname, c.conname) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND c.condeferrable "
            "AND c.condeferred AND c.conrelid <> c.confrelid "
            "AND c.conrelid = ANY(%s::regclass[]) AND c.confrelid = ANY(%s::regclass[]) ORDER BY 1",
            [tables, tables],
        )
        return [row[0] for row in cursor.fetchall()]


def check_links_per_statement(tables: list[str]) -> list[str]:
    """Check the deferred foreign keys between ``tables`` (not a table's links to itself) at the
    end of each statement, until ``check_links_at_commit``; returns their names."""
    names = _links(tables)
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")
    return names


def check_links_at_commit(names: list[str]) -> None:
    """Back to the constraints' own timing (deferred to the commit), for the rest of the import."""
    settle()
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(names)} DEFERRED")

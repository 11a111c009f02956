"""PostgreSQL-only set-based work of the importer (docs/performance.md, "2-1-1 import").

Measured at 100,000 services (HSDS 3.0 feed, first import): the categories pass read every
attribute and every service back to Python in chunks of 2,000 and sent the lists back, 10.1 s;
one statement that joins the attributes with the terms' slugs and updates only the services whose
list differs does the same on the server. An unchanged re-import probed the primary key once per
row (11.3 s of 19.3 s); reading a table's (id, digest) pairs once, in one streamed query, costs
about a microsecond a row.
"""

from __future__ import annotations

from django.db import connection, models

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

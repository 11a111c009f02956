"""Categories (read ahead for a first import, then set from the written attributes) and, for full
feeds, deactivation: the importer's work around the rows it writes."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Attribute, Service, ServiceStatus, Source, TaxonomyTerm

from . import pgbulk

BATCH = 2000


def _term_categories() -> dict[str, set[str]]:
    """term id (hex) -> the SDoH slugs it gives a service that has it."""
    return {
        t.hex: cats.categories_for_term(c, tax)
        for t, c, tax in TaxonomyTerm.objects.values_list("id", "code", "taxonomy_ref_id")
    }


def _write_categories(cursor: Any, stale: list[tuple[str, tuple[str, ...]]]) -> None:
    """(service id as 32-digit hex, its sorted slugs) written; each distinct list adapted once (a first
    import may set every service's list, and there are only a few hundred lists)."""
    field = Service._meta.get_field("categories")
    adapted = {v: connection.ops.adapt_json_value(list(v), field.encoder) for v in {v for _, v in stale}}
    qn = connection.ops.quote_name
    table, column, pk = qn(Service._meta.db_table), qn(field.column), qn(Service._meta.pk.column)
    cursor.executemany(
        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608 - names from model metadata
        [(adapted[v], i) for i, v in stale],
    )


def refresh_categories(service_ids: Iterable[Any]) -> set[str]:
    """Recompute Service.categories (SDoH slugs from the services' taxonomy terms) of ``service_ids``
    (hex or UUIDs); returns the ids (hex) that changed. Raw SQL, ids as text: this reads every
    service of a first import, and the ORM would build two UUID objects per row."""
    terms = _term_categories()
    ids = sorted({i.hex if isinstance(i, uuid.UUID) else str(i).replace("-", "").lower() for i in service_ids})
    if connection.vendor == "postgresql":  # one statement on the server (pgbulk), measured 2x faster
        return pgbulk.refresh_categories(ids, {t: slugs for t, slugs in terms.items() if slugs})
    qn = connection.ops.quote_name
    attr, svc = qn(Attribute._meta.db_table), qn(Service._meta.db_table)
    link, term, sid = "link_id", "taxonomy_term_id", "id"  # SQLite stores UUIDs as the hex text used here
    changed: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            params, test = _in(chunk)
            found: dict[str, set[str]] = defaultdict(set)
            cursor.execute(f"SELECT {link}, {term} FROM {attr} WHERE link_id {test}", params)  # noqa: S608
            for link_id, term_id in cursor.fetchall():
                found[link_id] |= terms.get(term_id, set())
            cursor.execute(f"SELECT {sid}, categories FROM {svc} WHERE id {test}", params)  # noqa: S608
            stale = []
            for service_id, current in cursor.fetchall():
                current = json.loads(current) if isinstance(current, str) else current
                new = tuple(sorted(found.get(service_id, ())))
                if list(new) != current:
                    stale.append((service_id, new))
            if stale:
                _write_categories(cursor, stale)
                changed.update(i for i, _ in stale)
    return changed


def categories_hint(links: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """service id (hex) -> its sorted slugs, by the rule of ``refresh_categories``, from (link_id,
    taxonomy_term_id) cells as a CSV feed gives them, unchecked (``TabularReader.attribute_links``).

    A first import writes each service with these, so that the categories pass finds nothing to
    update when the attributes' own import agrees, as it does unless some are rejected. Measured
    at 100,000 services on PostgreSQL: updating every service's categories after the attributes
    were in was 5 s the importer spent waiting. Cells that are not a UUID give no hint."""
    terms = _term_categories()
    by_cell: dict[str, set[str]] = {}  # a feed names a few hundred terms, each many times
    found: dict[str, set[str]] = defaultdict(set)
    for link, term in links:
        slugs = by_cell.get(term)
        if slugs is None:
            slugs = by_cell[term] = terms.get(_hex_or_blank(term), set())
        if slugs and (service := _hex_or_blank(link)):
            found[service] |= slugs
    return {service: tuple(sorted(slugs)) for service, slugs in found.items()}


def _hex_or_blank(cell: str) -> str:
    try:
        return uuid.UUID(cell.strip()).hex
    except ValueError:
        return ""


def set_new_categories(links: dict[str, set[str]], written: dict[str, tuple[str, ...]]) -> set[str]:
    """Set the categories of services this import created, where every attribute that links to them
    was also created by it: ``links`` maps a service id (hex) to its attributes' term ids (hex),
    ``written`` maps it to the slugs it was written with (``categories_hint``; others have none).
    Only the services whose list differs are updated; returns the ids (hex) with a list, or with a
    list updated.

    The same rule as ``refresh_categories``, from what the importer already holds instead of read
    back: measured at 100,000 services on SQLite, reading every attribute and service back was
    most of the categories pass of a first import."""
    terms = _term_categories()
    stale, listed = [], set()
    for service_id in sorted(links.keys() | written.keys()):  # in key order: the updates walk the index once
        found: set[str] = set()
        for term_id in links.get(service_id, ()):
            found |= terms.get(term_id, set())
        now = tuple(sorted(found))
        if now:
            listed.add(service_id)
        if now != written.get(service_id, ()):
            stale.append((service_id, now))
    if stale and connection.vendor == "postgresql":  # e.g. a JSON feed (no hint): one statement on the server
        pgbulk.refresh_categories([i for i, _ in stale], {t: slugs for t, slugs in terms.items() if slugs})
    elif stale:
        with connection.cursor() as cursor:
            _write_categories(cursor, stale)
    return listed | {i for i, _ in stale}


def _in(chunk: list[str]) -> tuple[list[Any], str]:
    return chunk, f"IN ({', '.join(['%s'] * len(chunk))})"


def deactivate_missing(feed_service_ints: set[int], now: dt.datetime) -> list[uuid.UUID]:
    """--full: 2-1-1 services the feed no longer lists become inactive (never deleted); returns their ids."""
    active = Service.objects.filter(source=Source.TWO11).exclude(
        status__in=[ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT]
    )
    missing = [i for i in active.values_list("id", flat=True).iterator() if i.int not in feed_service_ints]
    for start in range(0, len(missing), BATCH):
        # feed_hash cleared: if the service comes back in a later feed it is rewritten (reactivated)
        Service.objects.filter(id__in=missing[start : start + BATCH]).update(
            status=ServiceStatus.INACTIVE, updated_at=now, feed_hash=""
        )
    return missing

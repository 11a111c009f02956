"""Services in the database → plain documents for the index.

A full rebuild walks active services in id order, 5,000 at a time, and reads
each related table with one range query per chunk (``service_id BETWEEN first
AND last``, an index range scan) through a raw cursor: the ORM's per-row object
and converter work cost more than the database itself at a million services.
Incremental updates use the same code with an ``IN`` list. Only active services
are indexed; a service that became inactive produces no document and leaves the
index on its next update. Column and table names come from the models' meta.
"""

# ruff: noqa: S608 - table and column names come from model meta; every value is a bound parameter
from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.db import connection

from .. import schedules
from ..categories import LABELS, SITUATIONS
from ..models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)

CHUNK = 5000
_FREE = re.compile(r"\b(free|no cost|no charge|no fee|gratis|gratuit[oa])\b", re.IGNORECASE)
_SITUATION_SETS = {slug: frozenset(v["categories"]) for slug, v in SITUATIONS.items()}


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _u(value) -> str:
    """A UUID as its canonical string, whatever the driver returned (hex text or UUID)."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def _db_uuid(value: str):
    return Service._meta.pk.get_db_prep_value(uuid.UUID(str(value)), connection)


def ids_as_text(cursor) -> None:
    """Read uuid columns as their text on this cursor (PostgreSQL; SQLite stores text already).

    psycopg builds a ``uuid.UUID`` per value in Python, and the rebuild then hashes,
    compares and formats those objects as dict keys: about a tenth of a worker's
    time at a million services, for ids that only ever become strings.
    """
    if connection.vendor == "postgresql":
        from psycopg.types.string import TextLoader

        cursor.cursor.adapters.register_loader("uuid", TextLoader)


def short_text(text: str, limit: int = 180) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def _partner_ids() -> set[str]:
    from wayfinder.partners.selectors import onboarded_organization_ids

    return onboarded_organization_ids()


def _service_sql(where: str) -> str:
    """Services in an id range (or list), with their status: the caller keeps the active ones.

    The WHERE clause holds only the id condition on purpose. With ``status = 'active'``
    in it, a database without fresh statistics (SQLite right after an import) chose the
    status index, read every active service and sorted them, for each chunk: 1.2 s per
    5,000 services at a million, most of a rebuild.
    """
    return (
        f"SELECT s.id, s.organization_id, s.name, s.alternate_name, s.description, s.eligibility_description, "
        f"s.fees_description, s.fees, s.minimum_age, s.maximum_age, s.categories, o.name, s.status "
        f"FROM {_t(Service)} s JOIN {_t(Organization)} o ON o.id = s.organization_id "
        f"WHERE {where} ORDER BY s.id"
    )


def _active(rows: list[tuple]) -> list[tuple]:
    return [row[:-1] for row in rows if row[-1] == ServiceStatus.ACTIVE]


def iter_documents(service_ids: Iterable[str] | None = None, chunk: int = CHUNK) -> Iterator[dict]:
    """Documents for the given services, or for every active service (ordered by id)."""
    partners = _partner_ids()
    with connection.cursor() as cursor:
        ids_as_text(cursor)
        if service_ids is not None:
            ids = sorted({str(s) for s in service_ids})
            for start in range(0, len(ids), 500):
                part = [_db_uuid(i) for i in ids[start : start + 500]]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(_service_sql(f"s.id IN ({marks})"), part)
                rows = _active(cursor.fetchall())
                if rows:
                    yield from _chunk_documents(cursor, rows, "IN", part, partners)
            return
        last = None
        while True:
            where, params = ("s.id > %s", [last]) if last is not None else ("1 = 1", [])
            cursor.execute(_service_sql(where) + f" LIMIT {int(chunk)}", params)
            batch = cursor.fetchall()
            if not batch:
                return
            last = batch[-1][0]
            rows = _active(batch)
            if rows:
                yield from _chunk_documents(cursor, rows, "BETWEEN", [batch[0][0], last], partners)


def _scope(column: str, mode: str, values: list) -> tuple[str, list]:
    if mode == "BETWEEN":
        return f"{column} BETWEEN %s AND %s", values
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _fetch(cursor, sql: str, params: list) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


@lru_cache(maxsize=4096)
def _hours(rows: tuple) -> tuple | None:
    """Intervals for a tuple of schedule rows (many services share the same few patterns)."""
    keys = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to")
    intervals = schedules.intervals_from_schedules([dict(zip(keys, row, strict=True)) for row in rows])
    return tuple(intervals) if intervals is not None else None


def _chunk_documents(cursor, rows: list[tuple], mode: str, scope: list, partners: set[str]) -> Iterator[dict]:
    sal, sch = _t(ServiceAtLocation), _t(Schedule)
    where_sal, p = _scope("sal.service_id", mode, scope)
    places: dict = defaultdict(list)
    for service_id, sal_id, location_id, lat, lon in _fetch(
        cursor,
        f"SELECT sal.service_id, sal.id, l.id, l.latitude, l.longitude FROM {sal} sal "
        f"JOIN {_t(Location)} l ON l.id = sal.location_id WHERE {where_sal} ORDER BY sal.service_id, sal.id",
        p,
    ):
        places[service_id].append((sal_id, location_id, lat, lon))
    addresses: dict = {}
    for location_id, line, city, state, _postal, _kind in _fetch(
        cursor,
        f"SELECT DISTINCT a.location_id, a.address_1, a.city, a.state_province, a.postal_code, a.address_type "
        f"FROM {sal} sal JOIN {_t(Address)} a ON a.location_id = sal.location_id WHERE {where_sal} "
        f"ORDER BY a.location_id, a.address_type, a.address_1",
        p,
    ):
        addresses.setdefault(location_id, ", ".join(filter(None, (line, city, state))))
    cols = "s.freq, s.byday, s.opens_at, s.closes_at, s.valid_from, s.valid_to"
    by_service, by_sal, by_location = defaultdict(list), defaultdict(list), defaultdict(set)
    where_s, p2 = _scope("s.service_id", mode, scope)
    for row in _fetch(
        cursor, f"SELECT s.service_id, {cols} FROM {sch} s WHERE {where_s} AND s.service_at_location_id IS NULL", p2
    ):
        by_service[row[0]].append(row[1:])
    for row in _fetch(
        cursor,
        f"SELECT sal.id, {cols} FROM {sal} sal JOIN {sch} s ON s.service_at_location_id = sal.id WHERE {where_sal}",
        p,
    ):
        by_sal[row[0]].append(row[1:])
    for row in _fetch(
        cursor,
        f"SELECT DISTINCT s.id, s.location_id, {cols} FROM {sal} sal JOIN {sch} s "
        f"ON s.location_id = sal.location_id WHERE {where_sal} AND s.service_id IS NULL "
        f"AND s.service_at_location_id IS NULL",
        p,
    ):
        by_location[row[1]].add(row[2:])
    where_l, p3 = _scope("service_id", mode, scope)
    languages: dict = defaultdict(set)
    for service_id, code in _fetch(cursor, f"SELECT service_id, code FROM {_t(Language)} WHERE {where_l}", p3):
        if code:
            languages[service_id].add(code.lower())
    phones: dict = {}
    for service_id, number in _fetch(
        cursor, f"SELECT service_id, number FROM {_t(Phone)} WHERE {where_l} ORDER BY service_id, number", p3
    ):
        phones.setdefault(service_id, number)
    free_by_cost: set = set()
    for service_id, option, amount, description in _fetch(
        cursor, f"SELECT service_id, option, amount, amount_description FROM {_t(CostOption)} WHERE {where_l}", p3
    ):
        if (amount is not None and amount == 0) or _FREE.search(f"{option} {description}"):
            free_by_cost.add(service_id)
    where_a, p4 = _scope("a.link_id", mode, scope)
    terms: dict = defaultdict(list)
    # link_entity is checked here, not in SQL, for the reason _service_sql gives (the
    # (link_entity, term) index would be chosen and every service attribute read per chunk).
    for link_id, entity, name in _fetch(
        cursor,
        f"SELECT a.link_id, a.link_entity, t.name FROM {_t(Attribute)} a JOIN {_t(TaxonomyTerm)} t "
        f"ON t.id = a.taxonomy_term_id WHERE {where_a}",
        p4,
    ):
        if entity == "service":
            terms[link_id].append(name)

    tz = settings.TIME_ZONE
    for (
        raw_id,
        raw_org,
        name,
        alt,
        description,
        eligibility,
        fees_description,
        fees,
        min_age,
        max_age,
        cats,
        org_name,
    ) in rows:
        sid, oid = _u(raw_id), _u(raw_org)  # maps above are keyed by the driver's raw ids
        if isinstance(cats, str):
            cats = json.loads(cats or "[]")
        categories = sorted(set(cats or []))
        cat_set = frozenset(categories)
        base = {
            "service_id": sid,
            "organization_id": oid,
            "name": name,
            "organization_name": org_name or "",
            "description": " ".join(filter(None, [alt, description, eligibility])),
            "short": short_text(description),
            "keywords": " ".join([*terms.get(raw_id, ()), *(LABELS[c][0] for c in categories if c in LABELS)]),
            "text_es": " ".join(LABELS[c][1] for c in categories if c in LABELS),
            "categories": categories,
            "situations": sorted(s for s, wanted in _SITUATION_SETS.items() if cat_set & wanted),
            "languages": sorted(languages.get(raw_id, ())),
            "free": raw_id in free_by_cost or bool(_FREE.search(f"{fees_description} {fees}")),
            "partner": oid in partners,
            "age_min": int(min_age) if min_age is not None else None,
            "age_max": int(max_age) if max_age is not None else None,
            "phone": phones.get(raw_id, ""),
            "tz": tz,
        }
        service_rows = by_service.get(raw_id)
        if not places.get(raw_id):
            hours = _hours(tuple(sorted(service_rows or [], key=str)))
            yield {**base, "key": sid, "lat": None, "lon": None, "address": "", "hours": _list(hours)}
            continue
        for sal_id, location_id, lat, lon in places[raw_id]:
            chosen = by_sal.get(sal_id) or service_rows or sorted(by_location.get(location_id, ()), key=str)
            yield {
                **base,
                "key": _u(sal_id),
                "lat": lat,
                "lon": lon,
                "address": addresses.get(location_id, ""),
                "hours": _list(_hours(tuple(sorted(chosen, key=str)))),
            }


def _list(hours: tuple | None) -> list | None:
    return list(hours) if hours is not None else None

"""Services in the database → plain documents for the index.

A full rebuild walks active services in id order, 5,000 at a time, and reads
each related table with one range query per chunk (``service_id BETWEEN first
AND last``, an index range scan) through a raw cursor: the ORM's per-row object
and converter work cost more than the database itself at a million services.
Locations are the exception: a full rebuild reads every location, its address and
its own hours once (``location_table``) and looks them up by id, because the
locations a chunk names are scattered across the table and each would be a random
read. Incremental updates use the same code with an ``IN`` list and read their
locations by key. Only active services
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
from datetime import UTC, date, datetime
from functools import lru_cache

from django.conf import settings
from django.db import connection

from .. import schedules
from ..categories import LABELS, SITUATIONS
from ..freshness import freshness_day
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
    ServiceAvailability,
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


def _date(value) -> date | None:
    """A date or timestamp column as a date, as either driver returns it."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


def _iso(value) -> str:
    """A timestamp column as ISO text with its offset, as either driver returns it
    (SQLite: naive UTC text; PostgreSQL: an aware datetime)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _partner_ids() -> set[str]:
    """Organizations that finished onboarding (the Partner badge), as strings."""
    return {str(pk) for pk in Organization.objects.filter(partner_since__isnull=False).values_list("pk", flat=True)}


def _service_sql(where: str) -> str:
    """Services in an id range (or list), with their status: the caller keeps the active ones.

    The WHERE clause holds only the id condition on purpose. With ``status = 'active'``
    in it, a database without fresh statistics (SQLite right after an import) chose the
    status index, read every active service and sorted them, for each chunk: 1.2 s per
    5,000 services at a million, most of a rebuild.
    """
    return (
        f"SELECT s.id, s.organization_id, s.name, s.alternate_name, s.description, s.eligibility_description, "
        f"s.fees_description, s.fees, s.minimum_age, s.maximum_age, s.categories, o.name, "
        f"s.last_verified, o.last_verified, s.created_at, s.status "
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
            ids = [_db_uuid(i) for i in sorted({str(s) for s in service_ids})]
            for where, part in _id_lists(ids):
                cursor.execute(_service_sql(where % "s.id"), part)
                rows = _active(cursor.fetchall())
                if rows:
                    yield from _chunk_documents(cursor, rows, "IN", part, partners)
            return
        locations = _places(cursor, None)
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
                yield from _chunk_documents(cursor, rows, "BETWEEN", [batch[0][0], last], partners, locations)


def _scope(column: str, mode: str, values: list) -> tuple[str, list]:
    if mode == "BETWEEN":
        return f"{column} BETWEEN %s AND %s", values
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _fetch(cursor, sql: str, params: list) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


_SCHEDULE_COLUMNS = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to")
_SCHEDULE_SELECT = ", ".join(f"s.{c}" for c in _SCHEDULE_COLUMNS)  # a schedule row, table aliased s


@lru_cache(maxsize=4096)
def _hours(rows: tuple) -> tuple | None:
    """Intervals for a tuple of schedule rows (many services share the same few patterns)."""
    intervals = schedules.intervals_from_schedules([dict(zip(_SCHEDULE_COLUMNS, row, strict=True)) for row in rows])
    return tuple(intervals) if intervals is not None else None


def location_table() -> dict:
    """Every location's place (see ``_places``), read in three sequential scans.

    A full rebuild looks each service-at-location's location up here instead of by key
    per chunk: at a million services the chunks' key lookups into locations and
    addresses (random reads, two per service-at-location) were a third of the
    database's work, and a location's row is small.
    """
    with connection.cursor() as cursor:
        ids_as_text(cursor)
        return _places(cursor, None)


def _places(cursor, location_ids: list | None) -> dict:
    """Location id (as the driver returns it) → (latitude, longitude, address line,
    the location's own schedule rows), for these locations or (``None``) all of them.

    The address shown is the physical one before the postal one, then the first by
    its line (NULL as empty, so that both databases order alike). Rows are read one
    at a time, not fetched into lists: at half a million locations the lists doubled
    the memory this table takes while it is built. Values are tuples of plain values,
    which the garbage collector stops tracking.
    """
    places: dict = {}
    for where, params in _id_lists(location_ids):
        cursor.execute(f"SELECT l.id, l.latitude, l.longitude FROM {_t(Location)} l WHERE {where % 'l.id'}", params)
        for location_id, lat, lon in cursor:
            places[location_id] = (lat, lon, "", ())
        cursor.execute(
            f"SELECT a.location_id, a.address_1, a.city, a.state_province FROM {_t(Address)} a "
            f"WHERE {where % 'a.location_id'} "
            "ORDER BY a.location_id, COALESCE(a.address_type, ''), COALESCE(a.address_1, '')",
            params,
        )
        previous = None
        for location_id, line, city, state in cursor:
            if location_id != previous and location_id in places:
                lat, lon, _, hours = places[location_id]
                places[location_id] = (lat, lon, ", ".join(filter(None, (line, city, state))), hours)
            previous = location_id
        cursor.execute(
            f"SELECT s.location_id, {_SCHEDULE_SELECT} FROM {_t(Schedule)} s WHERE {where % 's.location_id'} "
            "AND s.service_id IS NULL AND s.service_at_location_id IS NULL",
            params,
        )
        by_location: dict = defaultdict(set)
        for location_id, *row in cursor:
            by_location[location_id].add(tuple(row))
        for location_id, rows in by_location.items():
            if location_id in places:
                places[location_id] = (*places[location_id][:3], tuple(sorted(rows, key=str)))
    return places


def _id_lists(ids: list | None, size: int = 500) -> Iterator[tuple[str, list]]:
    """WHERE templates (``%s`` is the column) covering ``ids`` in lists of ``size``, or every row."""
    if ids is None:
        yield "%s IS NOT NULL", []
        return
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        yield "%s IN (" + ", ".join(["%%s"] * len(part)) + ")", part


def _chunk_documents(
    cursor, rows: list[tuple], mode: str, scope: list, partners: set[str], locations: dict | None = None
) -> Iterator[dict]:
    """Documents of these service rows; ``locations`` is ``location_table()`` in a full
    rebuild (a location missing from it, added since, is read here), else the chunk's
    locations are read by key."""
    sal, sch = _t(ServiceAtLocation), _t(Schedule)
    where_sal, p = _scope("sal.service_id", mode, scope)
    cols = _SCHEDULE_SELECT
    places: dict = defaultdict(list)
    by_service, by_sal = defaultdict(list), defaultdict(list)
    # One pass over the chunk's service-at-locations brings their own schedules along.
    for service_id, sal_id, location_id, schedule_id, *schedule in _fetch(
        cursor,
        f"SELECT sal.service_id, sal.id, sal.location_id, s.id, {cols} FROM {sal} sal "
        f"LEFT JOIN {sch} s ON s.service_at_location_id = sal.id WHERE {where_sal} ORDER BY sal.service_id, sal.id",
        p,
    ):
        if not places[service_id] or places[service_id][-1][0] != sal_id:
            places[service_id].append((sal_id, location_id))
        if schedule_id is not None:
            by_sal[sal_id].append(tuple(schedule))
    known = locations if locations is not None else {}
    # A membership test per wanted id: ``set - dict.keys()`` would walk every known location.
    missing = sorted({lid for entries in places.values() for _, lid in entries if lid not in known})
    found = _places(cursor, missing) if missing else {}
    where_s, p2 = _scope("s.service_id", mode, scope)
    for row in _fetch(
        cursor, f"SELECT s.service_id, {cols} FROM {sch} s WHERE {where_s} AND s.service_at_location_id IS NULL", p2
    ):
        by_service[row[0]].append(row[1:])
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
    availability: dict = {}
    for service_id, status, wait, confirmed in _fetch(
        cursor,
        f"SELECT service_id, status, wait_weeks, confirmed_at FROM {_t(ServiceAvailability)} WHERE {where_l}",
        p3,
    ):
        availability[service_id] = (status, wait, _iso(confirmed))
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
        verified,
        org_verified,
        created,
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
            "fresh": freshness_day(_date(verified) or _date(org_verified), _date(created)),
        }
        if raw_id in availability:  # accepting / waitlist / full (directory.availability)
            base["cap"], base["wait"], base["cap_at"] = availability[raw_id]
        service_rows = by_service.get(raw_id)
        at = [
            (sal_id, place)
            for sal_id, location_id in places[raw_id]
            if (place := known.get(location_id) or found.get(location_id)) is not None
        ]
        if not at:
            hours = _hours(tuple(sorted(service_rows or [], key=str)))
            yield {**base, "key": sid, "lat": None, "lon": None, "address": "", "hours": _list(hours)}
            continue
        for sal_id, (lat, lon, address, location_hours) in at:
            chosen = by_sal.get(sal_id) or service_rows or location_hours
            yield {
                **base,
                "key": _u(sal_id),
                "lat": lat,
                "lon": lon,
                "address": address,
                "hours": _list(_hours(tuple(sorted(chosen, key=str)))),
            }


def _list(hours: tuple | None) -> list | None:
    return list(hours) if hours is not None else None

"""Indexing plain documents and running searches. No Django models here: the
database side (``documents.py``) turns services into the dicts this module takes.

A document dict holds: key, service_id, organization_id, name, organization_name,
description, short, keywords (more English text), text_es (Spanish text),
categories, situations, languages, free, partner, age_min, age_max, lat, lon,
hours (weekly intervals or None), address, phone, tz.
"""

from __future__ import annotations

import base64
import datetime as dt
import heapq
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import tantivy

from .. import schedules
from . import schema as f
from . import store
from .query import BuiltQuery, build_text_query, parse
from .ranking import (
    KM_PER_DEGREE_LAT,
    by_tier_and_distance,
    demote_stale,
    listing_key,
    tier_of,
    unique,
    with_tiers,
)

MUST = tantivy.Occur.Must
SHOULD = tantivy.Occur.Should
DEFAULT_RADII_KM = (40.0, 80.0, 160.0, None)  # keyword + place, no distance chosen: widen until enough
NEAREST_RADII_KM = (2.0, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 800.0)
RELEVANCE_POOL = 200  # keyword hits re-ranked by distance; fixed so pages stay consistent
MAX_NEAREST_FETCH = 20_000
FIRST_NEAREST_FETCH = 1_000  # most boxes hold far fewer (about 25 for suggestions)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# --- writing ----------------------------------------------------------------------


# One encoder made once: ``json.dumps`` with options builds a new encoder per call, which
# was half of the JSON cost of a rebuild (flat dicts of strings and numbers: no cycles to check).
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


@lru_cache(maxsize=4096)
def _buckets(hours: tuple | None) -> str:
    return " ".join(schedules.hour_buckets(hours))


def document_json(doc: dict) -> str:
    """One index document as the JSON Tantivy's writer parses itself (``add_json``).

    Building ``tantivy.Document`` objects field by field in Python cost more than
    Tantivy's own indexing at a million services, and they pickle slowly between
    the rebuild's worker processes; a JSON string is made by C code, crosses a
    process boundary almost for free, and is parsed in Rust. The display blob
    (a bytes field) goes as base64, which is how Tantivy reads bytes from JSON.
    """
    name, org = doc.get("name") or "", doc.get("organization_name") or ""
    english = " ".join(filter(None, [org, doc.get("description"), doc.get("keywords")]))
    hours = doc.get("hours")
    display = {k: doc.get(k) for k in ("name", "organization_name", "short", "address", "phone", "hours", "tz")}
    if doc.get("cap"):  # availability (directory.availability.from_display); most services have none
        display.update(cap=doc["cap"], wait=doc.get("wait"), cap_at=doc.get("cap_at"))
    lat, lon = doc.get("lat"), doc.get("lon")
    # The Partner badge comes from here, not from a query per results page: onboarding re-indexes the
    # organization's services (partners.services.self_service.queue_search_update).
    display.update(lat=lat, lon=lon, partner=bool(doc.get("partner")))
    fields = {
        f.KEY: doc["key"],
        f.SERVICE: doc["service_id"],
        f.ORGANIZATION: doc.get("organization_id") or "",
        f.NAME_EN: name,
        f.NAME_ES: name,
        f.BODY_EN: english,
        f.BODY_ES: " ".join(filter(None, [doc.get("text_es"), english])),
        f.FUZZY: " ".join(filter(None, [name, english, doc.get("text_es")])),
        f.CATEGORY: " ".join(doc.get("categories") or ()),
        f.SITUATION: " ".join(doc.get("situations") or ()),
        f.LANGUAGE: " ".join(code.lower() for code in doc.get("languages") or ()),
        f.HOURS: _buckets(tuple(tuple(i) for i in hours) if hours is not None else None),
        f.FREE: 1 if doc.get("free") else 0,
        f.PARTNER: 1 if doc.get("partner") else 0,
        f.AGE_MIN: int(doc.get("age_min") or 0),
        f.AGE_MAX: int(doc["age_max"]) if doc.get("age_max") is not None else 200,
        f.SORT_NAME: name.lower()[:60],
        f.DISPLAY: base64.b64encode(_encode(display).encode()).decode("ascii"),
        f.LISTING: listing_key(name, org, doc.get("address") or ""),
        f.FRESH: int(doc.get("fresh") or 0),
    }
    if lat is not None and lon is not None:
        fields[f.LAT], fields[f.LON] = float(lat), float(lon)
    return _encode(fields)


def write_generation(docs: Iterable[str], *, threads: int = 2, heap: int = 400_000_000) -> tuple[Path, int]:
    """Build a complete new generation from ``docs`` (``document_json`` strings; not yet
    live: call ``store.publish``)."""
    generation = store.new_generation()
    index = store.open_index(generation)
    writer = store.open_writer(index, heap=heap, threads=threads)
    count = 0
    for doc in docs:
        writer.add_json(doc)
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return generation, count


def update(docs: list[dict], service_ids: Iterable[str]) -> None:
    """Replace every document of ``service_ids`` by ``docs`` (empty: the services left the index)."""
    ids = sorted(set(service_ids))
    generation = store.ensure_generation()
    index = store.open_index(generation)
    writer = store.open_writer(index, heap=20_000_000, threads=1)
    for sid in ids:
        writer.delete_documents_by_term(f.SERVICE, sid)
    for doc in docs:
        writer.add_json(document_json(doc))
    writer.commit()
    writer.wait_merging_threads()
    store.journal_append(ids)


# --- searching ----------------------------------------------------------------------


@dataclass
class SearchParams:
    text: str = ""
    categories: list[str] = field(default_factory=list)
    situation: str = ""
    point: tuple[float, float] | None = None
    radius_km: float | None = None
    open_now: bool = False
    languages: list[str] = field(default_factory=list)
    free: bool = False
    age: int | None = None
    page: int = 1
    size: int = 20
    now: dt.datetime | None = None
    tz: str = "America/New_York"


@dataclass
class Hit:
    key: str
    service_id: str
    organization_id: str
    score: float
    distance_km: float | None
    display: dict
    open_now: bool | None = None


@dataclass
class SearchPage:
    hits: list[Hit]
    has_next: bool
    page: int
    size: int
    relaxed: bool = False  # not every word matched
    fuzzy: bool = False  # typo tolerance was used
    radius_km: float | None = None  # the search area actually used
    index_missing: bool = False
    matched_words: list[str] = field(default_factory=list)


def any_term(schema: tantivy.Schema, field_name: str, values: Iterable[str]) -> tantivy.Query:
    """Documents holding any of ``values`` in a keyword field, each scoring a constant 1.0.

    Matches and scores as ``term_set_query`` does, at a fraction of its cost: the term
    set walks the field's term dictionary with an automaton on every search (0.45 ms
    for one category at 100,000 services, against 0.1 ms for these term queries;
    docs/performance.md, "Suggested resources and AHC submits")."""
    terms = [tantivy.Query.term_query(schema, field_name, value) for value in dict.fromkeys(values)]
    either = terms[0] if len(terms) == 1 else tantivy.Query.boolean_query([(SHOULD, t) for t in terms])
    return tantivy.Query.const_score_query(either, 1.0)


def _filters(schema: tantivy.Schema, p: SearchParams, local_now: dt.datetime) -> list[tantivy.Query]:
    out: list[tantivy.Query] = []
    if p.categories:
        out.append(any_term(schema, f.CATEGORY, p.categories))
    if p.situation:
        out.append(tantivy.Query.term_query(schema, f.SITUATION, p.situation))
    if p.languages:
        out.append(any_term(schema, f.LANGUAGE, [c.lower() for c in p.languages]))
    if p.free:
        out.append(tantivy.Query.term_query(schema, f.FREE, 1))
    if p.age is not None:
        out.append(tantivy.Query.range_query(schema, f.AGE_MIN, tantivy.FieldType.Integer, None, p.age))
        out.append(tantivy.Query.range_query(schema, f.AGE_MAX, tantivy.FieldType.Integer, p.age, None))
    if p.open_now:
        out.append(tantivy.Query.term_query(schema, f.HOURS, schedules.bucket_for(local_now)))
    return out


def _box(schema: tantivy.Schema, point: tuple[float, float], radius_km: float) -> list[tantivy.Query]:
    lat, lon = point
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return [
        tantivy.Query.range_query(schema, f.LAT, tantivy.FieldType.Float, lat - dlat, lat + dlat),
        tantivy.Query.range_query(schema, f.LON, tantivy.FieldType.Float, lon - dlon, lon + dlon),
    ]


def _and(clauses: list[tantivy.Query]) -> tantivy.Query:
    if not clauses:
        return tantivy.Query.all_query()
    return clauses[0] if len(clauses) == 1 else tantivy.Query.boolean_query([(MUST, c) for c in clauses])


def search(p: SearchParams) -> SearchPage:
    """One page of results; ``has_next`` comes from fetching one result more than the page."""
    searcher = store.searcher()
    page, size = max(1, p.page), max(1, min(p.size, 100))
    result = SearchPage([], False, page, size)
    if searcher is None:
        result.index_missing = True
        return result
    schema = store.schema()
    local_now = (p.now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(p.tz))
    need = page * size + 1
    filters = _filters(schema, p, local_now)

    built: BuiltQuery | None = None
    if p.text.strip():
        built = build_text_query(schema, searcher, parse(p.text))
        result.fuzzy, result.matched_words = built.used_fuzzy, built.matched_words
        if built.strict is None and built.relaxed is None:
            return result

    if built is not None:
        candidates, relaxed, radius = _ranked_by_text(searcher, schema, p, filters, built, need)
        result.relaxed = relaxed
    elif p.point is not None:
        candidates, radius = _nearest(searcher, schema, p, filters, need)
    elif filters:
        hits = searcher.search(
            _and(filters), limit=need * 2 + 50, count=False, order_by_field=f.SORT_NAME, order=tantivy.Order.Asc
        ).hits
        candidates, radius = unique(searcher, [(0.0, addr, None) for _, addr in hits]), None
    else:
        return result  # nothing asked: the page shows categories instead
    result.radius_km = radius
    candidates = demote_stale(searcher, candidates, local_now.date())
    _fill(result, searcher, candidates, p, local_now, need)
    return result


def _ranked_by_text(searcher, schema, p: SearchParams, filters, built: BuiltQuery, need: int):
    """Keyword results, best first. Services whose name holds what was typed come first (the
    name tiers); with a place, a tier's services are nearest first, and services below the
    tiers are ranked by ``relevance / (1 + km / 25)``."""
    text_queries = [(q, relaxed) for q, relaxed in ((built.strict, False), (built.relaxed, True)) if q is not None]
    pool = max(RELEVANCE_POOL, need * 2)
    radii: tuple[float | None, ...] = (None,)
    if p.point is not None:
        radii = (p.radius_km,) if p.radius_km else DEFAULT_RADII_KM
    for text_query, relaxed in text_queries:
        query = with_tiers(text_query, built)
        for radius in radii:
            box = _box(schema, p.point, radius) if (p.point is not None and radius) else []
            hits = searcher.search(_and([query, *filters, *box]), limit=pool, count=False).hits
            if not hits or (len(hits) < need and radius != radii[-1]):
                continue  # a box with fewer matches than a page cannot fill one: widen it at once
            if p.point is None:
                return unique(searcher, [(s, addr, None) for s, addr in hits]), relaxed, None
            ranked = by_tier_and_distance(searcher, p.point, hits, radius)
            tier = tier_of(hits[0][0])
            if tier and len(hits) == pool and tier_of(hits[-1][0]) == tier:
                # The box holds more services of the top tier than the pool: the pool is the best
                # BM25 of them, not the nearest. Take the nearest of that tier instead.
                tier_query = dict(built.tiers())[tier]
                nearest, _ = _nearest(searcher, schema, p, [text_query, tier_query, *filters], need, radius)
                return nearest, relaxed, radius
            if ranked and (len(ranked) >= need or radius == radii[-1]):
                return ranked, relaxed, radius
    return [], False, radii[-1]


def _nearest(searcher, schema, p: SearchParams, filters, need: int, max_radius: float | None = None):
    """Nearest first: widen a box until it holds enough, then sort only that box.

    The box's hits are ranked by a flat-earth distance (one multiplication, exact
    enough at these scales to order them); only the page's share gets haversine.
    Listings the feed repeats (``_unique``) count once towards "enough".
    """
    limit_km = max_radius or p.radius_km
    radii = [r for r in NEAREST_RADII_KM if not limit_km or r < limit_km]
    if limit_km:
        radii.append(limit_km)
    lat0, lon0 = p.point
    kx = KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    ranked: list = []
    for radius in radii:
        query = _and([*filters, *_box(schema, p.point, radius)])
        # One search both counts the box and fetches it: every search costs about the
        # same fixed time whatever the box holds, so counting first was a second one.
        # A box holding more than the first fetch is fetched again, in full.
        found = searcher.search(query, limit=FIRST_NEAREST_FETCH, count=True)
        count, hits = found.count, found.hits
        if count < need and radius != radii[-1]:
            continue
        if count > len(hits):
            hits = searcher.search(query, limit=min(count, MAX_NEAREST_FETCH), count=False).hits
        addresses = [addr for _, addr in hits]
        lats = searcher.fast_field_values(f.LAT, addresses)
        lons = searcher.fast_field_values(f.LON, addresses)
        limit2 = radius * radius
        near = []
        for addr, la, lo in zip(addresses, lats, lons, strict=True):
            if la is None or lo is None:
                continue
            d2 = ((la - lat0) * KM_PER_DEGREE_LAT) ** 2 + ((lo - lon0) * kx) ** 2
            if d2 <= limit2:
                near.append((d2, addr, la, lo))
        if len(near) >= need or radius == radii[-1]:
            take = need * 2
            while True:
                best = heapq.nsmallest(take, near, key=lambda t: t[0])
                ranked = [(0.0, addr, math.sqrt(d2)) for d2, addr, _la, _lo in best]
                ranked = unique(searcher, ranked)
                if len(ranked) >= need or take >= len(near):
                    break
                take *= 4  # repeated listings thinned the nearest: sort a little more of the box
            if len(ranked) >= need or radius == radii[-1]:
                return ranked, radius
    return ranked, radii[-1] if radii else None


def _fill(result: SearchPage, searcher, candidates, p: SearchParams, local_now, need: int) -> None:
    """Fetch stored fields only for what is shown (and, with "open now", what is checked)."""
    start = (result.page - 1) * result.size
    if not p.open_now:
        result.has_next = len(candidates) > start + result.size
        candidates = candidates[start : start + result.size]
        start = 0
    kept: list[Hit] = []
    for score, addr, dist in candidates:
        doc = searcher.doc(addr)
        display = json.loads(bytes(doc.get_first(f.DISPLAY)))
        intervals = [tuple(i) for i in display["hours"]] if display.get("hours") is not None else None
        open_now = schedules.is_open(intervals, local_now)
        if p.open_now and not open_now:
            continue
        kept.append(
            Hit(
                doc.get_first(f.KEY),
                doc.get_first(f.SERVICE),
                doc.get_first(f.ORGANIZATION),
                score,
                dist,
                display,
                open_now,
            )
        )
        if p.open_now and len(kept) >= need:
            break
    if p.open_now:
        result.has_next = len(kept) > start + result.size
    result.hits = kept[start : start + result.size]
    if p.point is not None:  # the distance shown: great-circle, for the page's hits only
        for hit in result.hits:
            lat, lon = hit.display.get("lat"), hit.display.get("lon")
            if hit.distance_km is not None and lat is not None and lon is not None:
                hit.distance_km = haversine_km(p.point[0], p.point[1], lat, lon)

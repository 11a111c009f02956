"""How keyword hits are ordered and thinned, apart from how they are found (``engine``).

- Name tiers (``query.BuiltQuery.tiers``) are marked inside the one Tantivy query by
  constant-score clauses worth ``TIER_SCORE`` each, so a hit's tier is its score's
  multiple of it and nothing is searched twice.
- Within a tier, with a place, distance alone orders hits; below the tiers,
  ``relevance / (1 + km / DISTANCE_SCALE_KM)``.
- A listing (what a person sees: name, organization, address) shows once, however many
  times the feed repeats it (``listing_key`` is stored in every document).
"""

from __future__ import annotations

import hashlib
import math
from datetime import date

import tantivy

from . import schema as f
from .query import BuiltQuery

KM_PER_DEGREE_LAT = 111.32
DISTANCE_SCALE_KM = 25.0
# The name tiers' constant scores: far above any BM25 score (a dozen concepts in four
# fields stay below 2,000), and small enough that a float32 score keeps BM25 to about
# 0.03 beside three of them.
TIER_SCORE = 100_000.0


def listing_key(name: str, organization: str, address: str) -> int:
    """What a person sees of a result as a 63-bit number: two documents with the same
    name, organization and address are one listing, whatever their phones say."""
    text = "\x1f".join(" ".join((value or "").casefold().split()) for value in (name, organization, address))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def distances(searcher, point, addresses) -> list[float | None]:
    """Flat-earth distances (km) to rank and filter by: within a few hundred kilometres they
    order places as great-circle distances do and cost a fraction; the shown hits get the
    exact distance in ``_fill``."""
    lats = searcher.fast_field_values(f.LAT, addresses)
    lons = searcher.fast_field_values(f.LON, addresses)
    lat0, lon0 = point
    kx = KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    return [
        math.hypot((la - lat0) * KM_PER_DEGREE_LAT, (lo - lon0) * kx) if la is not None and lo is not None else None
        for la, lo in zip(lats, lons, strict=True)
    ]


def unique(searcher, candidates: list) -> list:
    """Candidates in their order, each listing (``listing_key``) once: the first, best-ranked, stays."""
    if not candidates:
        return candidates
    keys = searcher.fast_field_values(f.LISTING, [addr for _, addr, _ in candidates])
    seen: set = set()
    out = []
    for candidate, key in zip(candidates, keys, strict=True):
        if key is None or key not in seen:
            seen.add(key)
            out.append(candidate)
    return out


def with_tiers(text_query: tantivy.Query, built: BuiltQuery) -> tantivy.Query:
    tiers = built.tiers()
    if not tiers:
        return text_query
    clauses = [(tantivy.Occur.Must, text_query)]
    clauses += [(tantivy.Occur.Should, tantivy.Query.const_score_query(q, TIER_SCORE)) for _, q in tiers]
    return tantivy.Query.boolean_query(clauses)


def tier_of(score: float) -> int:
    return int(score // TIER_SCORE)


def by_tier_and_distance(searcher, point: tuple[float, float], hits, radius: float | None) -> list:
    """(score, address, km) of the hits inside ``radius``, tiers first, each listing once."""
    addresses = [addr for _, addr in hits]
    below = [s for s, _ in hits if s < TIER_SCORE]
    top = max(below, default=1.0) or 1.0
    ranked = []
    for (s, addr), dist in zip(hits, distances(searcher, point, addresses), strict=True):
        if radius is not None and (dist is None or dist > radius):
            continue
        tier = tier_of(s)
        if tier:
            # Within a name tier, distance alone: a service without coordinates comes last.
            key = (-tier, dist if dist is not None else math.inf)
        else:
            closeness = 0.5 if dist is None else 1.0 / (1.0 + dist / DISTANCE_SCALE_KM)
            key = (0, -(s / top * closeness), dist if dist is not None else math.inf)
        ranked.append((key, s, addr, dist))
    ranked.sort(key=lambda t: t[0])
    return unique(searcher, [(s, addr, dist) for _, s, addr, dist in ranked])


# Freshness (issue #21 item 3): a service whose information nobody verified for a
# year is shown this many places lower than its relevance and distance put it,
# within its name tier (what was typed still comes first). A fixed number of places,
# not a score factor, so the rule reads the same with or without a place, a text or
# only filters, and a stale service close by still shows on the first page.
STALE_DEMOTION = 5
STALE_AFTER_DAYS = 365
_EPOCH = date(1970, 1, 1)


def demote_stale(searcher, candidates: list, today: date) -> list:
    """Candidates (score, address, km) in their order, each stale one ``STALE_DEMOTION``
    places lower within its tier (stable: fresh ones keep their order)."""
    if not candidates:
        return candidates
    days = searcher.fast_field_values(f.FRESH, [addr for _, addr, _ in candidates])
    cutoff = (today - _EPOCH).days - STALE_AFTER_DAYS
    if not any(day and day < cutoff for day in days):  # 0: unknown, never stale
        return candidates
    keyed = []
    for position, (candidate, day) in enumerate(zip(candidates, days, strict=True)):
        stale = bool(day) and day < cutoff
        keyed.append(((-tier_of(candidate[0]), position + (STALE_DEMOTION + 0.5 if stale else 0)), candidate))
    keyed.sort(key=lambda t: t[0])
    return [candidate for _, candidate in keyed]

"""The HSDS API's filters, each a plain argument, combined with AND as the API specification says.

- ``search``: the same index as the public pages (typos, stems, synonyms); every matching service,
  up to ``SEARCH_LIMIT`` (the response's ``total_items`` is then that limit and ``search_limit``
  says so, docs/formats/hsds-import.md);
- ``taxonomy_term_id``: the term and every term below it;
- ``modified_after``: the record's ``last_modified`` (the feed's value, or the time of the last
  change made here), the value every view shows;
- ``postcode``: the address of the place, or a service area that names the postcode or the county
  it lies in.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from wayfinder.lib import geo

from ..models import Attribute, Service, ServiceArea, ServiceAtLocation, TaxonomyTerm

SEARCH_LIMIT = 10_000  # index documents read per search; past it, total_items is this limit


@dataclass(frozen=True)
class ServiceFilters:
    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None

    def any(self) -> bool:
        return any(v not in (None, "") for v in vars(self).values())


@dataclass
class SearchMatches:
    ids: list[str]
    capped: bool  # more documents matched than were read


def search_matches(text: str) -> SearchMatches:
    """Active services matching ``text`` in the search index: all words if any service has them
    all, else any (as the public search does)."""
    from ..search import schema as f
    from ..search import store
    from ..search.query import build_text_query, parse

    searcher = store.searcher()
    if searcher is None:
        return SearchMatches([], False)
    built = build_text_query(store.schema(), searcher, parse(text))
    for query in (built.strict, built.relaxed):
        if query is None:
            continue
        count = searcher.search(query, limit=1, count=True).count
        if not count:
            continue
        hits = searcher.search(query, limit=min(count, SEARCH_LIMIT), count=False).hits
        ids = dict.fromkeys(searcher.doc(address).get_first(f.SERVICE) for _, address in hits)
        return SearchMatches(list(ids), count > SEARCH_LIMIT)
    return SearchMatches([], False)


def term_and_descendants(term_id: uuid.UUID) -> set[uuid.UUID]:
    """A taxonomy term and every term below it (one query per level)."""
    found, frontier = {term_id}, {term_id}
    for _ in range(32):
        frontier = set(TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        if not frontier:
            break
        found |= frontier
    return found


def modified(qs: QuerySet) -> QuerySet:
    return qs.annotate(changed_at=Coalesce(F("last_modified"), F("updated_at")))


def services(filters: ServiceFilters) -> tuple[QuerySet, bool]:
    """Service ids matching every given filter, in a stable order (name, id); and whether a search
    was cut at ``SEARCH_LIMIT``."""
    qs = Service.objects.all()
    capped = False
    if filters.search:
        matches = search_matches(filters.search)
        qs, capped = qs.filter(id__in=matches.ids), matches.capped
    if filters.taxonomy_term_id is not None or filters.taxonomy_id is not None:
        attrs = Attribute.objects.all()
        if filters.taxonomy_term_id is not None:
            attrs = attrs.filter(taxonomy_term_id__in=term_and_descendants(filters.taxonomy_term_id))
        if filters.taxonomy_id is not None:
            attrs = attrs.filter(taxonomy_term__taxonomy_ref_id=filters.taxonomy_id)
        qs = qs.filter(id__in=attrs.values("link_id"))
    if filters.organization_id is not None:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.modified_after is not None:
        qs = modified(qs).filter(changed_at__gte=filters.modified_after)
    return qs.order_by("name", "id").values_list("id", flat=True), capped


def _token(value: str) -> str:
    return rf"(^|[^0-9A-Za-z]){re.escape(value)}($|[^0-9A-Za-z])"


def areas_for_postcode(postcode: str) -> QuerySet:
    """Service areas that name the postcode (as a whole word), or its county ("Fayette County, KY")."""
    test = Q()
    for fld in ("name", "extent", "description"):
        test |= Q(**{f"{fld}__iregex": _token(postcode)})
    info = geo._zip_table().get(postcode[:5]) if postcode[:5].isdigit() else None
    if info and info.get("county"):
        county, state = re.escape(info["county"]), re.escape(info["state"])
        same_county = Q(name__iregex=_token(info["county"]))
        other_state = Q(name__iregex=rf"{county},\s*(?!{state}([^A-Za-z]|$))[A-Za-z]{{2}}([^A-Za-z]|$)")
        test |= same_county & ~other_state
    return ServiceArea.objects.filter(test)


def service_at_locations(filters: ServiceFilters, *, postcode: str = "", proximity_m: float | None = None) -> Any:
    """Service-at-location ids matching the service filters and, optionally, a postcode.

    With ``proximity_m`` the result is ordered by distance from the postcode's centroid; without it,
    ``postcode`` matches the place's address or a service area of the service.
    """
    qs = ServiceAtLocation.objects.all()
    capped = False
    if filters.any():
        ids, capped = services(filters)
        qs = qs.filter(service__in=Service.objects.filter(id__in=ids).values("id"))
    if postcode and proximity_m is None:
        by_area = areas_for_postcode(postcode).values("service_id")
        qs = qs.filter(Q(location__addresses__postal_code=postcode) | Q(service_id__in=by_area)).distinct()
    if postcode and proximity_m is not None:
        centre = geo.zip_centroid(postcode)
        if centre is None:
            return [], capped
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(*centre, proximity_m)
        rows = qs.filter(
            location__latitude__range=(min_lat, max_lat), location__longitude__range=(min_lon, max_lon)
        ).values_list("id", "location__latitude", "location__longitude")
        near = [(geo.haversine_m(*centre, lat, lon), i) for i, lat, lon in rows]
        return [i for d, i in sorted(near) if d <= proximity_m], capped
    return qs.order_by("id").values_list("id", flat=True), capped


def taxonomy_terms(
    *,
    search: str = "",
    taxonomy_id: uuid.UUID | None = None,
    top_only: bool = False,
    parent_id: uuid.UUID | None = None,
) -> QuerySet:
    qs = TaxonomyTerm.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if taxonomy_id is not None:
        qs = qs.filter(taxonomy_ref_id=taxonomy_id)
    if top_only:
        qs = qs.filter(parent__isnull=True)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs.order_by("code", "name", "id").values_list("id", flat=True)


def page_of(ids: Any, page: int, per_page: int) -> tuple[list[uuid.UUID], dict[str, Any]]:
    """Slice ``ids`` (a values_list queryset or list) into an HSDS Page; returns (page ids, page fields)."""
    total = len(ids) if isinstance(ids, list) else ids.count()
    pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    chunk = list(ids[start : start + per_page])
    return chunk, {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(chunk),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not chunk,
    }

"""Directory reads: the filters behind the HSDS API (and, later, the public pages).

Every HSDS API parameter is a plain argument here and they combine with AND, as
the HSDS API spec requires. ``search_service_ids`` is a deliberately simple
database filter; the search engine replaces it with the Tantivy index.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from wayfinder.lib import geo

from .models import Attribute, Location, Service, ServiceAtLocation, TaxonomyTerm


def search_service_ids(query: str, *, limit: int | None = None) -> list[uuid.UUID]:
    """Ids of active services matching ``query``, best first, from the same search
    index as the public pages (so the API and the site agree; at most 1,000)."""
    from .search import service_ids_matching

    return [uuid.UUID(i) for i in service_ids_matching(query, limit=limit)]


def _term_filter(taxonomy_term_id: uuid.UUID | None, taxonomy_id: uuid.UUID | None) -> QuerySet | None:
    """Link ids (services) carrying the term and/or any term of the taxonomy, as a subquery."""
    if taxonomy_term_id is None and taxonomy_id is None:
        return None
    attrs = Attribute.objects.all()
    if taxonomy_term_id is not None:
        attrs = attrs.filter(taxonomy_term_id=taxonomy_term_id)
    if taxonomy_id is not None:
        attrs = attrs.filter(taxonomy_term__taxonomy_ref_id=taxonomy_id)
    return attrs.values("link_id")


@dataclass(frozen=True)
class ServiceFilters:
    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None


def services(filters: ServiceFilters) -> QuerySet[Service]:
    """Services matching every given filter, in a stable order (name, id)."""
    qs = Service.objects.all()
    if filters.search:
        qs = qs.filter(id__in=search_service_ids(filters.search))
    terms = _term_filter(filters.taxonomy_term_id, filters.taxonomy_id)
    if terms is not None:
        qs = qs.filter(id__in=terms)
    if filters.organization_id is not None:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.modified_after is not None:
        qs = qs.filter(updated_at__gte=filters.modified_after)
    return qs.order_by("name", "id")


def service_at_locations(
    filters: ServiceFilters, *, postcode: str = "", proximity_m: float | None = None
) -> QuerySet[ServiceAtLocation, uuid.UUID] | list[uuid.UUID]:
    """Service-at-location ids matching the service filters and, optionally, near a postcode.

    With ``proximity_m`` the result is ordered by distance from the postcode's centroid; without
    it, ``postcode`` matches the location's address postcode exactly.
    """
    qs = (
        ServiceAtLocation.objects.filter(service__in=services(filters).values("id"))
        if _any(filters)
        else ServiceAtLocation.objects.all()
    )
    if postcode and proximity_m is None:
        qs = qs.filter(location__addresses__postal_code=postcode).distinct()
    if postcode and proximity_m is not None:
        centre = geo.zip_centroid(postcode)
        if centre is None:
            return []
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(*centre, proximity_m)
        rows = qs.filter(
            location__latitude__range=(min_lat, max_lat), location__longitude__range=(min_lon, max_lon)
        ).values_list("id", "location__latitude", "location__longitude")
        near = [(geo.haversine_m(*centre, lat, lon), i) for i, lat, lon in rows]
        return [i for d, i in sorted(near) if d <= proximity_m]
    return qs.order_by("id").values_list("id", flat=True)


def _any(filters: ServiceFilters) -> bool:
    return any(v not in (None, "") for v in vars(filters).values())


def taxonomy_terms(
    *,
    search: str = "",
    taxonomy_id: uuid.UUID | None = None,
    top_only: bool = False,
    parent_id: uuid.UUID | None = None,
) -> QuerySet[TaxonomyTerm]:
    qs = TaxonomyTerm.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if taxonomy_id is not None:
        qs = qs.filter(taxonomy_ref_id=taxonomy_id)
    if top_only:
        qs = qs.filter(parent__isnull=True)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs.order_by("code", "name", "id")


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


def locations_near(lat: float, lon: float, radius_m: float) -> list[tuple[float, uuid.UUID]]:
    """(distance in metres, location id) within ``radius_m``, nearest first."""
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, radius_m)
    rows = Location.objects.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)).values_list(
        "id", "latitude", "longitude"
    )
    near = sorted((geo.haversine_m(lat, lon, la, lo), i) for i, la, lo in rows)
    return [(d, i) for d, i in near if d <= radius_m]

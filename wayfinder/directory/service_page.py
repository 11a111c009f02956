"""Everything the service page shows (docs/product.md 1.4), read with a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from . import pages, schedules
from .categories import SUBCATEGORY_PARENT
from .models import Schedule, Service, ServiceAtLocation, ServiceStatus
from .search import SearchParams, search

# A source of referral history: yields groups of service ids referred together
# (one group per resident episode). Referrals do not exist yet; the default is empty.
DIRECTIONS = "https://www.openstreetmap.org/directions?to="
PairHistory = Callable[[], Iterable[Iterable[str]]]


def no_history() -> Iterable[Iterable[str]]:
    return ()


def frequently_paired(service_id: str, history: PairHistory = no_history, limit: int = 5) -> list[str]:
    """Service ids most often referred together with ``service_id``, most frequent first."""
    counts: Counter[str] = Counter()
    target = str(service_id)
    for group in history():
        ids = {str(s) for s in group}
        if target in ids:
            counts.update(ids - {target})
    return [sid for sid, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


@dataclass
class Place:
    name: str
    address: str
    city_line: str
    lat: float | None
    lon: float | None
    hours: list[tuple[str, str]]
    open_now: bool | None
    phones: list[str] = field(default_factory=list)
    directions_url: str = ""
    transportation: str = ""


def load_service(service_id: object) -> Service:
    """An active service with everything its page needs, or 404 (unknown, inactive or malformed id)."""
    try:
        return (
            Service.objects.select_related("organization")
            .prefetch_related(
                "phones",
                "languages",
                "cost_options",
                "required_documents",
                "contacts",
                "schedules",
                Prefetch(
                    "service_at_locations",
                    queryset=ServiceAtLocation.objects.select_related("location")
                    .prefetch_related(
                        "location__addresses",
                        "location__phones",
                        "schedules",
                        Prefetch("location__schedules", queryset=Schedule.objects.all()),
                    )
                    .order_by("location__name", "id"),
                ),
            )
            .get(pk=service_id, status=ServiceStatus.ACTIVE)
        )
    except (Service.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def places(service: Service) -> list[Place]:
    now = timezone.localtime()
    out = []
    service_rows = list(service.schedules.all())
    for sal in service.service_at_locations.all():
        location = sal.location
        addresses = sorted(location.addresses.all(), key=lambda a: a.address_type)
        address = addresses[0] if addresses else None
        intervals = _intervals(sal, service_rows, now)
        street = ", ".join(filter(None, [address.address_1, address.address_2])) if address else ""
        city_line = f"{address.city}, {address.state_province} {address.postal_code}".strip() if address else ""
        target = (
            f"{location.latitude},{location.longitude}"
            if location.latitude is not None
            else (f"{street}, {city_line}" if address else "")
        )
        out.append(
            Place(
                name=location.name,
                address=street,
                city_line=city_line,
                lat=location.latitude,
                lon=location.longitude,
                hours=schedules.weekly_lines(intervals),
                open_now=schedules.is_open(intervals, now),
                phones=[p.number for p in location.phones.all()],
                directions_url=(DIRECTIONS + target.replace(" ", "+")) if target else "",
                transportation=location.transportation,
            )
        )
    return out


def _intervals(sal: ServiceAtLocation, service_rows: list[Schedule], now):
    """A place's weekly hours: its own, else the service's, else the location's (HSDS order)."""
    rows = list(sal.schedules.all()) or service_rows or list(sal.location.schedules.all())
    return schedules.intervals_from_schedules(rows, on=now.date())


@dataclass
class PrintDetails:
    """What a printed or PDF service sheet adds to the shared summary: who can get it and when."""

    eligibility: str
    ages: tuple[int | None, int | None] | None
    application_process: str
    documents: list[str]
    hours: list[tuple[str, list[tuple[str, str]]]]  # (place name, weekly lines), one per place with hours


def print_details(services: list[Service]) -> dict[str, PrintDetails]:
    """Eligibility and hours of these services, keyed by id, in a fixed number of queries."""
    prefetch_related_objects(
        services,
        "schedules",
        "required_documents",
        "service_at_locations__location__addresses",
        "service_at_locations__schedules",
        "service_at_locations__location__schedules",
    )
    now = timezone.localtime()
    out = {}
    for service in services:
        service_rows = list(service.schedules.all())
        hours = []
        for sal in service.service_at_locations.all():
            lines = schedules.weekly_lines(_intervals(sal, service_rows, now))
            if lines:
                hours.append((sal.location.name, lines))
        if not service.service_at_locations.all() and service_rows:
            hours.append(("", service_hours(service)))
        ages = None
        if service.minimum_age is not None or service.maximum_age is not None:
            ages = (service.minimum_age, service.maximum_age)
        out[str(service.pk)] = PrintDetails(
            eligibility=service.eligibility_description,
            ages=ages,
            application_process=service.application_process,
            documents=[d.document for d in service.required_documents.all() if d.document],
            hours=hours,
        )
    return out


def service_hours(service: Service) -> list[tuple[str, str]]:
    """Hours stated on the service itself (when it has no location-specific hours)."""
    return schedules.weekly_lines(schedules.intervals_from_schedules(service.schedules.all()))


def other_services_here(service: Service, limit: int = 10) -> list[Service]:
    """The other services at this service's locations, each listing once.

    The 2-1-1 feed lists some services two or three times (another phone each): a name
    offered by the same organization counts once, and not at all when it is this page's
    own service again.
    """
    location_ids = [sal.location_id for sal in service.service_at_locations.all()]
    if not location_ids:
        return []
    candidates = (
        Service.objects.filter(service_at_locations__location_id__in=location_ids, status=ServiceStatus.ACTIVE)
        .exclude(pk=service.pk)
        .select_related("organization")
        .distinct()
        .order_by("name", "id")[: limit * 4]
    )
    seen = {_listing(service)}
    out = []
    for other in candidates:
        if _listing(other) not in seen:
            seen.add(_listing(other))
            out.append(other)
    return out[:limit]


def _listing(service: Service) -> tuple[str, object]:
    return " ".join(service.name.casefold().split()), service.organization_id


def main_category(service: Service) -> str | None:
    """The most specific category of the service (a subcategory when it has one)."""
    slugs = sorted(service.categories or [])
    subs = [s for s in slugs if s in SUBCATEGORY_PARENT]
    return (subs or slugs or [None])[0]


def related_services(service: Service, place: Place | None, limit: int = 5) -> list[pages.ResultRow]:
    """Same category, nearest first (through the search index, which already knows distances)."""
    slug = main_category(service)
    if slug is None:
        return []
    point = (place.lat, place.lon) if place and place.lat is not None else None
    # The subcategory and its parent: a pantry's neighbours include the free meal down the street.
    categories = [slug, *([SUBCATEGORY_PARENT[slug]] if slug in SUBCATEGORY_PARENT else [])]
    page = search(SearchParams(categories=categories, point=point, size=limit + 10, radius_km=80 if point else None))
    hits, seen = [], {str(service.pk)}
    for hit in page.hits:
        if hit.service_id not in seen:
            seen.add(hit.service_id)
            hits.append(hit)
    hits = hits[:limit]
    return pages.result_rows(hits)


def paired_services(service: Service, history: PairHistory = no_history) -> list[Service]:
    ids = frequently_paired(str(service.pk), history)
    if not ids:
        return []
    found = {
        str(s.pk): s
        for s in Service.objects.filter(pk__in=ids, status=ServiceStatus.ACTIVE).select_related("organization")
    }
    return [found[i] for i in ids if i in found]


def fees_text(service: Service) -> list[str]:
    lines = [t for t in (service.fees_description, service.fees) if t]
    for option in service.cost_options.all():
        amount = f"${option.amount:,.2f}" if option.amount is not None else ""
        lines.append(" ".join(filter(None, [option.option, amount, option.amount_description])))
    return lines

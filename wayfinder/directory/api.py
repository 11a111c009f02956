"""The HSDS 3.0 API (Open Referral), mounted at /api/hsds/.

Parameters are declared as strings and parsed here, so a bad value becomes a 400
with a reason (the HSDS API has no 422), and unknown ids are 404 JSON. Lists use
the spec's Page fields; ``format=ndjson`` streams every match without paging.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from ninja import Router
from ninja.errors import ValidationError

from wayfinder.integrations.two11 import serialize

from . import selectors
from .models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

router = Router(tags=["HSDS"])
HSDS_VERSION = "3.0"
PROFILE = "https://github.com/openreferral/specification/tree/3.0"
MAX_PER_PAGE = 200


class BadRequest(Exception):
    pass


def bad_request_handler(request: HttpRequest, exc: Exception) -> JsonResponse:
    return JsonResponse({"detail": str(exc)}, status=400)


def install(api: Any) -> None:
    """Mount the router and make its errors HSDS-shaped (400, not Ninja's 422, under /api/hsds/)."""
    api.add_router("/hsds/", router)
    api.add_exception_handler(BadRequest, bad_request_handler)
    api.add_exception_handler(_NotFound, not_found_handler)
    default = api._exception_handlers.get(ValidationError)

    def validation(request: HttpRequest, exc: ValidationError) -> Any:
        if "/hsds/" in request.path:
            return JsonResponse({"detail": "invalid parameters", "errors": exc.errors}, status=400)
        return default(request, exc) if default else api.create_response(request, {"detail": exc.errors}, status=422)

    api.add_exception_handler(ValidationError, validation)


# --- parameter parsing ------------------------------------------------------------
def _uuid(name: str, value: str | None) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest(f"{name} must be a UUID, got {value!r}") from None


def _bool(name: str, value: str | None) -> bool:
    if value in (None, ""):
        return False
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise BadRequest(f"{name} must be true or false, got {value!r}")


def _int(name: str, value: str | None, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {value!r}") from None
    if not low <= number <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {number}")
    return number


def _datetime(name: str, value: str | None) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"{name} must be an ISO 8601 date or date-time, got {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _format(value: str | None) -> str:
    if value in (None, "", "json", "ndjson"):
        return value or "json"
    raise BadRequest(f"format must be json or ndjson, got {value!r}")


def _filters(
    search: str | None,
    taxonomy_term_id: str | None,
    taxonomy_id: str | None,
    organization_id: str | None,
    modified_after: str | None,
) -> selectors.ServiceFilters:
    return selectors.ServiceFilters(
        search=(search or "").strip(),
        taxonomy_term_id=_uuid("taxonomy_term_id", taxonomy_term_id),
        taxonomy_id=_uuid("taxonomy_id", taxonomy_id),
        organization_id=_uuid("organization_id", organization_id),
        modified_after=_datetime("modified_after", modified_after),
    )


def _listing(
    ids: Any,
    page: str | None,
    per_page: str | None,
    fmt: str | None,
    render: Callable[[list[uuid.UUID]], list[dict[str, Any]]],
) -> Any:
    if _format(fmt) == "ndjson":
        return _ndjson(ids, render)
    page_ids, fields = selectors.page_of(
        ids, _int("page", page, 1, 1, 10**9), _int("per_page", per_page, 50, 1, MAX_PER_PAGE)
    )
    return {**fields, "contents": render(page_ids)}


def _ndjson(ids: Any, render: Callable[[list[uuid.UUID]], list[dict[str, Any]]]) -> StreamingHttpResponse:
    def lines() -> Iterator[str]:
        all_ids = list(ids)
        for start in range(0, len(all_ids), 200):
            for doc in render(all_ids[start : start + 200]):
                yield json.dumps(doc) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


def _one(model: type, id: str) -> uuid.UUID:
    try:
        key = uuid.UUID(id)
    except ValueError:
        raise _NotFound(f"no {model._meta.verbose_name} with id {id!r}") from None
    if not model.objects.filter(id=key).exists():
        raise _NotFound(f"no {model._meta.verbose_name} with id {id}")
    return key


class _NotFound(Exception):
    pass


def not_found_handler(request: HttpRequest, exc: Exception) -> JsonResponse:
    return JsonResponse({"detail": str(exc)}, status=404)


# --- endpoints ---------------------------------------------------------------------
@router.get("/", summary="API meta information")
def root(request: HttpRequest) -> dict[str, str]:
    return {"version": HSDS_VERSION, "profile": PROFILE, "openapi_url": request.build_absolute_uri("/api/openapi.json")}


@router.get("/services", summary="Paginated list of services")
def list_services(
    request: HttpRequest,
    search: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
    format: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: str | None = None,
    minimal: str | None = None,
    full: str | None = None,
) -> Any:
    filters = _filters(search, taxonomy_term_id, taxonomy_id, organization_id, modified_after)
    ids = selectors.services(filters).values_list("id", flat=True)
    is_full, is_minimal = _bool("full", full), _bool("minimal", minimal)
    if is_full and is_minimal:
        raise BadRequest("minimal and full cannot both be true")
    if is_full:
        return _listing(ids, page, per_page, format, serialize.services_full)
    if is_minimal:
        return _listing(ids, page, per_page, format, _minimal)
    return _listing(ids, page, per_page, format, serialize.services_flat)


def _minimal(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    rows = {r[0]: r for r in Service.objects.filter(id__in=ids).values_list("id", "name", "status", "updated_at")}
    return [
        {
            "id": str(i),
            "name": rows[i][1],
            "status": rows[i][2],
            "last_modified": rows[i][3].isoformat().replace("+00:00", "Z"),
        }
        for i in ids
        if i in rows
    ]


@router.get("/services/{id}", summary="Fully nested service")
def get_service(request: HttpRequest, id: str) -> Any:
    return serialize.services_full([_one(Service, id)])[0]


@router.get("/organizations", summary="Paginated list of organizations")
def list_organizations(
    request: HttpRequest,
    search: str | None = None,
    full_service: str | None = None,
    full: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
    format: str | None = None,
) -> Any:
    qs = Organization.objects.all()
    if search and search.strip():
        for word in search.split():
            qs = qs.filter(name__icontains=word)
    with_services, is_full = _bool("full_service", full_service), _bool("full", full)
    return _listing(
        qs.order_by("name", "id").values_list("id", flat=True),
        page,
        per_page,
        format,
        lambda ids: serialize.organizations(ids, full=is_full, with_services=with_services),
    )


@router.get("/organizations/{id}", summary="Organization with nested data")
def get_organization(request: HttpRequest, id: str, full_service: str | None = None) -> Any:
    key = _one(Organization, id)
    return serialize.organizations([key], full=True, with_services=_bool("full_service", full_service))[0]


@router.get("/taxonomies", summary="Paginated list of taxonomies")
def list_taxonomies(
    request: HttpRequest,
    search: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
    format: str | None = None,
) -> Any:
    qs = Taxonomy.objects.all()
    if search and search.strip():
        qs = qs.filter(name__icontains=search.strip())
    return _listing(
        qs.order_by("name", "id").values_list("id", flat=True),
        page,
        per_page,
        format,
        lambda ids: serialize.flat_rows("taxonomy", ids),
    )


@router.get("/taxonomies/{id}", summary="Taxonomy")
def get_taxonomy(request: HttpRequest, id: str) -> Any:
    return serialize.flat_rows("taxonomy", [_one(Taxonomy, id)])[0]


@router.get("/taxonomy_terms", summary="Paginated list of taxonomy terms")
def list_taxonomy_terms(
    request: HttpRequest,
    search: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
    format: str | None = None,
    taxonomy_id: str | None = None,
    top_only: str | None = None,
    parent_id: str | None = None,
) -> Any:
    qs = selectors.taxonomy_terms(
        search=(search or "").strip(),
        taxonomy_id=_uuid("taxonomy_id", taxonomy_id),
        top_only=_bool("top_only", top_only),
        parent_id=_uuid("parent_id", parent_id),
    )
    return _listing(
        qs.values_list("id", flat=True), page, per_page, format, lambda ids: serialize.flat_rows("taxonomy_term", ids)
    )


@router.get("/taxonomy_terms/{id}", summary="Taxonomy term")
def get_taxonomy_term(request: HttpRequest, id: str) -> Any:
    return serialize.flat_rows("taxonomy_term", [_one(TaxonomyTerm, id)])[0]


@router.get("/service_at_locations", summary="Paginated list of services at locations")
def list_service_at_locations(
    request: HttpRequest,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: str | None = None,
    full: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
    format: str | None = None,
    postcode: str | None = None,
    proximity: str | None = None,
) -> Any:
    filters = _filters(search, taxonomy_term_id, taxonomy_id, organization_id, modified_after)
    metres = None
    if proximity not in (None, ""):
        if not postcode:
            raise BadRequest("proximity needs a postcode")
        try:
            metres = float(proximity)
        except ValueError:
            raise BadRequest(f"proximity must be a number of metres, got {proximity!r}") from None
        if not 0 < metres <= 1_000_000:
            raise BadRequest("proximity must be between 0 and 1,000,000 metres")
    ids = selectors.service_at_locations(filters, postcode=(postcode or "").strip(), proximity_m=metres)
    is_full = _bool("full", full)
    return _listing(ids, page, per_page, format, lambda chunk: serialize.service_at_locations(chunk, full=is_full))


@router.get("/service_at_locations/{id}", summary="Service at location with nested service and location")
def get_service_at_location(request: HttpRequest, id: str) -> Any:
    return serialize.service_at_locations([_one(ServiceAtLocation, id)], full=True)[0]

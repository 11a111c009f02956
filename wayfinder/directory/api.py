"""The HSDS 3.0 API (Open Referral), mounted at /api/hsds/, read-only and open to everyone.

Parameters are declared as strings and parsed in ``hsds/params.py``, so a bad value becomes a 400
with a reason (the HSDS API has no 422), and unknown ids are 404 JSON. Lists use the
specification's Page fields; ``format=ndjson`` returns every match without paging (``hsds/dumps.py``
says how that stays cheap). The queries are in ``hsds/queries.py``, the JSON in ``hsds/serialize.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router
from ninja.errors import ValidationError

from .hsds import dumps, queries, serialize
from .hsds.openapi import document
from .hsds.params import (
    BadRequest,
    NotFound,
    bool_param,
    datetime_param,
    format_param,
    paging,
    uuid_param,
)
from .models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

router = Router(tags=["HSDS"])
HSDS_VERSION = "3.0"
PROFILE = "https://github.com/openreferral/specification/tree/3.0"
Render = Callable[[list[uuid.UUID]], list[dict[str, Any]]]
LISTING_KEYS = {"page", "per_page", "perPage", "format", "full", "minimal", "full_service"}


def _json_error(status: int) -> Callable[[HttpRequest, Exception], JsonResponse]:
    return lambda request, exc: JsonResponse({"detail": str(exc)}, status=status)


def install(api: Any) -> None:
    """Mount the router and make its errors HSDS-shaped (400, not Ninja's 422, under /api/hsds/)."""
    api.add_router("/hsds/", router)
    api.add_exception_handler(BadRequest, _json_error(400))
    api.add_exception_handler(NotFound, _json_error(404))
    default = api._exception_handlers.get(ValidationError)

    def validation(request: HttpRequest, exc: ValidationError) -> Any:
        if "/hsds/" in request.path:
            return JsonResponse({"detail": "invalid parameters", "errors": exc.errors}, status=400)
        return default(request, exc) if default else api.create_response(request, {"detail": exc.errors}, status=422)

    api.add_exception_handler(ValidationError, validation)


def _filters(
    search: str | None,
    taxonomy_term_id: str | None,
    taxonomy_id: str | None,
    organization_id: str | None,
    modified_after: str | None,
) -> queries.ServiceFilters:
    return queries.ServiceFilters(
        search=(search or "").strip(),
        taxonomy_term_id=uuid_param("taxonomy_term_id", taxonomy_term_id),
        taxonomy_id=uuid_param("taxonomy_id", taxonomy_id),
        organization_id=uuid_param("organization_id", organization_id),
        modified_after=datetime_param("modified_after", modified_after),
    )


def _listing(
    request: HttpRequest,
    ids: Any,
    render: Render,
    *,
    dump: str,
    page: str | None,
    per_page: str | None,
    fmt: str | None,
    capped: bool = False,
) -> Any:
    if format_param(fmt) == "ndjson":
        whole = not set(request.GET) - LISTING_KEYS  # the whole directory: the daily file, when there is one
        return dumps.ndjson(request, dump, ids, render, whole=whole)
    number, size = paging(request, page, per_page)
    page_ids, fields = queries.page_of(ids, number, size)
    if capped:
        fields["search_limit"] = queries.SEARCH_LIMIT
    return {**fields, "contents": render(page_ids)}


def _one(model: type, id: str) -> uuid.UUID:
    try:
        key = uuid.UUID(id)
    except ValueError:
        raise NotFound(f"no {model._meta.verbose_name} with id {id!r}") from None
    if not model.objects.filter(id=key).exists():
        raise NotFound(f"no {model._meta.verbose_name} with id {id}")
    return key


# --- endpoints ---------------------------------------------------------------------
@router.get("/", summary="API meta information")
def root(request: HttpRequest) -> dict[str, str]:
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE,
        "openapi_url": request.build_absolute_uri("/api/hsds/openapi.json"),
    }


@router.get("/openapi.json", summary="The OpenAPI document of this API (Open Referral's, adapted)")
def openapi(request: HttpRequest) -> dict[str, Any]:
    return document(request.build_absolute_uri("/api/hsds/"))


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
    is_full, is_minimal = bool_param("full", full), bool_param("minimal", minimal)
    if is_full and is_minimal:
        raise BadRequest("minimal and full cannot both be true")
    ids, capped = queries.services(filters)
    if is_full:
        render, dump = serialize.services_full, "services-full"
    elif is_minimal:
        render, dump = serialize.services_minimal, "services-minimal"
    else:
        render, dump = serialize.services_flat, "services"
    return _listing(request, ids, render, dump=dump, page=page, per_page=per_page, fmt=format, capped=capped)


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
    with_services, is_full = bool_param("full_service", full_service), bool_param("full", full)
    return _listing(
        request,
        qs.order_by("name", "id").values_list("id", flat=True),
        lambda ids: serialize.organizations(ids, full=is_full, with_services=with_services),
        dump="organizations" if not (is_full or with_services) else "organizations-full",
        page=page,
        per_page=per_page,
        fmt=format,
    )


@router.get("/organizations/{id}", summary="Organization with nested data")
def get_organization(request: HttpRequest, id: str, full_service: str | None = None) -> Any:
    key = _one(Organization, id)
    return serialize.organizations([key], full=True, with_services=bool_param("full_service", full_service))[0]


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
        request,
        qs.order_by("name", "id").values_list("id", flat=True),
        lambda ids: serialize.flat_rows("taxonomy", ids),
        dump="taxonomies",
        page=page,
        per_page=per_page,
        fmt=format,
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
    ids = queries.taxonomy_terms(
        search=(search or "").strip(),
        taxonomy_id=uuid_param("taxonomy_id", taxonomy_id),
        top_only=bool_param("top_only", top_only),
        parent_id=uuid_param("parent_id", parent_id),
    )
    render = lambda chunk: serialize.flat_rows("taxonomy_term", chunk)  # noqa: E731
    return _listing(request, ids, render, dump="taxonomy_terms", page=page, per_page=per_page, fmt=format)


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
    ids, capped = queries.service_at_locations(filters, postcode=(postcode or "").strip(), proximity_m=metres)
    is_full = bool_param("full", full)
    return _listing(
        request,
        ids,
        lambda chunk: serialize.service_at_locations(chunk, full=is_full),
        dump="service_at_locations" if not is_full else "service_at_locations-full",
        page=page,
        per_page=per_page,
        fmt=format,
        capped=capped,
    )


@router.get("/service_at_locations/{id}", summary="Service at location with nested service and location")
def get_service_at_location(request: HttpRequest, id: str) -> Any:
    return serialize.service_at_locations([_one(ServiceAtLocation, id)], full=True)[0]

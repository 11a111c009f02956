"""The directory as FHIR: Organization, Location and HealthcareService (read + search).

A clinical system chooses the service it refers to from these; a Task's owner then
names it by the same id. The FHIR id of each is its HSDS id (the directory's own
record id), also given as an ``identifier`` so a system that keeps HSDS ids from
the 2-1-1 feed finds the same record. Only active services are published, with
the SDOH Clinical Care capacity status the partner confirmed
(``directory.availability.fhir_capacity_coding``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wayfinder.assessments.domains import CATEGORY_FOR_SDOHCC, SDOHCC_SYSTEM
from wayfinder.directory.availability import SDOHCC_CAPACITY_EXTENSION, fhir_capacity_coding
from wayfinder.directory.categories import CATEGORY_BY_SLUG, SDOH_TAXONOMY_URI
from wayfinder.directory.models import Address, Location, Organization, Service

from ..fhir.context import FhirContext, SearchPage, SearchQuery
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler, SearchParam
from .search import apply_last_updated, as_uuid, ids_filter, iso, or_values, reference_id, token

HSDS_ID_SYSTEM = "https://openreferral.org/hsds/id"
SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition"
# The first SDOHCC category code filed under each Wayfinder category, to label a service.
_SDOHCC_FOR_CATEGORY: dict[str, str] = {}
for _code, _slug in CATEGORY_FOR_SDOHCC.items():
    _SDOHCC_FOR_CATEGORY.setdefault(_slug, _code)


def _meta(record, profile: str) -> dict:
    return {
        "versionId": str(int(record.updated_at.timestamp())),
        "lastUpdated": iso(record.updated_at),
        "profile": [profile],
    }


def _identifier(record) -> list[dict]:
    return [{"system": HSDS_ID_SYSTEM, "value": str(record.pk)}]


def _address(address: Address) -> dict:
    lines = [line for line in (address.address_1, address.address_2) if line]
    out = {"line": lines, "city": address.city, "state": address.state_province, "postalCode": address.postal_code}
    return {key: value for key, value in out.items() if value}


def organization_resource(organization: Organization) -> dict:
    resource: dict = {
        "resourceType": "Organization",
        "id": str(organization.pk),
        "meta": _meta(organization, "http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization"),
        "identifier": _identifier(organization),
        "active": True,
        "name": organization.name,
    }
    telecom = [{"system": "phone", "value": p.number} for p in organization.phones.all() if p.number]
    if organization.website:
        telecom.append({"system": "url", "value": organization.website})
    if organization.email:
        telecom.append({"system": "email", "value": organization.email})
    if telecom:
        resource["telecom"] = telecom
    if organization.alternate_name:
        resource["alias"] = [organization.alternate_name]
    return resource


def location_resource(location: Location) -> dict:
    resource: dict = {
        "resourceType": "Location",
        "id": str(location.pk),
        "meta": _meta(location, f"{SDOHCC}/SDOHCC-Location"),
        "identifier": _identifier(location),
        "status": "active",
        "name": location.name or "",
    }
    address = next(iter(location.addresses.all()), None)
    if address is not None:
        resource["address"] = _address(address)
    if location.latitude is not None and location.longitude is not None:
        resource["position"] = {"latitude": location.latitude, "longitude": location.longitude}
    if location.organization_id:
        resource["managingOrganization"] = {"reference": f"Organization/{location.organization_id}"}
    return {key: value for key, value in resource.items() if value != ""}


def _categories(service: Service) -> list[dict]:
    out = []
    for slug in service.categories or []:
        category = CATEGORY_BY_SLUG.get(slug)
        if category is None:
            continue
        codings = [{"system": SDOH_TAXONOMY_URI, "code": slug, "display": category.en}]
        if slug in _SDOHCC_FOR_CATEGORY:
            codings.insert(0, {"system": SDOHCC_SYSTEM, "code": _SDOHCC_FOR_CATEGORY[slug]})
        out.append({"coding": codings, "text": category.en})
    return out


def healthcare_service_resource(service: Service) -> dict:
    resource: dict = {
        "resourceType": "HealthcareService",
        "id": str(service.pk),
        "meta": _meta(service, f"{SDOHCC}/SDOHCC-HealthcareService"),
        "identifier": _identifier(service),
        "active": service.status == "active",
        "providedBy": {"reference": f"Organization/{service.organization_id}", "display": service.organization.name},
        "name": service.name,
    }
    categories = _categories(service)
    if categories:
        resource["category"] = categories
    if service.description:
        resource["comment"] = service.description[:1000]
    locations = [{"reference": f"Location/{sal.location_id}"} for sal in service.service_at_locations.all()]
    if locations:
        resource["location"] = locations
    telecom = [{"system": "phone", "value": p.number} for p in service.phones.all() if p.number]
    if service.url:
        telecom.append({"system": "url", "value": service.url})
    if telecom:
        resource["telecom"] = telecom
    capacity = fhir_capacity_coding(service)
    if capacity is not None:
        resource["extension"] = [
            {
                "url": SDOHCC_CAPACITY_EXTENSION,
                "extension": [{"url": "capacityStatus", "valueCodeableConcept": {"coding": [capacity]}}],
            }
        ]
    return resource


def _identifier_q(raw_values: list[str], field: str = "pk") -> Q:
    ids = []
    for raw in raw_values:
        for value in or_values(raw):
            system, code = token(value)
            if system not in (None, "", HSDS_ID_SYSTEM):
                continue
            parsed = as_uuid(code, "identifier")
            if parsed is not None:
                ids.append(parsed)
    return Q(**{f"{field}__in": ids})


def _text_q(raw: str, field: str) -> Q:
    """FHIR string search: starts with, case and accent insensitive enough for names."""
    q = Q()
    for value in or_values(raw):
        q |= Q(**{f"{field}__istartswith": value})
    return q


def _filter(queryset: QuerySet, query: SearchQuery, fields: dict[str, str]) -> QuerySet:
    for name, raws in query.params.items():
        for raw in raws:
            if name in ("_id", "identifier"):
                queryset = queryset.filter(
                    ids_filter(or_values(raw), "pk", name) if name == "_id" else _identifier_q([raw])
                )
            elif name in fields:
                queryset = queryset.filter(_text_q(raw, fields[name]))
            elif name == "service-category":
                q = Q()
                for value in or_values(raw):
                    _system, code = token(value)
                    slug = CATEGORY_FOR_SDOHCC.get(code, code)
                    q |= Q(categories__icontains=f'"{slug}"')
                queryset = queryset.filter(q)
            elif name == "organization":
                ids = [reference_id(v, "Organization", name) for v in or_values(raw)]
                queryset = queryset.filter(ids_filter(ids, "organization_id", name))
    return apply_last_updated(queryset, "updated_at", query.last_updated).distinct()


def _page(queryset: QuerySet, query: SearchQuery, build) -> SearchPage:
    total = queryset.count()
    rows = list(queryset.order_by("name", "pk")[query.offset : query.offset + query.count])
    return SearchPage(resources=[build(row) for row in rows], total=total)


def _read(model, build, resource_type: str):
    def read(ctx: FhirContext, resource_id: str) -> dict:
        parsed = as_uuid(resource_id, "id")
        row = model.objects.filter(pk=parsed).first() if parsed is not None else None
        if row is None or (model is Service and row.status == "defunct"):
            raise FhirError(404, "not-found", f"{resource_type}/{resource_id} is not known")
        return build(row)

    return read


def _services() -> QuerySet:
    return (
        Service.objects.exclude(status="defunct")
        .select_related("organization", "availability")
        .prefetch_related("phones", "service_at_locations")
    )


def search_organizations(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    fields = {
        "name": "name",
        "address-city": "locations__addresses__city",
        "address-postalcode": "locations__addresses__postal_code",
    }
    qs = _filter(Organization.objects.prefetch_related("phones"), query, fields)
    return _page(qs, query, organization_resource)


def search_locations(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    fields = {"name": "name", "address-city": "addresses__city", "address-postalcode": "addresses__postal_code"}
    qs = _filter(Location.objects.prefetch_related("addresses"), query, fields)
    return _page(qs, query, location_resource)


def search_services(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    fields = {
        "name": "name",
        "address-city": "service_at_locations__location__addresses__city",
        "address-postalcode": "service_at_locations__location__addresses__postal_code",
    }
    qs = _filter(_services(), query, fields)
    return _page(qs, query, healthcare_service_resource)


def _common(*extra: SearchParam) -> list[SearchParam]:
    return [
        SearchParam("_id", "token", "The HSDS id"),
        SearchParam("identifier", "token", f"The HSDS id ({HSDS_ID_SYSTEM}|<id>, or the bare id)"),
        SearchParam("name", "string", "Starts with, case-insensitive"),
        SearchParam("address-city", "string", "A city of one of its addresses"),
        SearchParam("address-postalcode", "string", "A postal code of one of its addresses"),
        *extra,
    ]


def handlers() -> list[ResourceHandler]:
    """The three directory resource types, read-only (scope system/<type>.read)."""
    return [
        ResourceHandler(
            type="Organization",
            read=_read(Organization, organization_resource, "Organization"),
            search=search_organizations,
            search_params=_common(),
            documentation="Directory organizations (HSDS), id = HSDS id.",
        ),
        ResourceHandler(
            type="Location",
            profiles=[f"{SDOHCC}/SDOHCC-Location"],
            read=_read(Location, location_resource, "Location"),
            search=search_locations,
            search_params=_common(SearchParam("organization", "reference", "The managing organization")),
            documentation="Directory locations (HSDS), id = HSDS id.",
        ),
        ResourceHandler(
            type="HealthcareService",
            profiles=[f"{SDOHCC}/SDOHCC-HealthcareService"],
            read=_read(_services().model, healthcare_service_resource, "HealthcareService"),
            search=search_services,
            search_params=_common(
                SearchParam("service-category", "token", "An SDOHCC category code or a Wayfinder category slug"),
                SearchParam("organization", "reference", "The organization providing it"),
            ),
            documentation="Directory services (HSDS) with the SDOHCC capacity status; id = HSDS id.",
        ),
    ]

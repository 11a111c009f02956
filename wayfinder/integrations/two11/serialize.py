"""Stored records -> HSDS 3.0 JSON (the compiled, fully nested shapes), in a fixed number of queries.

Used by the HSDS API and by ``export_hsds``. Each builder takes a batch of parent
ids and issues one query per child table, so a page of 50 services costs the same
~25 queries as a page of 5. Empty values are left out: the schemas type fields as
plain strings/numbers, so ``null`` would not validate.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .tables import TABLES, columns, json_value

Rows = dict[uuid.UUID, list[dict[str, Any]]]


def _flat(table: str, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for col in columns(table):
        value = values.get(col.attname)
        if value is None or value == "":
            continue
        out[col.name] = json_value(col, value)
    return out


def fetch(table: str, **filters: Any) -> list[dict[str, Any]]:
    """Flat HSDS dicts of ``table`` rows matching ``filters`` (one query), with the raw values kept in '_'."""
    model = TABLES[table].model
    attnames = [c.attname for c in columns(table)]
    rows = model.objects.filter(**filters).order_by("id").values(*attnames) if filters else []
    return [{**_flat(table, r), "_": r} for r in rows]


def _group(rows: Iterable[dict[str, Any]], attname: str) -> Rows:
    out: Rows = defaultdict(list)
    for r in rows:
        key = r["_"].get(attname)
        if key is not None:
            out[key].append(r)
    return out


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items() if k != "_"}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def attributes_for(ids: list[uuid.UUID]) -> Rows:
    """Attributes (with their taxonomy term and taxonomy) linked to any of ``ids``."""
    attrs = fetch("attribute", link_id__in=ids) if ids else []
    term_ids = {a["_"]["taxonomy_term_id"] for a in attrs}
    terms = {t["_"]["id"]: t for t in fetch("taxonomy_term", id__in=term_ids)} if term_ids else {}
    tax_ids = {t["_"]["taxonomy_ref_id"] for t in terms.values()} - {None}
    taxonomies = {t["_"]["id"]: t for t in fetch("taxonomy", id__in=tax_ids)} if tax_ids else {}
    for term in terms.values():
        tax = taxonomies.get(term["_"]["taxonomy_ref_id"])
        if tax:
            term["taxonomy_detail"] = tax
    for a in attrs:
        if a["_"]["taxonomy_term_id"] in terms:
            a["taxonomy_term"] = terms[a["_"]["taxonomy_term_id"]]
    return _group(attrs, "link_id")


def locations_full(ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    locations = {r["_"]["id"]: r for r in fetch("location", id__in=ids)} if ids else {}
    keys = list(locations)
    for key, table in (
        ("addresses", "address"),
        ("phones", "phone"),
        ("languages", "language"),
        ("accessibility", "accessibility"),
        ("schedules", "schedule"),
        ("contacts", "contact"),
    ):
        grouped = _group(fetch(table, location_id__in=keys), "location_id") if keys else {}
        for loc_id, items in grouped.items():
            locations[loc_id][key] = items
    return locations


def services_full(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """Fully nested services (compiled/service.json) in the order of ``ids``."""
    services = {r["_"]["id"]: r for r in fetch("service", id__in=ids)} if ids else {}
    keys = list(services)
    if not keys:
        return []
    for key, table in (
        ("phones", "phone"),
        ("schedules", "schedule"),
        ("service_areas", "service_area"),
        ("languages", "language"),
        ("funding", "funding"),
        ("cost_options", "cost_option"),
        ("required_documents", "required_document"),
        ("contacts", "contact"),
    ):
        for sid, items in _group(fetch(table, service_id__in=keys), "service_id").items():
            services[sid][key] = items
    orgs = {
        o["_"]["id"]: o for o in fetch("organization", id__in={s["_"]["organization_id"] for s in services.values()})
    }
    program_ids = {s["_"]["program_id"] for s in services.values()} - {None}
    programs = {p["_"]["id"]: p for p in fetch("program", id__in=program_ids)} if program_ids else {}
    sals = fetch("service_at_location", service_id__in=keys)
    sal_ids = [s["_"]["id"] for s in sals]
    locations = locations_full(list({s["_"]["location_id"] for s in sals}))
    for key, table in (("phones", "phone"), ("schedules", "schedule"), ("contacts", "contact")):
        grouped = _group(fetch(table, service_at_location_id__in=sal_ids), "service_at_location_id") if sal_ids else {}
        for sal in sals:
            if sal["_"]["id"] in grouped:
                sal[key] = grouped[sal["_"]["id"]]
    for sal in sals:
        sal["location"] = locations[sal["_"]["location_id"]]
    for sid, items in _group(sals, "service_id").items():
        services[sid]["service_at_locations"] = items
    attrs = attributes_for(keys)
    meta = _group(fetch("metadata", resource_id__in=keys), "resource_id")
    for sid, service in services.items():
        service["organization"] = orgs[service["_"]["organization_id"]]
        if service["_"]["program_id"] in programs:
            service["program"] = programs[service["_"]["program_id"]]
        if sid in attrs:
            service["attributes"] = attrs[sid]
        if sid in meta:
            service["metadata"] = meta[sid]
    return [_clean(services[i]) for i in ids if i in services]


def services_flat(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """List items (compiled/service_list.json): the service's own fields."""
    rows = {r["_"]["id"]: r for r in fetch("service", id__in=ids)} if ids else {}
    return [_clean(rows[i]) for i in ids if i in rows]


def organizations(ids: list[uuid.UUID], *, full: bool, with_services: bool) -> list[dict[str, Any]]:
    """Organizations, flat (organization_list.json) or nested (compiled/organization.json)."""
    orgs = {o["_"]["id"]: o for o in fetch("organization", id__in=ids)} if ids else {}
    keys = list(orgs)
    if full and keys:
        for key, table in (
            ("funding", "funding"),
            ("contacts", "contact"),
            ("phones", "phone"),
            ("programs", "program"),
            ("organization_identifiers", "organization_identifier"),
        ):
            for oid, items in _group(fetch(table, organization_id__in=keys), "organization_id").items():
                orgs[oid][key] = items
        locs = _group(fetch("location", organization_id__in=keys), "organization_id")
        full_locs = locations_full([loc["_"]["id"] for items in locs.values() for loc in items])
        for oid, items in locs.items():
            orgs[oid]["locations"] = [full_locs[loc["_"]["id"]] for loc in items]
    if with_services and keys:
        from wayfinder.directory.models import Service

        pairs = list(
            Service.objects.filter(organization_id__in=keys).order_by("name", "id").values_list("id", "organization_id")
        )
        nested = {s["id"]: s for s in services_full([p[0] for p in pairs])}
        for sid, oid in pairs:
            orgs[oid].setdefault("services", []).append(nested[str(sid)] if str(sid) in nested else nested[sid])
    return [_clean(orgs[i]) for i in ids if i in orgs]


def service_at_locations(ids: list[uuid.UUID], *, full: bool) -> list[dict[str, Any]]:
    """Service-at-location records, flat or with the nested service and location."""
    sals = {s["_"]["id"]: s for s in fetch("service_at_location", id__in=ids)} if ids else {}
    if full and sals:
        services = {s["id"]: s for s in services_full(list({s["_"]["service_id"] for s in sals.values()}))}
        locations = locations_full(list({s["_"]["location_id"] for s in sals.values()}))
        for sal in sals.values():
            sal["service"] = services[str(sal["_"]["service_id"])]
            sal["location"] = locations[sal["_"]["location_id"]]
    return [_clean(sals[i]) for i in ids if i in sals]


def flat_rows(table: str, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    rows = {r["_"]["id"]: r for r in fetch(table, id__in=ids)} if ids else {}
    return [_clean(rows[i]) for i in ids if i in rows]

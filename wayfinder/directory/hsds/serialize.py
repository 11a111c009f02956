"""Stored records -> HSDS JSON, fully nested, in a fixed number of queries whatever the batch size.

Used by the HSDS API and by the HSDS export. A batch is built breadth first, one table at a time
(parents before children), so every list is one query for the whole batch: a page of 50 services
costs the same ~40 queries as a page of 2. Every list the compiled schemas allow is filled when the
database holds rows for it (an organization's funding, contacts, phones, locations, programs and
identifiers, a phone's languages, a contact's phones, attributes and metadata on every object, and
HSDS 3.1's capacities and extra urls). Empty values and empty lists are left out: the schemas type
fields as plain strings and numbers, so ``null`` would not validate.

One addition the schemas allow (they do not forbid other properties): a taxonomy term carries its
parent term as ``parent``, so a hierarchy survives a JSON export and import even when no service
is filed under the parent (Wayfinder's importer reads it back; other tools ignore it).

A service's availability as its partner confirmed it (accepting / waitlist / full, issue #21) is
exported in HSDS terms (``attach_availability``; the mapping is ``directory.availability.hsds_fields``):
HSDS 3.0's ``wait_time`` text in every view, and in the nested views HSDS 3.1's ``capacities``
carries a full service or a waitlist as a service capacity of 0 referral places.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce

from .. import availability
from .fields import MODELS, datetime_text, fields, flat

Node = dict[str, Any]
CHUNK = 5000

# (JSON key, child table, the child's link to the parent) for each parent table.
CHILDREN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (
        ("phones", "phone", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("languages", "language", "service_id"),
        ("funding", "funding", "service_id"),
        ("cost_options", "cost_option", "service_id"),
        ("required_documents", "required_document", "service_id"),
        ("contacts", "contact", "service_id"),
        ("capacities", "service_capacity", "service_id"),
        ("additional_urls", "url", "service_id"),
    ),
    "organization": (
        ("funding", "funding", "organization_id"),
        ("contacts", "contact", "organization_id"),
        ("phones", "phone", "organization_id"),
        ("locations", "location", "organization_id"),
        ("programs", "program", "organization_id"),
        ("organization_identifiers", "organization_identifier", "organization_id"),
        ("additional_websites", "url", "organization_id"),
    ),
    "service_at_location": (
        ("contacts", "contact", "service_at_location_id"),
        ("phones", "phone", "service_at_location_id"),
        ("schedules", "schedule", "service_at_location_id"),
    ),
    "location": (
        ("languages", "language", "location_id"),
        ("addresses", "address", "location_id"),
        ("contacts", "contact", "location_id"),
        ("accessibility", "accessibility", "location_id"),
        ("phones", "phone", "location_id"),
        ("schedules", "schedule", "location_id"),
    ),
    "contact": (("phones", "phone", "contact_id"),),
    "phone": (("languages", "language", "phone_id"),),
}
# (JSON key, referenced table, the link) for objects nested by reference.
REFS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (("organization", "organization", "organization_id"), ("program", "program", "program_id")),
    "service_at_location": (("location", "location", "location_id"), ("service", "service", "service_id")),
    "service_capacity": (("unit", "unit", "unit_id"),),
}


def fetch(table: str, *tests: Q, **filters: Any) -> list[Node]:
    """Flat HSDS objects of ``table`` matching ``filters`` (one query), raw values kept under "_"."""
    model = MODELS[table]
    attnames = [f.attname for f in fields(table)]
    rows = model.objects.filter(*tests, **filters).order_by("id")
    if table == "service":  # the API and the export show the record's last change (see last_modified below)
        rows = rows.annotate(_changed=Coalesce(F("last_modified"), F("updated_at")))
        attnames.append("_changed")
    out = []
    for values in rows.values(*attnames):
        node = flat(table, values)
        if table == "service":
            node["last_modified"] = last_modified(values)
        out.append({**node, "_": values, "_t": table})
    return out


def fetch_in(table: str, attname: str, ids: Iterable[Any]) -> list[Node]:
    ids = list(dict.fromkeys(ids))
    out: list[Node] = []
    for start in range(0, len(ids), CHUNK):
        out += fetch(table, **{f"{attname}__in": ids[start : start + CHUNK]})
    return out


def last_modified(values: dict[str, Any]) -> str:
    """A service's ``last_modified``: the feed's value, or the time of the last change made here (an
    import that changed it, a partner's edit: ``Service.save`` stamps edits). The same in every view."""
    return datetime_text(values.get("_changed") or values["last_modified"])


class Builder:
    """Nests a batch of objects: lists, referenced objects, then attributes and metadata.

    Every table is read once per pass, whatever links lead to it: the phones of the batch's
    services, organizations, locations, contacts and services-at-locations are one query. A row
    reached by two links (a phone of a service and of its location) is one object in both places.
    """

    def __init__(self, skip: Iterable[tuple[str, str]] = ()) -> None:
        self.skip = set(skip)  # (table, key) pairs not to nest (an organization's own services' organization)
        self.built: dict[str, dict[Any, Node]] = defaultdict(dict)
        self.lists: dict[str, list[tuple[str, str, list[Node]]]] = defaultdict(list)  # child -> (key, fk, parents)
        self.refs: dict[str, list[tuple[str, str, list[Node]]]] = defaultdict(list)  # target -> (key, fk, nodes)

    def build(self, table: str, nodes: list[Node]) -> list[Node]:
        for node in nodes:
            self.built[table][node["_"]["id"]] = node
        self.expand(table, nodes)
        while self.lists or self.refs:  # one pass, in table order, reaches everything (a second: sal→service)
            for name in MODELS:
                if name in self.lists or name in self.refs:
                    self.read(name)
        self.attach_attributes_and_metadata([n for rows in self.built.values() for n in rows.values()])
        attach_availability(list(self.built["service"].values()), nested=True)
        return nodes

    def expand(self, table: str, nodes: list[Node]) -> None:
        """Ask for the lists and referenced objects of ``nodes`` (read in the next pass)."""
        if not nodes:
            return
        for key, child, fk in CHILDREN.get(table, ()):
            if (table, key) not in self.skip:
                self.lists[child].append((key, fk, nodes))
        for key, target, fk in REFS.get(table, ()):
            if (table, key) not in self.skip:
                self.refs[target].append((key, fk, nodes))

    def read(self, table: str) -> None:
        lists, refs = self.lists.pop(table, []), self.refs.pop(table, [])
        built = self.built[table]
        test = Q()
        for _, fk, parents in lists:
            test |= Q(**{f"{fk}__in": {p["_"]["id"] for p in parents}})
        wanted = {n["_"][fk] for _, fk, nodes in refs for n in nodes} - {None} - set(built)
        if wanted:
            test |= Q(id__in=wanted)
        new = []
        if test:
            for row in fetch(table, test):
                rid = row["_"]["id"]
                if rid not in built:
                    built[rid] = row
                    new.append(row)
        rows = built.values()
        for key, fk, parents in lists:
            grouped: dict[Any, list[Node]] = defaultdict(list)
            for row in rows:
                if (value := row["_"].get(fk)) is not None:
                    grouped[value].append(row)
            for parent in parents:
                if items := grouped.get(parent["_"]["id"]):
                    parent[key] = sorted(items, key=lambda n: n["_"]["id"])
        for key, fk, nodes in refs:
            for node in nodes:
                if (ref := built.get(node["_"][fk])) is not None:
                    node[key] = ref
        self.expand(table, new)

    def attach_attributes_and_metadata(self, every: list[Node]) -> None:
        by_id: dict[Any, list[Node]] = defaultdict(list)
        for node in every:
            by_id[node["_"]["id"]].append(node)
        attributes = fetch_in("attribute", "link_id", list(by_id))
        terms = terms_with_parents({a["_"]["taxonomy_term_id"] for a in attributes})
        for attribute in attributes:
            raw = attribute["_"]
            if (term := terms.get(raw["taxonomy_term_id"])) is not None:
                attribute["taxonomy_term"] = term
            for node in by_id[raw["link_id"]]:
                if raw["link_entity"] in (node["_t"], "") or raw["link_entity"] not in MODELS:
                    node.setdefault("attributes", []).append(attribute)
        for term in terms.values():
            by_id[term["_"]["id"]].append(term)
        for meta in fetch_in("metadata", "resource_id", list(by_id)):
            for node in by_id[meta["_"]["resource_id"]]:
                node.setdefault("metadata", []).append(meta)


def attach_availability(services: list[Node], *, nested: bool) -> None:
    """Put each service's availability into its HSDS object (one query for the batch): its
    ``wait_time`` and, when ``nested``, its row in ``capacities``. A stored row with that row's id
    (written by an import of our own export) is older than the partner's word: it is replaced, and
    left out when the service is now accepting (which has no capacity row)."""
    found = availability.hsds_for_services(n["_"]["id"] for n in services) if services else {}
    for node in services:
        hsds = found.get(str(node["_"]["id"]))
        if hsds is None:
            continue
        node["wait_time"] = hsds["wait_time"]
        if not nested:
            continue
        own = availability.hsds_capacity_id(node["_"]["id"])
        kept = [c for c in node.get("capacities", []) if str(c["_"]["id"]) != own]
        if hsds["capacity"] is not None:
            kept.append(hsds["capacity"])
        if kept:
            node["capacities"] = kept
        else:
            node.pop("capacities", None)


def terms_with_parents(ids: set[Any]) -> dict[Any, Node]:
    """Taxonomy terms by id, each with its taxonomy (``taxonomy_detail``) and its ancestors (``parent``)."""
    terms: dict[Any, Node] = {}
    wanted = set(ids) - {None}
    for _ in range(32):  # a hierarchy deeper than this is a cycle
        if not wanted:
            break
        for term in fetch_in("taxonomy_term", "id", wanted):
            terms[term["_"]["id"]] = term
        wanted = {t["_"]["parent_id"] for t in terms.values()} - set(terms) - {None}
    taxonomy_ids = {t["_"]["taxonomy_ref_id"] for t in terms.values()} - {None}
    taxonomies = {t["_"]["id"]: t for t in fetch_in("taxonomy", "id", taxonomy_ids)}
    for term in terms.values():
        if (tax := taxonomies.get(term["_"]["taxonomy_ref_id"])) is not None:
            term["taxonomy_detail"] = tax
        if (parent := terms.get(term["_"]["parent_id"])) is not None and parent is not term:
            term["parent"] = parent
    return terms


def clean(obj: Any, depth: int = 0) -> Any:
    """Drop the raw values; a shared object is copied where it appears (a cycle stops at depth 40)."""
    if isinstance(obj, dict):
        return {k: clean(v, depth + 1) for k, v in obj.items() if k not in ("_", "_t") and depth < 40}
    if isinstance(obj, list):
        return [clean(v, depth + 1) for v in obj]
    return obj


def _in_order(ids: list[uuid.UUID], nodes: list[Node]) -> list[dict[str, Any]]:
    by_id = {n["_"]["id"]: n for n in nodes}
    return [clean(by_id[i]) for i in ids if i in by_id]


def services_full(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """Fully nested services (compiled/service.json) in the order of ``ids``."""
    nodes = fetch_in("service", "id", ids) if ids else []
    return _in_order(ids, Builder(skip=[("service_at_location", "service")]).build("service", nodes))


def services_flat(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """List items (compiled/service_list.json): the service's own fields."""
    nodes = fetch_in("service", "id", ids) if ids else []
    attach_availability(nodes, nested=False)
    return _in_order(ids, nodes)


def services_minimal(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """``minimal=true``: id, name, status and the same ``last_modified`` as the other views."""
    keep = ("id", "name", "status", "last_modified")
    return [{k: v for k, v in s.items() if k in keep} for s in services_flat(ids)]


def organizations(ids: list[uuid.UUID], *, full: bool, with_services: bool) -> list[dict[str, Any]]:
    """Organizations, flat (organization_list.json) or nested (compiled/organization.json). Every
    organization lists its services: their ids (and, with ``with_services``, the whole services)."""
    nodes = fetch_in("organization", "id", ids) if ids else []
    if full and nodes:
        Builder().build("organization", nodes)
    if nodes:
        from ..models import Service

        org_ids = [n["_"]["id"] for n in nodes]
        pairs = list(
            Service.objects.filter(organization_id__in=org_ids)
            .order_by("name", "id")
            .values_list("id", "organization_id")
        )
        nested, brief = {}, {}
        if not with_services:  # the smallest service a compiled organization may list: id, name, status
            keep = ("id", "name", "status")
            brief = {
                n["_"]["id"]: {k: n[k] for k in keep if k in n}
                for n in fetch_in("service", "id", [p[0] for p in pairs])
            }
        if with_services:
            services = fetch_in("service", "id", [p[0] for p in pairs])
            skip = [("service", "organization"), ("service_at_location", "service")]
            nested = {s["_"]["id"]: s for s in Builder(skip=skip).build("service", services)}
        by_org = {n["_"]["id"]: n for n in nodes}
        for sid, oid in pairs:
            by_org[oid].setdefault("services", []).append(nested.get(sid) or brief[sid])
    return _in_order(ids, nodes)


def service_at_locations(ids: list[uuid.UUID], *, full: bool) -> list[dict[str, Any]]:
    """Service-at-location records, flat or with their lists and the nested service and location."""
    nodes = fetch_in("service_at_location", "id", ids) if ids else []
    if full and nodes:
        Builder(skip=[("service", "service_at_locations")]).build("service_at_location", nodes)
    return _in_order(ids, nodes)


def flat_rows(table: str, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    return _in_order(ids, fetch_in(table, "id", ids) if ids else [])

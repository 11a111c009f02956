"""The OpenAPI document of the HSDS API: Open Referral's own (schema/openapi.json, HSDS 3.0), adapted.

Adapted means: our server URL, title and version; the response schemas, which the official document
fetches from github.com, built from the project's copies of the HSDS object schemas into
``components/schemas`` (so the document is complete offline and says exactly what we return,
including the HSDS 3.1 lists we add); and the parameters we accept beyond the specification
(``perPage``) and the ``search_limit`` a capped search returns.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
OBJECTS = (
    "accessibility", "address", "attribute", "contact", "cost_option", "funding", "language", "location",
    "metadata", "organization", "organization_identifier", "phone", "program", "required_document", "schedule",
    "service", "service_area", "service_at_location", "taxonomy", "taxonomy_term", "unit", "service_capacity", "url",
)  # fmt: skip
REMOTE = {
    "compiled/organization.json": "organization_full",
    "compiled/organization_list.json": "organization_list",
    "compiled/service.json": "service",
    "compiled/service_at_location_list.json": "service_at_location_list",
    "compiled/service_list.json": "service_list",
    "taxonomy.json": "taxonomy",
    "taxonomy_term.json": "taxonomy_term",
}


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _local_refs(value: Any) -> Any:
    """``"$ref": "phone.json"`` (and the remote github.com forms) -> ``#/components/schemas/phone``."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.endswith(".json"):
                tail = item.split("/schema/", 1)[-1]
                out[key] = f"#/components/schemas/{REMOTE.get(tail, tail.removesuffix('.json'))}"
            else:
                out[key] = _local_refs(item)
        return out
    if isinstance(value, list):
        return [_local_refs(v) for v in value]
    return value


def _array_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


@cache
def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {name: _local_refs(_load(f"{name}.json")) for name in OBJECTS}
    schemas["service"]["properties"].update(capacities=_array_of("service_capacity"), additional_urls=_array_of("url"))
    schemas["organization"]["properties"]["additional_websites"] = _array_of("url")
    schemas["taxonomy_term"]["properties"]["parent"] = {
        "$ref": "#/components/schemas/taxonomy_term",
        "description": "Wayfinder: the parent term, nested (its id is parent_id)",
    }
    full_org = copy.deepcopy(schemas["organization"])
    full_org["properties"]["services"] = _array_of("service")
    schemas["organization_full"] = full_org
    full_sal = copy.deepcopy(schemas["service_at_location"])
    full_sal["properties"]["service"] = {"$ref": "#/components/schemas/service"}
    schemas["service_at_location_full"] = full_sal
    for name in ("service_list", "organization_list", "service_at_location_list"):
        schemas[name] = _local_refs(_load(f"compiled_{name}.json"))
    return schemas


@cache
def _document() -> dict[str, Any]:
    doc = _local_refs(_load("openapi.json"))
    doc["info"] = {
        "title": "Wayfinder directory: HSDS API",
        "version": "3.0",
        "summary": "The community services directory as Open Referral HSDS 3.0 (with the HSDS 3.1 lists it holds).",
        "description": (
            "Read-only, open to everyone. Lists are paged (page, per_page up to 200; perPage is read too) "
            "or, with format=ndjson, unpaged: without filters from a file written daily, otherwise at most "
            "a few per hour per client. A search reads at most search_limit index documents: when a "
            "response has search_limit, more services matched than total_items counts."
        ),
        "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
    }
    sal = doc["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    sal["schema"] = {"$ref": "#/components/schemas/service_at_location_full"}
    doc["components"]["schemas"].update(_components())
    page = doc["components"]["schemas"]["Page"]
    page["properties"]["search_limit"] = {
        "type": "integer",
        "description": "Present when a search matched more than it reads: total_items is then this limit.",
    }
    doc["components"]["parameters"]["perPage"] = {
        "name": "perPage",
        "in": "query",
        "required": False,
        "description": "Another name for per_page (used when per_page is not given).",
        "schema": {"type": "integer"},
    }
    for item in doc["paths"].values():
        params = item.get("get", {}).get("parameters", [])
        if any(p.get("$ref", "").endswith("/per_page") for p in params):
            params.append({"$ref": "#/components/parameters/perPage"})
    return doc


def document(base_url: str) -> dict[str, Any]:
    """The document, with ``base_url`` (the API root, e.g. https://host/api/hsds) as its server."""
    doc = dict(_document())
    doc["servers"] = [{"url": base_url.rstrip("/"), "description": "This Wayfinder instance"}]
    return doc

"""Which model holds each HSDS object, and its flat HSDS fields with their JSON types.

The types come from the model fields (a FloatField is an HSDS number, a UUID or a foreign key an
HSDS uuid string, ...), so this module needs no schema file; the importer's stricter view of each
field (enumerations, required fields, formats) lives with the importer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from .. import models as m

# HSDS object name -> model, parents before children (the order an importer writes them in).
MODELS: dict[str, type] = {
    "taxonomy": m.Taxonomy,
    "taxonomy_term": m.TaxonomyTerm,
    "organization": m.Organization,
    "organization_identifier": m.OrganizationIdentifier,
    "program": m.Program,
    "service": m.Service,
    "location": m.Location,
    "service_at_location": m.ServiceAtLocation,
    "address": m.Address,
    "contact": m.Contact,
    "phone": m.Phone,
    "schedule": m.Schedule,
    "service_area": m.ServiceArea,
    "language": m.Language,
    "accessibility": m.Accessibility,
    "cost_option": m.CostOption,
    "required_document": m.RequiredDocument,
    "funding": m.Funding,
    "unit": m.Unit,
    "service_capacity": m.ServiceCapacity,
    "url": m.Url,
    "attribute": m.Attribute,
    "metadata": m.Metadata,
    "meta_table_description": m.MetaTableDescription,
}
TABLE_OF = {model: name for name, model in MODELS.items()}


@dataclass(frozen=True)
class Field:
    name: str  # HSDS name
    attname: str  # model attribute
    kind: str  # str|number|uuid|date|datetime


def _kind(field: Any) -> str:
    internal = field.get_internal_type()
    if internal in ("UUIDField", "ForeignKey"):
        return "uuid"
    if internal in ("FloatField", "IntegerField", "DecimalField"):
        return "number"
    if internal == "DateTimeField":
        return "datetime"
    if internal == "DateField":
        return "date"
    return "str"


@cache
def fields(table: str) -> tuple[Field, ...]:
    """The table's flat HSDS fields that the model stores, in declaration order."""
    model = MODELS[table]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return tuple(Field(name, attname, _kind(by_attname[attname])) for name, attname in m.hsds_fields(model))


def datetime_text(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def json_value(kind: str, value: Any) -> Any:
    """One stored value as HSDS JSON (None and "" are left out by the callers)."""
    if kind == "number":
        return int(value) if float(value).is_integer() else float(value)
    if kind in ("uuid", "date"):
        return str(value)
    if kind == "datetime":
        return datetime_text(value)
    return value


def flat(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """A row (by attname) as an HSDS JSON object of its own fields; empty values are left out: the
    schemas type fields as plain strings and numbers, so ``null`` would not validate."""
    out = {}
    for f in fields(table):
        value = values.get(f.attname)
        if value is None or value == "":
            continue
        out[f.name] = json_value(f.kind, value)
    return out

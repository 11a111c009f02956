"""The HSDS tables Wayfinder stores: model, CSV file, JSON nesting, and a row checker.

The checker is compiled from the official per-object JSON schemas (copied into
``schema/``) rather than calling ``jsonschema`` per row: measured, jsonschema costs
~250 µs for one service row, which alone would take 3 s of a 12,000-service import.
The compiled checker enforces the same keywords the schemas use for flat fields
(``required``, ``type``, ``enum``, ``format: uuid``/``date-time``, the datapackage
``date`` type); tests check it agrees with jsonschema on the official examples.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from wayfinder.directory import models as m

SCHEMA_DIR = Path(__file__).parent / "schema"


@dataclass(frozen=True)
class Table:
    name: str  # HSDS object name (schema file stem)
    model: type
    csv: str
    # (hsds field, target table, required?) for *_id references checked on import
    refs: tuple[tuple[str, str, bool], ...] = ()
    # JSON nesting: (key, child table, kind, field) kind: child|ref|link|meta
    nest: tuple[tuple[str, str, str, str], ...] = ()
    extra_required: tuple[str, ...] = field(default=())


_COMMON = (("attributes", "attribute", "link", ""), ("metadata", "metadata", "meta", ""))


def _children(fk: str, *pairs: tuple[str, str]) -> tuple[tuple[str, str, str, str], ...]:
    return tuple((key, table, "child", fk) for key, table in pairs) + _COMMON


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table("taxonomy", m.Taxonomy, "taxonomies.csv"),
        Table(
            "taxonomy_term",
            m.TaxonomyTerm,
            "taxonomy_terms.csv",
            refs=(("taxonomy_id", "taxonomy", False), ("parent_id", "taxonomy_term", False)),
            nest=(("taxonomy_detail", "taxonomy", "ref", "taxonomy_id"),),
        ),
        Table(
            "organization",
            m.Organization,
            "organizations.csv",
            refs=(("parent_organization_id", "organization", False),),
            nest=_children(
                "organization_id",
                ("funding", "funding"),
                ("contacts", "contact"),
                ("phones", "phone"),
                ("locations", "location"),
                ("programs", "program"),
                ("organization_identifiers", "organization_identifier"),
                ("services", "service"),
            ),
        ),
        Table(
            "organization_identifier",
            m.OrganizationIdentifier,
            "organization_identifiers.csv",
            refs=(("organization_id", "organization", True),),
        ),
        Table("program", m.Program, "programs.csv", refs=(("organization_id", "organization", True),)),
        Table(
            "service",
            m.Service,
            "services.csv",
            refs=(("organization_id", "organization", True), ("program_id", "program", False)),
            nest=(
                ("organization", "organization", "ref", "organization_id"),
                ("program", "program", "ref", "program_id"),
                *_children(
                    "service_id",
                    ("phones", "phone"),
                    ("schedules", "schedule"),
                    ("service_areas", "service_area"),
                    ("service_at_locations", "service_at_location"),
                    ("languages", "language"),
                    ("funding", "funding"),
                    ("cost_options", "cost_option"),
                    ("required_documents", "required_document"),
                    ("contacts", "contact"),
                ),
            ),
            extra_required=("organization_id",),
        ),
        Table(
            "location",
            m.Location,
            "locations.csv",
            refs=(("organization_id", "organization", False),),
            nest=_children(
                "location_id",
                ("languages", "language"),
                ("addresses", "address"),
                ("contacts", "contact"),
                ("accessibility", "accessibility"),
                ("phones", "phone"),
                ("schedules", "schedule"),
            ),
        ),
        Table(
            "service_at_location",
            m.ServiceAtLocation,
            "service_at_location.csv",
            refs=(("service_id", "service", True), ("location_id", "location", True)),
            nest=(
                ("location", "location", "ref", "location_id"),
                ("service", "service", "ref", "service_id"),
                *_children(
                    "service_at_location_id", ("contacts", "contact"), ("phones", "phone"), ("schedules", "schedule")
                ),
            ),
        ),
        Table("address", m.Address, "addresses.csv", refs=(("location_id", "location", False),)),
        Table(
            "contact",
            m.Contact,
            "contacts.csv",
            refs=(
                ("organization_id", "organization", False),
                ("service_id", "service", False),
                ("service_at_location_id", "service_at_location", False),
                ("location_id", "location", False),
            ),
            nest=_children("contact_id", ("phones", "phone")),
        ),
        Table(
            "phone",
            m.Phone,
            "phones.csv",
            refs=(
                ("location_id", "location", False),
                ("service_id", "service", False),
                ("organization_id", "organization", False),
                ("contact_id", "contact", False),
                ("service_at_location_id", "service_at_location", False),
            ),
            nest=_children("phone_id", ("languages", "language")),
        ),
        Table(
            "schedule",
            m.Schedule,
            "schedules.csv",
            refs=(
                ("service_id", "service", False),
                ("location_id", "location", False),
                ("service_at_location_id", "service_at_location", False),
            ),
            nest=_COMMON,
        ),
        Table(
            "service_area", m.ServiceArea, "service_areas.csv", refs=(("service_id", "service", False),), nest=_COMMON
        ),
        Table(
            "language",
            m.Language,
            "languages.csv",
            refs=(("service_id", "service", False), ("location_id", "location", False), ("phone_id", "phone", False)),
            nest=_COMMON,
        ),
        Table(
            "accessibility",
            m.Accessibility,
            "accessibility.csv",
            refs=(("location_id", "location", False),),
            nest=_COMMON,
        ),
        Table("cost_option", m.CostOption, "cost_options.csv", refs=(("service_id", "service", True),), nest=_COMMON),
        Table(
            "required_document",
            m.RequiredDocument,
            "required_documents.csv",
            refs=(("service_id", "service", False),),
            nest=_COMMON,
        ),
        Table(
            "funding",
            m.Funding,
            "funding.csv",
            refs=(("organization_id", "organization", False), ("service_id", "service", False)),
            nest=_COMMON,
        ),
        Table(
            "attribute",
            m.Attribute,
            "attributes.csv",
            refs=(("taxonomy_term_id", "taxonomy_term", True),),
            nest=(("taxonomy_term", "taxonomy_term", "ref", "taxonomy_term_id"),),
            extra_required=("link_id", "link_entity", "taxonomy_term_id"),
        ),
        Table("metadata", m.Metadata, "metadata.csv", extra_required=("resource_id", "resource_type")),
        Table("meta_table_description", m.MetaTableDescription, "meta_table_descriptions.csv"),
    ]
}
ORDER = list(TABLES)  # parents before children: the commit order
BY_CSV = {t.csv: t for t in TABLES.values()}

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


class RowError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class Column:
    name: str  # HSDS name
    attname: str  # model attribute
    kind: str  # str|number|uuid|date|datetime|time
    enum: tuple[str, ...] | None


@cache
def schema(table: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{table}.json").read_text(encoding="utf-8"))


@cache
def columns(table: str) -> tuple[Column, ...]:
    """The table's flat HSDS columns that we store, typed from the official schema."""
    props = schema(table)["properties"]
    model_fields = {f.attname: f for f in TABLES[table].model._meta.concrete_fields}
    out = []
    for hsds_name, attname in m.hsds_fields(TABLES[table].model):
        p = props.get(hsds_name, {})
        f = model_fields[attname]
        if p.get("format") == "uuid" or f.get_internal_type() in ("UUIDField", "ForeignKey"):
            kind = "uuid"
        elif p.get("type") in ("number", "integer"):
            kind = "number"
        elif p.get("format") == "date-time":
            kind = "datetime"
        elif p.get("datapackage_type") == "date" or f.get_internal_type() == "DateField":
            kind = "date"
        elif p.get("datapackage_type") == "time":
            kind = "time"
        else:
            kind = "str"
        out.append(Column(hsds_name, attname, kind, tuple(p["enum"]) if p.get("enum") else None))
    return tuple(out)


@cache
def required(table: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*schema(table).get("required", []), *TABLES[table].extra_required]))


_NUMBER = (int, float)


def _coerce(col: Column, value: Any, from_text: bool) -> Any:
    kind = col.kind
    if kind == "uuid" and type(value) is str:  # the most common case first: every id and link
        try:
            return uuid.UUID(value)
        except ValueError:
            raise RowError(col.name, f"{value!r} is not a UUID") from None
    if kind == "number":
        if isinstance(value, bool):
            raise RowError(col.name, f"expected a number, got {value!r}")
        if isinstance(value, _NUMBER):
            return float(value)
        if from_text and isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                raise RowError(col.name, f"expected a number, got {value!r}") from None
        raise RowError(col.name, f"expected a number, got {value!r}")
    if kind == "str" and isinstance(value, _NUMBER) and not isinstance(value, bool):
        value = str(value)  # tabular JSON writes numeric-looking identifiers as numbers
    if not isinstance(value, str):
        raise RowError(col.name, f"expected a string, got {type(value).__name__}")
    if col.enum and value not in col.enum:
        raise RowError(col.name, f"{value!r} is not one of {', '.join(col.enum)}")
    if col.kind == "uuid":
        try:
            return uuid.UUID(value)
        except ValueError:
            raise RowError(col.name, f"{value!r} is not a UUID") from None
    if col.kind == "date":
        try:
            return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else dt.date.fromisoformat(value)
        except ValueError:
            raise RowError(col.name, f"{value!r} is not a date (YYYY-MM-DD)") from None
    if col.kind == "datetime":
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise RowError(col.name, f"{value!r} is not an ISO 8601 date-time") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if col.kind == "time" and not TIME_RE.match(value):
        raise RowError(col.name, f"{value!r} is not a time (HH:MM)")
    return value


@cache
def _plan(table: str) -> tuple[tuple[tuple[Column, bool], ...], tuple[tuple[str, str], ...]]:
    cols = tuple((c, c.kind == "str" and c.enum is None) for c in columns(table))
    attname = {c.name: c.attname for c in columns(table)}
    return cols, tuple((name, attname.get(name, name)) for name in required(table))


def check_row(table: str, raw: dict[str, Any], *, from_text: bool) -> dict[str, Any]:
    """Validate one flat HSDS row against the table's schema; return model-ready values by attname.

    Raises RowError on the first problem. Empty strings count as missing (HSDS CSV has no other null).
    """
    values: dict[str, Any] = {}
    cols, req = _plan(table)
    get = raw.get
    for col, plain in cols:
        value = get(col.name)
        if value is None or value == "":
            continue
        if plain and type(value) is str:
            values[col.attname] = value
        else:
            values[col.attname] = _coerce(col, value, from_text)
    for name, attname in req:
        if values.get(attname) is None:
            raise RowError(name, "required field is missing")
    return values


@cache
def datapackage() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "datapackage.json").read_text(encoding="utf-8"))


@cache
def csv_columns(table: str) -> tuple[Column, ...]:
    """The table's columns in the official datapackage's order (what frictionless expects)."""
    by_name = {c.name: c for c in columns(table)}
    for resource in datapackage()["resources"]:
        if resource["name"] == table:
            return tuple(by_name[f["name"]] for f in resource["schema"]["fields"])
    return ()


def text_value(col: Column, value: Any) -> str:
    """One stored value as CSV text; integral numbers lose their ".0" so a round trip is exact."""
    if value is None:
        return ""
    if col.kind == "number":
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if col.kind == "datetime":
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def json_value(col: Column, value: Any) -> Any:
    """One stored value as HSDS JSON."""
    if value is None:
        return None
    if col.kind == "number":
        return int(value) if float(value).is_integer() else float(value)
    if col.kind in ("uuid", "date"):
        return str(value)
    if col.kind == "datetime":
        return value.isoformat().replace("+00:00", "Z")
    return value

"""The HSDS tables Wayfinder stores: model, CSV file, JSON nesting, and each column's rules.

Column rules come from the official per-object JSON schemas (the project's copy in
``wayfinder/directory/hsds/schema/``, plus our definitions of the three HSDS 3.1 tables we store):
type, enumeration, ``format`` (uuid, uri, email, date-time), the datapackage ``date``/``time``
types, required fields; and from the model: the longest value a column holds. ``checker.py``
compiles them into a per-row check (measured: jsonschema costs ~250 µs for one service row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from wayfinder.directory import models as m
from wayfinder.directory.hsds.fields import MODELS

SCHEMA_DIR = Path(m.__file__).resolve().parent.parent / "hsds" / "schema"
TEXT_LIMIT = 1_000_000  # characters: a text value longer than this is a record error, not a disk filler


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


_SPECS = [
    Table("taxonomy", m.Taxonomy, "taxonomies.csv", nest=(("metadata", "metadata", "meta", ""),)),
    Table(
        "taxonomy_term",
        m.TaxonomyTerm,
        "taxonomy_terms.csv",
        refs=(("taxonomy_id", "taxonomy", False), ("parent_id", "taxonomy_term", False)),
        # "parent": the parent term, as Wayfinder's JSON export nests it (directory/hsds/serialize.py)
        nest=(
            ("taxonomy_detail", "taxonomy", "ref", "taxonomy_id"),
            ("parent", "taxonomy_term", "ref", "parent_id"),
            ("metadata", "metadata", "meta", ""),
        ),
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
            ("additional_websites", "url"),
            ("services", "service"),
        ),
    ),
    Table(
        "organization_identifier",
        m.OrganizationIdentifier,
        "organization_identifiers.csv",
        refs=(("organization_id", "organization", True),),
        nest=_COMMON,
    ),
    Table("program", m.Program, "programs.csv", refs=(("organization_id", "organization", True),), nest=_COMMON),
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
                ("capacities", "service_capacity"),
                ("additional_urls", "url"),
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
    Table("address", m.Address, "addresses.csv", refs=(("location_id", "location", False),), nest=_COMMON),
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
    Table("service_area", m.ServiceArea, "service_areas.csv", refs=(("service_id", "service", False),), nest=_COMMON),
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
    Table("unit", m.Unit, "units.csv", nest=_COMMON),
    Table(
        "service_capacity",
        m.ServiceCapacity,
        "service_capacity.csv",
        refs=(("service_id", "service", True), ("unit_id", "unit", True)),
        nest=(("unit", "unit", "ref", "unit_id"), *_COMMON),
        extra_required=("service_id", "unit_id"),
    ),
    Table(
        "url",
        m.Url,
        "url.csv",
        refs=(("organization_id", "organization", False), ("service_id", "service", False)),
        nest=_COMMON,
    ),
    Table(
        "attribute",
        m.Attribute,
        "attributes.csv",
        refs=(("taxonomy_term_id", "taxonomy_term", True),),
        nest=(("taxonomy_term", "taxonomy_term", "ref", "taxonomy_term_id"), ("metadata", "metadata", "meta", "")),
        extra_required=("link_id", "link_entity", "taxonomy_term_id"),
    ),
    Table("metadata", m.Metadata, "metadata.csv", extra_required=("resource_id", "resource_type")),
    Table("meta_table_description", m.MetaTableDescription, "meta_table_descriptions.csv", nest=_COMMON),
]
TABLES: dict[str, Table] = {t.name: t for t in sorted(_SPECS, key=lambda t: list(MODELS).index(t.name))}
ORDER = list(TABLES)  # parents before children: the commit order
BY_CSV = {t.csv: t for t in TABLES.values()}
# Other names real feeds give the 3.x files (HSDS 3.1 calls it url.csv; some publishers pluralise).
CSV_ALIASES = {
    "urls.csv": "url",
    "service_capacities.csv": "service_capacity",
    "unit.csv": "unit",
    "services_at_location.csv": "service_at_location",
    "service_at_locations.csv": "service_at_location",
    "taxonomy_term.csv": "taxonomy_term",
    "meta_table_description.csv": "meta_table_description",
    "organization_identifier.csv": "organization_identifier",
}
HSDS_31_TABLES = frozenset({"unit", "service_capacity", "url"})


@dataclass(frozen=True)
class Column:
    name: str  # HSDS name
    attname: str  # model attribute
    kind: str  # str|number|uuid|date|datetime|time
    enum: tuple[str, ...] | None = None
    fmt: str = ""  # uri|email for strings
    max_length: int = TEXT_LIMIT
    target: str = ""  # for uuid references: the table pointed at


@cache
def schema(table: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{table}.json").read_text(encoding="utf-8"))


@cache
def columns(table: str) -> tuple[Column, ...]:
    """The table's flat HSDS columns that we store, typed from the official schema."""
    props = schema(table)["properties"]
    spec = TABLES[table]
    targets = {hsds: target for hsds, target, _ in spec.refs}
    model_fields = {f.attname: f for f in spec.model._meta.concrete_fields}
    out = []
    for hsds_name, attname in m.hsds_fields(spec.model):
        p = props.get(hsds_name, {})
        f = model_fields[attname]
        internal = f.get_internal_type()
        if p.get("format") == "uuid" or internal in ("UUIDField", "ForeignKey"):
            kind = "uuid"
        elif p.get("type") in ("number", "integer") or internal == "FloatField":
            kind = "number"
        elif p.get("format") == "date-time" or internal == "DateTimeField":
            kind = "datetime"
        elif p.get("datapackage_type") == "date" or internal == "DateField":
            kind = "date"
        elif p.get("datapackage_type") == "time":
            kind = "time"
        else:
            kind = "str"
        fmt = p.get("format", "") if p.get("format") in ("uri", "email") else ""
        limit = getattr(f, "max_length", None) or TEXT_LIMIT
        target = targets.get(hsds_name, table if hsds_name == "id" else "")
        out.append(Column(hsds_name, attname, kind, tuple(p["enum"]) if p.get("enum") else None, fmt, limit, target))
    return tuple(out)


@cache
def required(table: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*schema(table).get("required", []), *TABLES[table].extra_required]))


@cache
def known_fields(table: str) -> frozenset[str]:
    """Every property the schema names (stored or not): what is "unknown" to it is worth a warning."""
    return frozenset(schema(table)["properties"]) | {c.name for c in columns(table)}


@cache
def datapackage() -> dict[str, Any]:
    """The HSDS 3.0 datapackage with the HSDS 3.1 tables we store added (``datapackage_31.json``)."""
    package = json.loads((SCHEMA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    extra = json.loads((SCHEMA_DIR / "datapackage_31.json").read_text(encoding="utf-8"))
    package["resources"] = [*package["resources"], *extra["resources"]]
    return package


@cache
def csv_columns(table: str) -> tuple[Column, ...]:
    """The table's columns in the datapackage's order (what frictionless expects)."""
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

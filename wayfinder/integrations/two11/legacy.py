"""HSDS 1.x and 2.0 datapackages, detected and read as HSDS 3.0 (docs/formats/hsds-legacy.md).

Each legacy file maps to one 3.0 table (two for phones.csv, whose ``language`` column becomes
language rows): columns are renamed, a few values rewritten, and the rest goes through the same
check, normalization and id mapping as a 3.0 feed. Ids that are not UUIDs (the norm before 3.0)
become stable UUIDs in ``checker.IdMap``; where two legacy files become one 3.0 table (physical and
postal addresses, regular and holiday schedules, service and other attributes) a non-UUID id gets
the file's kind as a prefix first, so "1" in each stays two records. 3.0 column names are read in
these files too, so a 3.0 feed that happens to use one legacy file name reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wayfinder.directory import categories as cats

from .checker import UUID_TEXT, Notes
from .tables import columns

Raw = dict[str, str]
LEGACY_ONLY = {
    "physical_addresses.csv",
    "postal_addresses.csv",
    "services_at_location.csv",
    "service_attributes.csv",
    "other_attributes.csv",
    "accessibility_for_disabilities.csv",
    "eligibility.csv",
    "payments_accepted.csv",
    "payment_accepted.csv",
    "taxonomy.csv",
    "service_taxonomy.csv",
    "regular_schedules.csv",
    "holiday_schedules.csv",
    "service_area.csv",
}
ONE_X = {"taxonomy.csv", "service_taxonomy.csv", "regular_schedules.csv", "holiday_schedules.csv"}
DROPPED = {
    "payments_accepted.csv": "HSDS 3.0 has no payment methods table",
    "payment_accepted.csv": "HSDS 3.0 has no payment methods table",
}
# 2.0 entity names (other_attributes.link_type, metadata.resource_type) -> 3.0 table and id prefix
ENTITIES = {
    "physical_address": ("address", "physical:"),
    "postal_address": ("address", "postal:"),
    "accessibility_for_disabilities": ("accessibility", ""),
    "service_attribute": ("attribute", "service_attribute:"),
    "other_attribute": ("attribute", "other_attribute:"),
    "regular_schedule": ("schedule", "regular:"),
    "holiday_schedule": ("schedule", "holiday:"),
    "services_at_location": ("service_at_location", ""),
}
WEEKDAYS = {
    "monday": "MO", "mon": "MO", "mo": "MO", "1": "MO",
    "tuesday": "TU", "tue": "TU", "tues": "TU", "tu": "TU", "2": "TU",
    "wednesday": "WE", "wed": "WE", "we": "WE", "3": "WE",
    "thursday": "TH", "thu": "TH", "thur": "TH", "thurs": "TH", "th": "TH", "4": "TH",
    "friday": "FR", "fri": "FR", "fr": "FR", "5": "FR",
    "saturday": "SA", "sat": "SA", "sa": "SA", "6": "SA",
    "sunday": "SU", "sun": "SU", "su": "SU", "7": "SU", "0": "SU",
}  # fmt: skip


def is_uuid(value: str) -> bool:
    return bool(UUID_TEXT.match(value.strip()))


def prefixed(prefix: str, value: str | None) -> str:
    """A legacy id made distinct per source file (kept as it is when it is a UUID)."""
    value = (value or "").strip()
    return value if not value or not prefix or is_uuid(value) else prefix + value


@dataclass
class Context:
    notes: Notes
    eligibility: dict[str, list[str]] = field(default_factory=dict)  # service id -> eligibility texts
    linked: set[tuple[str, str]] = field(default_factory=set)  # (service id, location id) pairs already linked
    location_organization: dict[str, str] = field(default_factory=dict)  # 1.0: location id -> organization id
    where: str = ""  # the row being converted

    def note(self, table: str, fld: str, what: str, before: Any, after: Any) -> None:
        self.notes.add(table, fld, what, self.where, before, after)


@dataclass(frozen=True)
class Source:
    file: str  # lower-case file name
    table: str  # the 3.0 table it becomes
    convert: Callable[[Raw, Context], Iterator[dict[str, Any]]]
    reads: frozenset[str]  # the columns it uses (the others are reported as dropped)
    name: str = ""  # tells the digests of two sources of one file apart


def _passthrough(table: str, renames: dict[str, str] | None = None) -> tuple[frozenset[str], dict[str, str]]:
    renames = renames or {}
    own = {c.name for c in columns(table)}
    return frozenset(own | set(renames)), renames


def _renamed(row: Raw, own: frozenset[str], renames: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        target = renames.get(key, key if key in own else None)
        if target is not None and not out.get(target):
            out[target] = value
    return out


def simple(table: str, renames: dict[str, str] | None = None, fix: Callable | None = None):
    reads, renames = _passthrough(table, renames)

    def convert(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
        out = _renamed(row, reads, renames)
        if fix is not None:
            out = fix(out, row, ctx)
        if out is not None:
            yield out

    return convert, reads


def _year(out: dict[str, Any], row: Raw, ctx: Context) -> dict[str, Any]:
    """2.0's year_incorporated is a date of format %Y; 3.0's a number."""
    year = str(out.get("year_incorporated") or "")
    if m := re.match(r"^\s*(\d{4})", year):
        out["year_incorporated"] = m.group(1)
    return out


def _description_from_name(table: str):
    def fix(out: dict[str, Any], row: Raw, ctx: Context) -> dict[str, Any]:
        if not str(out.get("description") or "").strip() and str(out.get("name") or "").strip():
            out["description"] = out["name"]
            ctx.note(table, "description", "not in HSDS 1.x/2.0, required in 3.0: the name is used", "", out["name"])
        return out

    return fix


def _service(out: dict[str, Any], row: Raw, ctx: Context) -> dict[str, Any]:
    extra = ctx.eligibility.get(str(row.get("id", "")).strip())
    if extra and not str(out.get("eligibility_description") or "").strip():
        out["eligibility_description"] = "; ".join(extra)
    out.pop("location_id", None)  # read for the organization below and for service_location
    if not str(out.get("organization_id") or "").strip():
        # HSDS 1.0 (and Ohana API exports) give a service its location only: the location's organization
        # runs it (3.0 requires organization_id)
        place = str(row.get("location_id") or "").strip()
        if owner := ctx.location_organization.get(place):
            out["organization_id"] = owner
            ctx.note("service", "organization_id", "not given: the organization of the service's location", "", owner)
    return out


def _location(out: dict[str, Any], row: Raw, ctx: Context) -> dict[str, Any]:
    if not str(out.get("location_type") or "").strip():
        out["location_type"] = "physical"  # a 1.x/2.0 location is a place (3.0 adds postal and virtual)
    return out


def _pair(out: dict[str, Any], row: Raw, ctx: Context) -> dict[str, Any]:
    ctx.linked.add((str(out.get("service_id") or "").strip(), str(out.get("location_id") or "").strip()))
    return out


def service_location(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
    """HSDS 1.0 links a service to its one location by ``services.location_id`` (1.1 added
    services_at_location): that link becomes a service_at_location, unless the feed's own
    services_at_location file already has the pair (``TabularReader`` reads that file first)."""
    service, location = (row.get("id") or "").strip(), (row.get("location_id") or "").strip()
    if not service or not location or (service, location) in ctx.linked:
        return
    ctx.linked.add((service, location))
    ctx.note("service_at_location", "location_id", "a 1.x service's location_id: linked as a service_at_location",
             service, location)  # fmt: skip
    yield {"id": f"service-location:{service}:{location}", "service_id": service, "location_id": location}


def _physical(out: dict[str, Any], row: Raw, ctx: Context) -> dict[str, Any]:
    if not str(out.get("address_type") or "").strip():
        out["address_type"] = "physical"  # a 1.0 addresses.csv holds the places of its locations
    return out


def address(kind: str):
    reads, renames = _passthrough("address", {})
    reads = reads | {"address_3", "address_4"}

    def convert(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
        out = _renamed(row, reads, renames)
        out["id"] = prefixed(f"{kind}:", row.get("id"))
        lines = [row.get(k, "").strip() for k in ("address_2", "address_3", "address_4")]
        out["address_2"] = ", ".join(x for x in lines if x)
        out.setdefault("address_type", kind)
        if not str(out.get("address_type") or "").strip():
            out["address_type"] = kind
        yield out

    return convert, reads


def _codes(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;/|]", value or "") if p.strip()]


def language_fields(value: str) -> dict[str, str]:
    """A 2.0 language cell is "ISO 639-1 codes" in the specification and a name in much real data."""
    value = value.strip()
    if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?", value):
        return {"code": value.lower()}
    return {"name": value}


def phone_languages(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
    phone = (row.get("id") or "").strip()
    for code in _codes(row.get("language", "")):
        yield {"id": prefixed("phone-language:", f"{phone}:{code}"), "phone_id": phone, **language_fields(code)}


def languages(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
    out = {k: row[k] for k in ("id", "service_id", "location_id", "phone_id", "name", "code", "note") if k in row}
    if row.get("language") and not (out.get("name") or out.get("code")):
        out.update(language_fields(row["language"]))
    yield out


def regular_schedule(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
    day = WEEKDAYS.get(str(row.get("weekday", "")).strip().lower(), str(row.get("weekday", "")).strip().upper())
    yield {
        "id": prefixed("regular:", row.get("id")),
        "service_id": row.get("service_id", ""),
        "location_id": row.get("location_id", ""),
        "service_at_location_id": row.get("service_at_location_id", ""),
        "freq": "WEEKLY",
        "byday": day,
        "opens_at": row.get("opens_at", ""),
        "closes_at": row.get("closes_at", ""),
    }


def holiday_schedule(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
    closed = str(row.get("closed", "")).strip().lower() in ("1", "true", "yes", "y", "t")
    yield {
        "id": prefixed("holiday:", row.get("id")),
        "service_id": row.get("service_id", ""),
        "location_id": row.get("location_id", ""),
        "service_at_location_id": row.get("service_at_location_id", ""),
        "valid_from": row.get("start_date", ""),
        "valid_to": row.get("end_date", ""),
        "opens_at": "" if closed else row.get("opens_at", ""),
        "closes_at": "" if closed else row.get("closes_at", ""),
        "description": "Closed" if closed else "Holiday hours",
    }


def _entity(kind: str, link: str) -> tuple[str, str]:
    table, prefix = ENTITIES.get(kind.strip().lower(), (kind.strip().lower(), ""))
    return table, prefixed(prefix, link)


def attribute(kind: str):
    def convert(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
        if kind == "other":
            entity, link = _entity(row.get("link_type", ""), row.get("link_id", ""))
        else:
            entity, link = "service", (row.get("service_id") or row.get("link_id") or "")
        yield {
            "id": prefixed(f"{kind}_attribute:" if kind != "taxonomy" else "service_taxonomy:", row.get("id")),
            "link_id": link,
            "link_entity": entity,
            "link_type": "" if kind == "other" else "service_taxonomy",
            "taxonomy_term_id": row.get("taxonomy_term_id") or row.get("taxonomy_id") or "",
            "value": row.get("value") or row.get("taxonomy_detail") or "",
        }

    reads = {"id", "service_id", "link_id", "link_type", "taxonomy_term_id", "taxonomy_id", "taxonomy_detail", "value"}
    return convert, frozenset(reads)


def taxonomy_term(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
    name = (row.get("name") or row.get("term") or "").strip()
    label = (row.get("taxonomy") or row.get("vocabulary") or "").strip()
    code = (row.get("code") or "").strip()
    if not code and re.search(r"\b(211|2-1-1|airs)\b", label, re.I) and cats.is_valid_airs_code(name):
        code = name  # a 2-1-1 taxonomy's "term" is often its code
    description = (row.get("description") or "").strip()
    if not description and name:
        description = name
        ctx.note("taxonomy_term", "description", "not in HSDS 1.x, required in 3.0: the name is used", "", name)
    yield {
        "id": row.get("id", ""),
        "name": name,
        "code": code,
        "description": description,
        "parent_id": row.get("parent_id", ""),
        "taxonomy": label,
        "language": row.get("language", ""),
        "taxonomy_id": row.get("taxonomy_id", ""),
        "term_uri": row.get("term_uri", ""),
    }


def metadata(row: Raw, ctx: Context) -> Iterator[dict[str, Any]]:
    table, resource = _entity(row.get("resource_type", ""), row.get("resource_id", ""))
    out = {k: row.get(k, "") for k in columns_of("metadata")}
    out.update(resource_id=resource, resource_type=table)
    yield out


def columns_of(table: str) -> list[str]:
    return [c.name for c in columns(table)]


def _sources() -> list[Source]:
    out = []

    def add(file: str, table: str, made: tuple[Callable, frozenset[str]], name: str = "") -> None:
        out.append(Source(file, table, made[0], made[1], name))

    add("organizations.csv", "organization", simple("organization", {"url": "website"}, _year))
    add("programs.csv", "program", simple("program", fix=_description_from_name("program")))
    service, reads = simple(
        "service", {"fees": "fees_description", "eligibility": "eligibility_description", "website": "url"}, _service
    )
    add("services.csv", "service", (service, reads | {"location_id"}))
    add("locations.csv", "location", simple("location", fix=_location))
    add("services_at_location.csv", "service_at_location", simple("service_at_location", fix=_pair))
    add("service_at_location.csv", "service_at_location", simple("service_at_location", fix=_pair))
    add("services.csv", "service_at_location", (service_location, frozenset({"id", "location_id"})), "location")
    add("physical_addresses.csv", "address", address("physical"))
    add("postal_addresses.csv", "address", address("postal"))
    add("addresses.csv", "address", simple("address", fix=_physical))
    add("contacts.csv", "contact", simple("contact"))
    add("phones.csv", "phone", simple("phone", {"number_type": "type"}))  # Ohana API's name
    add("phones.csv", "language", (phone_languages, frozenset({"id", "language"})), "language")
    add("schedules.csv", "schedule", simple("schedule"))
    add("regular_schedules.csv", "schedule", (regular_schedule, frozenset({"id", "service_id", "location_id",
        "service_at_location_id", "weekday", "opens_at", "closes_at"})))  # fmt: skip
    add("holiday_schedules.csv", "schedule", (holiday_schedule, frozenset({"id", "service_id", "location_id",
        "service_at_location_id", "closed", "opens_at", "closes_at", "start_date", "end_date"})))  # fmt: skip
    add("service_areas.csv", "service_area", simple("service_area", {"service_area": "name"}))
    add("service_area.csv", "service_area", simple("service_area", {"service_area": "name"}))
    add("languages.csv", "language", (languages, frozenset([*columns_of("language"), "language"])))
    add(
        "accessibility_for_disabilities.csv", "accessibility", simple("accessibility", {"accessibility": "description"})
    )
    add("accessibility.csv", "accessibility", simple("accessibility", {"accessibility": "description"}))
    add("required_documents.csv", "required_document", simple("required_document"))
    add("funding.csv", "funding", simple("funding"))
    add("cost_options.csv", "cost_option", simple("cost_option"))
    add("organization_identifiers.csv", "organization_identifier", simple("organization_identifier"))
    add("taxonomy_terms.csv", "taxonomy_term", (taxonomy_term, frozenset(
        {"id", "name", "term", "code", "description", "parent_id", "taxonomy", "vocabulary", "language",
         "taxonomy_id", "term_uri"})))  # fmt: skip
    add("taxonomy.csv", "taxonomy_term", (taxonomy_term, frozenset(
        {"id", "name", "parent_id", "vocabulary", "taxonomy", "description", "code", "parent_name"})))  # fmt: skip
    add("taxonomies.csv", "taxonomy", simple("taxonomy"))
    add("service_attributes.csv", "attribute", attribute("service"))
    add("service_taxonomy.csv", "attribute", attribute("taxonomy"))
    add("other_attributes.csv", "attribute", attribute("other"))
    add("attributes.csv", "attribute", simple("attribute"))
    add("metadata.csv", "metadata", (metadata, frozenset(columns_of("metadata"))))
    add("meta_table_descriptions.csv", "meta_table_description", simple("meta_table_description"))
    add("meta_table_description.csv", "meta_table_description", simple("meta_table_description"))
    return out


SOURCES = _sources()
KNOWN = {s.file for s in SOURCES} | set(DROPPED) | {"eligibility.csv"}


def version(files: set[str], headers: dict[str, list[str]], package: dict[str, Any] | None) -> str:
    """ "1.x", "2.0" or "" (3.x) for a tabular feed, from its file names, its headers and its datapackage."""
    declared = str((package or {}).get("version", "")).strip()
    if files & ONE_X or declared.startswith("1"):
        return "1.x"
    if files & LEGACY_ONLY or declared.startswith("2"):
        return "2.0"
    org = headers.get("organizations.csv", [])
    if "url" in org and "website" not in org:
        return "2.0"
    services = headers.get("services.csv", [])
    if "location_id" in services and "organization_id" not in services:
        return "1.x"  # HSDS 1.0's shape (and Ohana API exports): a service belongs to its location
    terms = headers.get("taxonomy_terms.csv", [])
    if "term" in terms and "name" not in terms:
        return "2.0"
    return ""

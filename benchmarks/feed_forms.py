"""The generated HSDS 3.0 feed rewritten in the other forms the import benchmark measures.

- ``messy``: the same records with what real 2-1-1 exports carry and the importer normalizes
  (capitalized enumerations, ``NULL`` cells, surrounding spaces, ``9:00 AM`` times, US dates,
  URLs without a scheme). Every record still lands: only the normalization path costs more.
- ``2.0``: the same records as an HSDS 2.0 datapackage (2.0 file and column names, integer ids,
  physical and postal address files, 2.0 attributes and eligibility files), which the importer
  upgrades to 3.0 on the way in (``legacy.py``).

Both are written once next to the 3.0 feed (benchmarks/data, git-ignored).
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

Row = dict[str, str]


def _read(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _write(path: Path, header: list[str], rows: Iterator[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, header, extrasaction="ignore", lineterminator="\r\n")
        out.writeheader()
        out.writerows(rows)


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


# --- messy ------------------------------------------------------------------------------
_TIME = re.compile(r"^(\d\d):(\d\d):\d\d$")
_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$")


def _twelve_hour(value: str) -> str:
    m = _TIME.match(value)
    if not m:
        return value
    hour, minute = int(m.group(1)), m.group(2)
    return f"{(hour % 12) or 12}:{minute} {'AM' if hour < 12 else 'PM'}"


def _us_date(value: str) -> str:
    m = _DATE.match(value)
    return f"{m.group(2)}/{m.group(3)}/{m.group(1)}" if m else value


def _no_scheme(value: str) -> str:
    return value.removeprefix("https://").removeprefix("http://")


MESSY: dict[str, Callable[[Row], Row]] = {
    "services.csv": lambda r: {
        **r,
        "name": f" {r['name']} ",
        "status": r["status"].capitalize(),
        "alternate_name": r["alternate_name"] or "NULL",
        "url": _no_scheme(r["url"]),
        "assured_date": _us_date(r["assured_date"]),
    },
    "organizations.csv": lambda r: {**r, "website": _no_scheme(r["website"]), "name": r["name"] + "  "},
    "locations.csv": lambda r: {**r, "location_type": r["location_type"].upper()},
    "addresses.csv": lambda r: {**r, "country": r["country"] + " ", "address_type": r["address_type"].title()},
    "schedules.csv": lambda r: {
        **r,
        "opens_at": _twelve_hour(r["opens_at"]),
        "closes_at": _twelve_hour(r["closes_at"]),
        "freq": r["freq"].lower(),
    },
    "phones.csv": lambda r: {**r, "type": r["type"].capitalize(), "extension": r["extension"] or "null"},
}


def messy(src: Path, dst: Path) -> Path:
    if (dst / "datapackage.json").exists():
        return dst
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    for name, change in MESSY.items():
        header = _header(src / name)
        _write(tmp / name, header, (change(r) for r in _read(src / name)))
    tmp.rename(dst)
    return dst


# --- HSDS 2.0 ------------------------------------------------------------------------------
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Ids:
    """Every UUID of the feed as a short integer id (2.0 feeds number their records per table;
    one counter for all tables keeps the references of every file pointing at the same record)."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        if not _UUID.match(value):
            return value
        return self.ids.setdefault(value, str(len(self.ids) + 1))

    def row(self, row: Row) -> Row:
        return {k: self(v) if (k == "id" or k.endswith("_id")) and v else v for k, v in row.items()}


# 2.0 file -> (3.0 file it comes from, 2.0 columns, {2.0 column: 3.0 column}, rows to keep)
TWO_0: dict[str, tuple[str, list[str], dict[str, str], Callable[[Row], bool]]] = {
    "organizations.csv": (
        "organizations.csv",
        ["id", "name", "alternate_name", "description", "email", "url", "tax_status", "tax_id",
         "year_incorporated", "legal_status"],
        {"url": "website"},
        lambda r: True,
    ),
    "services.csv": (
        "services.csv",
        ["id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email", "status",
         "interpretation_services", "application_process", "wait_time", "fees", "accreditations", "licenses"],
        {"fees": "fees_description"},
        lambda r: True,
    ),
    "eligibility.csv": (
        "services.csv",
        ["id", "service_id", "eligibility"],
        {"service_id": "id", "eligibility": "eligibility_description"},
        lambda r: bool(r["eligibility_description"]),
    ),
    "locations.csv": (
        "locations.csv",
        ["id", "organization_id", "name", "alternate_name", "description", "transportation", "latitude", "longitude"],
        {},
        lambda r: True,
    ),
    "services_at_location.csv": ("service_at_location.csv", ["id", "service_id", "location_id", "description"], {},
                                 lambda r: True),
    "physical_addresses.csv": (
        "addresses.csv",
        ["id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
         "postal_code", "country"],
        {},
        lambda r: r["address_type"] == "physical",
    ),
    "postal_addresses.csv": (
        "addresses.csv",
        ["id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
         "postal_code", "country"],
        {},
        lambda r: r["address_type"] == "postal",
    ),
    "phones.csv": (
        "phones.csv",
        ["id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
         "extension", "type", "description"],
        {},
        lambda r: True,
    ),
    "contacts.csv": (
        "contacts.csv", ["id", "organization_id", "service_id", "service_at_location_id", "name", "title",
                         "department", "email"], {}, lambda r: True,
    ),
    "languages.csv": ("languages.csv", ["id", "service_id", "location_id", "language"], {"language": "name"},
                      lambda r: True),
    "schedules.csv": (
        "schedules.csv",
        ["id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
         "timezone", "until", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday",
         "description", "opens_at", "closes_at"],
        {},
        lambda r: True,
    ),
    "service_areas.csv": ("service_areas.csv", ["id", "service_id", "service_area", "description"],
                          {"service_area": "name"}, lambda r: True),
    "accessibility_for_disabilities.csv": (
        "accessibility.csv", ["id", "location_id", "accessibility", "details"], {"accessibility": "description"},
        lambda r: True,
    ),
    "required_documents.csv": ("required_documents.csv", ["id", "service_id", "document"], {}, lambda r: True),
    "funding.csv": ("funding.csv", ["id", "organization_id", "service_id", "source"], {}, lambda r: True),
    "taxonomy_terms.csv": (
        "taxonomy_terms.csv", ["id", "term", "code", "description", "parent_id", "taxonomy"], {"term": "name"},
        lambda r: True,
    ),
    "service_attributes.csv": (
        "attributes.csv", ["id", "service_id", "taxonomy_term_id", "taxonomy_detail"],
        {"service_id": "link_id", "taxonomy_detail": "value"}, lambda r: r["link_entity"] == "service",
    ),
}  # fmt: skip


def hsds_2_0(src: Path, dst: Path) -> Path:
    if (dst / "services.csv").exists():
        return dst
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ids = Ids()
    taxonomies = {r["id"]: r["name"] for r in _read(src / "taxonomies.csv")}
    for name, (source, header, renamed, keep) in TWO_0.items():

        def rows(source=source, renamed=renamed, keep=keep) -> Iterator[Row]:
            for r in _read(src / source):
                if not keep(r):
                    continue
                if source == "taxonomy_terms.csv":
                    r = {**r, "taxonomy": taxonomies.get(r["taxonomy_id"], r["taxonomy"])}
                yield ids.row({**r, **{new: r[old] for new, old in renamed.items()}})

        _write(tmp / name, header, rows())
    tmp.rename(dst)
    return dst

"""Synthetic Kentucky HSDS directory, written as a CSV datapackage one row at a time.

Deterministic for a seed (ids come from the seeded generator), every county gets
organizations at real ZIP centroids, and nothing is held in memory beyond the
current organization, so it scales to millions of services.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wayfinder.directory import categories as cats
from wayfinder.lib import csv_safe
from wayfinder.lib.geo import state_zips

from .demo_templates import CHURCHES, LANGUAGES, REGIONS, STREETS, SUFFIXES, TEMPLATES
from .tables import TABLES, csv_columns, datapackage, text_value

HOURS = {
    "weekday": [("MO,TU,WE,TH,FR", "09:00:00", "17:00:00")],
    "extended": [("MO,TU,WE,TH", "09:00:00", "19:00:00"), ("FR", "09:00:00", "15:00:00")],
    "always": [("MO,TU,WE,TH,FR,SA,SU", "00:00:00", "23:59:00")],
    "saturday": [("TU,TH", "10:00:00", "16:00:00"), ("SA", "09:00:00", "13:00:00")],
}


def airs_term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(cats.NAMESPACE, f"term:airs:{code}")


class Writer:
    """One csv.writer per HSDS table, header in datapackage order."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.files, self.writers, self.counts = {}, {}, {}
        for name, spec in TABLES.items():
            cols = csv_columns(name)
            if not cols:
                continue
            fh = (out / spec.csv).open("w", newline="", encoding="utf-8")
            self.files[name], self.writers[name], self.counts[name] = fh, csv_safe.writer(fh), 0
            self.writers[name].writerow([c.name for c in cols])

    def row(self, table: str, **values: Any) -> None:
        self.writers[table].writerow([text_value(c, values.get(c.name)) for c in csv_columns(table)])
        self.counts[table] += 1

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()
        package = {k: v for k, v in datapackage().items() if k != "resources"}
        package["resources"] = [r for r in datapackage()["resources"] if r["name"] in self.files]
        (self.out / "datapackage.json").write_text(json.dumps(package, indent=1), encoding="utf-8")


def generate(out: Path, services: int, seed: int, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write ``services`` services (plus organizations, locations, ...) to the datapackage folder ``out``."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by design
    w = Writer(Path(out))
    today = dt.date(2026, 11, 1)
    w.row(
        "taxonomy",
        id=cats.AIRS_TAXONOMY_ID,
        name=cats.AIRS_TAXONOMY_NAME,
        uri=cats.AIRS_TAXONOMY_URI,
        description="2-1-1 Human Services Indexing System codes used by 2-1-1 Kentucky.",
        version="2026",
    )
    for code, term, *_ in TEMPLATES:
        w.row(
            "taxonomy_term",
            id=airs_term_id(code),
            code=code,
            name=term,
            description=term,
            taxonomy="AIRS",
            taxonomy_id=cats.AIRS_TAXONOMY_ID,
            language="en",
        )
    zips = state_zips("KY")
    by_county: dict[str, list[dict]] = {}
    for z in zips:
        by_county.setdefault(z["county"], []).append(z)
    counties = sorted(by_county)
    new_id = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)  # noqa: E731
    made = org_index = 0
    while made < services:
        county = counties[org_index % len(counties)] if org_index < len(counties) * 3 else rng.choice(counties)
        org_index += 1
        z = rng.choice(by_county[county])
        cname = county.removesuffix(" County")
        town, region = z["city"].title(), REGIONS.get(cname, f"{cname} County")
        template = TEMPLATES[rng.randrange(len(TEMPLATES))]
        code, _term, org_patterns, *_ = template
        fill = {"town": town, "county": cname, "church": rng.choice(CHURCHES), "region": region}
        org_id = new_id()
        pattern = rng.choice(org_patterns)
        siblings = [t for t in TEMPLATES if pattern in t[2]]
        org_name = pattern.format(**fill)
        slug = "".join(ch for ch in org_name.lower() if ch.isalnum())[:30]
        area = (z.get("area_codes") or ["502"])[0]
        w.row(
            "organization",
            id=org_id,
            name=org_name,
            description=f"{org_name} serves {cname} County, Kentucky.",
            email=f"info@{slug}.org",
            website=f"https://www.{slug}.org",
            year_incorporated=rng.randint(1950, 2020),
            legal_status="Nonprofit 501(c)(3)" if rng.random() < 0.8 else "Government agency",
        )
        if rng.random() < 0.5:
            w.row(
                "organization_identifier",
                id=new_id(),
                organization_id=org_id,
                identifier_scheme="US-EIN",
                identifier_type="Employer Identification Number",
                identifier=f"61-{rng.randint(1000000, 9999999)}",
            )
        org_phone = f"({area}) {rng.randint(200, 999)}-{rng.randint(1000, 9999):04d}"
        w.row("phone", id=new_id(), organization_id=org_id, number=org_phone, type="voice", description="Main office")
        locations = []
        for li in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
            lz = z if li == 0 else rng.choice(by_county[county])
            loc_id = new_id()
            lat = round(float(lz["lat"]) + rng.uniform(-0.015, 0.015), 6)
            lon = round(float(lz["long"]) + rng.uniform(-0.015, 0.015), 6)
            lname = org_name if li == 0 else f"{org_name} - {lz['city'].title()} Office"
            w.row(
                "location",
                id=loc_id,
                location_type="physical",
                organization_id=org_id,
                name=lname,
                latitude=lat,
                longitude=lon,
                transportation="On a bus line" if rng.random() < 0.3 else None,
            )
            w.row(
                "address",
                id=new_id(),
                location_id=loc_id,
                address_1=f"{rng.randint(10, 9999)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}",
                city=lz["city"].title(),
                region=county,
                state_province="KY",
                postal_code=lz["zip_code"],
                country="US",
                address_type="physical",
            )
            if rng.random() < 0.6:
                w.row(
                    "accessibility",
                    id=new_id(),
                    location_id=loc_id,
                    description="Wheelchair accessible entrance",
                    details="Ramp at the main door; accessible restroom.",
                )
            locations.append(loc_id)
        for si in range(rng.choice((1, 2, 2, 3, 3, 4))):
            if made >= services:
                break
            if si:  # an organization's other services come from templates that fit its kind
                template = siblings[rng.randrange(len(siblings))]
            made += 1
            _service(w, rng, new_id, today, org_id, locations, fill, area, template)
            if progress and made % 1000 == 0:
                progress(made)
    w.close()
    return dict(w.counts)


def _service(
    w: Writer,
    rng: random.Random,
    new_id: Callable[[], uuid.UUID],
    today: dt.date,
    org_id: uuid.UUID,
    locations: list[uuid.UUID],
    fill: dict[str, str],
    area: str,
    template: tuple,
) -> None:
    code, _term, _patterns, svc_name, desc, elig, fee, hours = template
    sid = new_id()
    spanish = rng.random() < 0.25
    assured = today - dt.timedelta(days=rng.randint(0, 540))
    status = "active" if rng.random() < 0.97 else rng.choice(["temporarily closed", "inactive"])
    min_age = 18 if "Adults" in elig else (60 if "60" in elig else None)
    w.row(
        "service",
        id=sid,
        organization_id=org_id,
        name=svc_name,
        description=desc.format(**fill),
        status=status,
        eligibility_description=elig.format(**fill),
        fees_description={
            "free": "Free",
            "sliding": "Sliding scale based on income; no one turned away",
            "fee": "Fees vary; assistance available",
        }[fee],
        application_process="Call or walk in." if rng.random() < 0.5 else "Call to schedule an appointment.",
        interpretation_services="Spanish-speaking staff" if spanish else "Telephone interpreters on request",
        minimum_age=min_age,
        assured_date=assured,
        assurer_email="verify@211ky.org",
        last_modified=dt.datetime(assured.year, assured.month, assured.day, 12, tzinfo=dt.UTC),
    )
    w.row(
        "attribute",
        id=new_id(),
        link_id=sid,
        taxonomy_term_id=airs_term_id(code),
        link_type="service_taxonomy",
        link_entity="service",
    )
    w.row(
        "phone",
        id=new_id(),
        service_id=sid,
        number=f"({area}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        type="voice",
    )
    w.row("language", id=new_id(), service_id=sid, name="English", code="en")
    if spanish:
        w.row("language", id=new_id(), service_id=sid, name="Spanish", code="es")
    elif rng.random() < 0.05:
        name, lang = rng.choice(LANGUAGES)
        w.row("language", id=new_id(), service_id=sid, name=name, code=lang)
    for loc in locations if rng.random() < 0.5 else locations[:1]:
        sal = new_id()
        w.row("service_at_location", id=sal, service_id=sid, location_id=loc)
        for byday, opens, closes in HOURS[hours]:
            w.row(
                "schedule",
                id=new_id(),
                service_at_location_id=sal,
                freq="WEEKLY",
                wkst="MO",
                byday=byday,
                opens_at=opens,
                closes_at=closes,
                description=f"{byday.replace(',', ', ')} {opens[:5]}-{closes[:5]}",
            )
    if fee == "sliding" or (fee == "fee" and rng.random() < 0.7):
        w.row(
            "cost_option",
            id=new_id(),
            service_id=sid,
            option="Standard fee",
            currency="USD",
            amount=rng.choice([5, 10, 20, 25, 40]),
            amount_description="per visit, reduced on a sliding scale",
        )
    if "ID" in elig or "proof" in elig.lower() or rng.random() < 0.2:
        w.row("required_document", id=new_id(), service_id=sid, document="Photo ID and proof of address")
    w.row(
        "service_area",
        id=new_id(),
        service_id=sid,
        name=f"{fill['county']} County, KY",
        extent_type="text",
        description=f"Residents of {fill['county']} County",
    )
    if rng.random() < 0.1:
        w.row(
            "contact",
            id=new_id(),
            service_id=sid,
            name="Program coordinator",
            title="Coordinator",
            email="coordinator@example.org",
        )

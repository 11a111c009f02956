"""Suggested resources (docs/product.md 6.3): for each open need, the nearest services of the
matching categories, read from the directory's search index (no database query
for the services themselves).

Order: nearest first, and among services about equally near (the same whole mile)
the onboarded partners first, because a referral to them closes the loop. A need
whose SDOHCC code points at a narrower subcategory (homelessness: emergency
shelter) looks there first and widens to the whole category when that finds too
little. Services offering a program the household already has are left out and
the program is named instead; a likely program links to the directory's search for it.
Each suggestion shows its availability (accepting / waitlist / full, "unconfirmed" after
30 days) as search results do, from the same index fields (issue #21 item 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from wayfinder.directory import availability as avail
from wayfinder.directory.search import Hit, SearchParams, search
from wayfinder.lib import geo

from . import programs
from .domains import category_label

PER_NEED = 3
FETCH = PER_NEED + 3  # a few more, for the ones an enrolled program leaves out
# Narrower places to look first for some SDOHCC codes (then the whole category).
PREFERRED_SUBCATEGORIES = {
    "homelessness": ["emergency-shelter", "transitional-housing"],
    "housing-instability": ["rent-assistance", "eviction-prevention"],
    "inadequate-housing": ["home-repair"],
    "utility-insecurity": ["utility-bill-help", "heating-cooling"],
    "intimate-partner-violence": ["domestic-violence", "dv-shelter"],
    "health-insurance-coverage-status": ["health-insurance"],
    "medical-cost-burden": ["prescriptions", "clinics", "dental"],
    "language-access": ["esl"],
    "veteran-status": ["veteran-benefits"],
    "employment-status": ["job-search", "job-training"],
}


KM_PER_MILE = 1.609344


@dataclass
class Suggestion:
    """One suggested service, from the index's stored fields alone."""

    service_id: str
    organization_id: str
    name: str
    organization: str
    address: str
    phone: str
    miles: float | None
    partner: bool
    url: str = ""
    availability: avail.Shown | None = None
    self_refer_url: str = ""  # the resident's "Refer me" form posts here


_NIL = "00000000-0000-0000-0000-000000000000"
_PATTERNS: dict[str, str] = {}


def _url_for(name: str, service_id: str) -> str:
    # One reverse() per URL name and process, not one per row and button (as the
    # results page does): the row's id replaces a placeholder id.
    pattern = _PATTERNS.get(name)
    if pattern is None:
        pattern = _PATTERNS[name] = reverse(name, args=[_NIL])
    return pattern.replace(_NIL, service_id)


def _service_url(service_id: str) -> str:
    return _url_for("directory:service", service_id)


def _row(hit: Hit) -> Suggestion:
    shown = hit.display
    return Suggestion(
        service_id=hit.service_id,
        organization_id=hit.organization_id,
        name=shown.get("name") or "",
        organization=shown.get("organization_name") or "",
        address=shown.get("address") or "",
        phone=shown.get("phone") or "",
        miles=round(hit.distance_km / KM_PER_MILE, 1) if hit.distance_km is not None else None,
        partner=bool(shown.get("partner")),
        url=_service_url(hit.service_id),
        availability=avail.from_display(shown) if shown.get("cap") else None,
        self_refer_url=_url_for("referrals:self_refer", hit.service_id),
    )


ResultRow = Suggestion


@dataclass
class NeedSuggestions:
    category: str
    label: str
    services: list[ResultRow] = field(default_factory=list)
    enrolled: list[programs.Enrolled] = field(default_factory=list)
    likely: list[programs.Likely] = field(default_factory=list)

    @property
    def share_ids(self) -> str:
        """The services for the directory's share page (``/shared/?s=``)."""
        return ",".join(row.service_id for row in self.services)


def point_for(zip_code: str = "", city: str = "", state: str = "") -> tuple[float, float] | None:
    """Where to measure from: the ZIP code's centre, else the city's."""
    point = geo.zip_centroid(zip_code) if zip_code else None
    if point is None and city and state:
        point = geo.city_centroid(city, state)
    return point


def _nearest(categories: list[str], point, text: str = "", size: int = FETCH) -> list[ResultRow]:
    page = search(
        SearchParams(
            text=text, categories=categories, point=point, size=size, now=timezone.now(), tz=settings.TIME_ZONE
        )
    )
    return [_row(hit) for hit in page.hits]


def partner_first_among_equals(rows: list[ResultRow]) -> list[ResultRow]:
    """Nearest first; within the same whole mile, partners first (stable otherwise)."""

    def key(row: ResultRow):
        band = math.floor(row.miles) if row.miles is not None else math.inf
        return (band, not row.partner, row.miles if row.miles is not None else math.inf)

    return sorted(rows, key=key)


def _for_need(category: str, codes: list[str], point, household, language: str) -> NeedSuggestions:
    out = NeedSuggestions(category, category_label(category, language))
    preferred = sorted({s for c in codes for s in PREFERRED_SUBCATEGORIES.get(c, [])})
    keep = (lambda r: not programs.offers_enrolled_program(r.name, household)) if household else (lambda r: True)
    order = partner_first_among_equals if point else list
    rows = order([r for r in _nearest(preferred, point) if keep(r)]) if preferred else []
    if len(rows) < PER_NEED:  # the narrower places first, then the whole category
        seen = {r.service_id for r in rows}
        rows += order([r for r in _nearest([category], point) if keep(r) and r.service_id not in seen])
    out.services = rows[:PER_NEED]
    if household is not None:
        out.enrolled = programs.enrolled_for(category, household, language)
        # A likely program is a link to the directory's search for it (one search less per need).
        out.likely = programs.likely_for(category, household, language)
    return out


def suggest(
    needs: list[tuple[str, list[str]]],
    point: tuple[float, float] | None,
    *,
    household: programs.Household | None = None,
    language: str = "en",
) -> list[NeedSuggestions]:
    """``needs``: (category, SDOHCC codes) of each open need, in the order shown."""
    merged: dict[str, list[str]] = {}
    for category, codes in needs:
        merged.setdefault(category, [])
        merged[category] += [c for c in codes if c not in merged[category]]
    return [_for_need(category, codes, point, household, language) for category, codes in merged.items()]


def for_resident(resident, needs, *, language: str = "en") -> list[NeedSuggestions]:
    """Suggestions for a resident's open needs near their address, enrollment-aware."""
    point = point_for(resident.zip_code, resident.city, resident.state)
    household = programs.household_of(resident)
    return suggest(
        [(n.domain, list(n.sdohcc_codes or [])) for n in needs], point, household=household, language=language
    )

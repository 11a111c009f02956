"""What the assessment feature adds to the resident record and to My Plan.

Each function returns ``{"template": ..., "context": {...}}`` for the page that
shows it: the record's Needs section (needs with every source and date, the last
assessment and where it came from, the first-assessment banner, the
questionnaires this organization may complete, suggested resources), and My
Plan's assessments and "Resources suggested for me".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import get_language

from wayfinder.consent.access import Access
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

from . import offers, suggestions
from .domains import category_label
from .models import Assessment

CLOSED_SHOWN = 10


@dataclass
class NeedRow:
    need: SdohNeed
    label: str
    sources: list[NeedSource] = field(default_factory=list)

    @property
    def latest(self) -> dt.datetime | None:
        return max((s.observed_at for s in self.sources), default=None)

    @property
    def part2(self) -> bool:
        return any(s.part2 for s in self.sources)


def need_rows(resident: Resident, *, part2: bool, language: str) -> tuple[list[NeedRow], list[NeedRow]]:
    """(open, recently closed) needs with the sources this reader may see (two queries)."""
    sources = NeedSource.objects.select_related("organization", "recorded_by").order_by("-observed_at", "-id")
    needs = SdohNeed.objects.filter(resident=resident)
    if not part2:
        needs, sources = needs.filter(part2=False), sources.filter(part2=False)
    needs = needs.prefetch_related(Prefetch("sources", queryset=sources, to_attr="visible_sources")).order_by(
        "-observed_at"
    )
    open_rows, closed_rows = [], []
    for need in needs:
        row = NeedRow(need, category_label(need.domain, language), list(need.visible_sources))
        (open_rows if need.status == SdohNeed.Status.OPEN else closed_rows).append(row)
    return open_rows, closed_rows[:CLOSED_SHOWN]


def open_needs(resident: Resident, *, part2: bool) -> list[SdohNeed]:
    """The open needs alone, newest first, in one query: what suggestions are made
    from (the pages that show no sources need not load them)."""
    needs = SdohNeed.objects.filter(resident=resident, status=SdohNeed.Status.OPEN)
    if not part2:
        needs = needs.filter(part2=False)
    return list(needs.only("id", "resident_id", "domain", "sdohcc_codes", "observed_at").order_by("-observed_at"))


def visible_assessments(resident: Resident, *, part2: bool, limit: int = 10) -> list[Assessment]:
    rows = Assessment.objects.filter(resident=resident).select_related("questionnaire", "organization", "completed_by")
    if not part2:
        rows = rows.filter(part2=False)
    return list(rows.order_by("-completed_at")[:limit])


def last_assessment(resident: Resident, assessments: list[Assessment]) -> tuple[dt.datetime | None, str]:
    """When the last assessment was and where it came from: ours, or what the record
    holds from elsewhere (the exchange writes ``last_assessment_*`` too)."""
    candidates = []
    if resident.last_assessment_at:
        candidates.append((resident.last_assessment_at, resident.last_assessment_source))
    for assessment in assessments[:1]:
        source = assessment.organization.name if assessment.organization else ""
        candidates.append((assessment.completed_at, f"{assessment.questionnaire.title}, {source}".rstrip(", ")))
    if not candidates:
        return None, ""
    return max(candidates, key=lambda c: c[0])


def _context(resident: Resident, access: Access, language: str) -> dict:
    open_rows, closed_rows = need_rows(resident, part2=access.part2, language=language)
    assessments = visible_assessments(resident, part2=access.part2)
    last_at, last_source = last_assessment(resident, assessments)
    return {
        "resident": resident,
        "access": access,
        "open_needs": open_rows,
        "closed_needs": closed_rows,
        "assessments": assessments,
        "last_at": last_at,
        "last_source": last_source,
        # Seeds: a resident with no SDoH data gets the grayed-out section and the banner.
        "no_sdoh_data": not (open_rows or closed_rows or assessments or last_at),
        "shows_part2": access.part2
        and (any(r.part2 for r in open_rows + closed_rows) or any(a.part2 for a in assessments)),
        "suggested": suggestions.for_resident(resident, [r.need for r in open_rows], language=language)
        if open_rows
        else [],
    }


def resident_assessment_section(resident: Resident, access: Access) -> dict | None:
    """The record's Needs section (full access only: needs are part of the full record)."""
    if not access.full:
        return None
    context = _context(resident, access, get_language() or "en")
    context["questionnaires"] = offers.for_organization(access.organization) if access.organization else []
    return {"template": "assessments/_record_section.html", "context": context}


def my_plan_assessment_section(resident: Resident) -> dict:
    from wayfinder.consent.access import FULL

    access = Access(FULL, is_self=True)
    context = _context(resident, access, get_language() or "en")
    return {"template": "assessments/_my_plan_section.html", "context": context}

"""Shared pieces of the outbound handlers (docs/exchange.md, "Outbound"): finding the
resident a request names, token matching, paging a list of resources."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError

from wayfinder.residents.models import Resident

from ..fhir.context import SearchPage, SearchQuery
from ..fhir.outcome import FhirError
from ..fhir.searching import matches_last_updated
from ..sharing import shares_with_exchange


def instant(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def version_of(value: datetime.datetime) -> str:
    """A versionId that changes whenever the row's change time does."""
    return str(int(value.timestamp() * 1000))


def visible_resident(resident_id: str) -> Resident | None:
    """An active resident who shares with the exchange, by record id (else None)."""
    try:
        resident = Resident.objects.filter(pk=resident_id, status=Resident.Status.ACTIVE).first()
    except (ValueError, ValidationError):  # not a UUID
        return None
    if resident is None or not shares_with_exchange(resident):
        return None
    return resident


def patient_from(query: SearchQuery, resource_type: str) -> Resident | None:
    """The resident of a ``patient``/``subject`` search parameter, required: an
    unscoped search over every resident's data is not offered."""
    raw = query.first("patient") or query.first("subject")
    if not raw:
        raise FhirError(400, "required", f"{resource_type} search needs patient=Patient/<id>.", expression=["patient"])
    return visible_resident(raw.rsplit("/", 1)[-1])


def token_matches(codeable_concepts: list[dict[str, Any]], wanted: list[str]) -> bool:
    """FHIR token search: any of the comma-separated ``system|code`` / ``code`` values
    in each parameter occurrence matches a coding of one of ``codeable_concepts``."""
    codings = [c for concept in codeable_concepts for c in concept.get("coding", [])]
    for occurrence in wanted:
        alternatives = occurrence.split(",")
        if not any(_coding_matches(codings, alt) for alt in alternatives):
            return False
    return True


def _coding_matches(codings: list[dict[str, Any]], value: str) -> bool:
    if "|" in value:
        system, code = value.split("|", 1)
        return any((not system or c.get("system") == system) and c.get("code") == code for c in codings)
    return any(c.get("code") == value for c in codings)


def page_of(resources: list[dict[str, Any]], query: SearchQuery) -> SearchPage:
    """Filter by _lastUpdated and cut the requested page."""
    matched = [
        r
        for r in resources
        if matches_last_updated(datetime.datetime.fromisoformat(r["meta"]["lastUpdated"]), query.last_updated)
    ]
    return SearchPage(matched[query.offset : query.offset + query.count], total=len(matched))

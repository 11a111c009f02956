"""Small helpers the referral and directory handlers share to read FHIR search values."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q, QuerySet

from ..fhir.outcome import FhirError

_LAST_UPDATED = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "eq": ""}


def values(params: dict[str, list[str]], name: str) -> list[str]:
    """Every value of ``name``: repeated parameters AND, commas within one OR (FHIR search)."""
    return list(params.get(name, []))


def or_values(raw: str) -> list[str]:
    return [v.strip() for v in raw.split(",") if v.strip()]


def token(raw: str) -> tuple[str | None, str]:
    """``system|code`` → (system, code); a bare ``code`` → (None, code)."""
    if "|" in raw:
        system, code = raw.split("|", 1)
        return system, code
    return None, raw


def reference_id(raw: str, resource_type: str, param: str) -> str:
    """The id in ``Type/id`` (or a bare id, or an absolute URL ending so)."""
    value = raw.rstrip("/")
    parts = value.split("/")
    if len(parts) >= 2:
        if parts[-2] != resource_type:
            raise FhirError(400, "value", f"{param}: expected a {resource_type} reference, got {raw!r}")
        value = parts[-1]
    return value


def as_uuid(raw: str, param: str) -> uuid.UUID | None:
    """Our ids are UUIDs; anything else matches nothing (not an error: FHIR ids are opaque)."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def ids_filter(raws: list[str], field: str, param: str) -> Q:
    """OR of the given ids as UUIDs (ids that are not ours match nothing)."""
    ids = [u for u in (as_uuid(r, param) for r in raws) if u is not None]
    return Q(**{f"{field}__in": ids})


def apply_last_updated(queryset: QuerySet, field: str, last_updated: list[tuple[str, datetime]]) -> QuerySet:
    """``_lastUpdated`` prefixes (parsed by the framework) as range filters on ``field``."""
    for prefix, moment in last_updated:
        lookup = _LAST_UPDATED.get(prefix)
        if lookup is None:
            raise FhirError(400, "value", f"_lastUpdated: prefix {prefix!r} is not supported")
        queryset = queryset.filter(**{f"{field}__{lookup}" if lookup else field: moment})
    return queryset


def iso(moment: datetime) -> str:
    """FHIR instant: seconds precision at least, with the zone."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

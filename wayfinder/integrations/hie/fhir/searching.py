"""Search parameters and searchset Bundles (docs/exchange.md, "Search").

The framework owns ``_count`` (default 50, at most 200), ``_offset`` (the next
link's position), ``_format`` and ``_lastUpdated``; every other parameter must be
one the handler registered, else a 400 OperationOutcome (``Prefer:
handling=lenient`` turns that into a warning and ignores the parameter).
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .context import FhirContext, SearchPage, SearchQuery
from .outcome import FhirError, issue
from .registry import ResourceHandler

DEFAULT_COUNT = 50
MAX_COUNT = 200
FRAMEWORK_PARAMS = {"_count", "_offset", "_format", "_lastUpdated", "_getpages"}
_PREFIXED = re.compile(r"^(eq|ne|gt|ge|lt|le)?(.+)$")


def parse_query(request: HttpRequest, handler: ResourceHandler, ctx: FhirContext) -> SearchQuery:
    lenient = "handling=lenient" in request.headers.get("Prefer", "")
    known = handler.param_names()
    params: dict[str, list[str]] = {}
    for name in request.GET:
        if name in FRAMEWORK_PARAMS:
            continue
        base = name.split(":", 1)[0]
        if base not in known:
            supported = ", ".join(sorted(known)) or "none"
            text = f"Unknown search parameter {name!r} for {handler.type}; supported: {supported}."
            if not lenient:
                raise FhirError(400, "not-supported", text, expression=[name])
            ctx.warnings.append(issue("warning", "not-supported", text + " Ignored.", [name]))
            continue
        params[name] = request.GET.getlist(name)
    return SearchQuery(
        params=params,
        count=_int(request, "_count", DEFAULT_COUNT, 0, MAX_COUNT),
        offset=_int(request, "_offset", 0, 0, 10**9),
        last_updated=[parse_date_param("_lastUpdated", v) for v in request.GET.getlist("_lastUpdated")],
    )


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise FhirError(400, "value", f"{name} must be a whole number, not {raw!r}.", expression=[name])
    return max(low, min(high, int(raw)))


def parse_date_param(name: str, raw: str) -> tuple[str, datetime.datetime]:
    """``ge2026-01-01`` -> ("ge", 2026-01-01T00:00Z). A date without a time is midnight UTC."""
    match = _PREFIXED.match(raw.strip())
    prefix, value = (match.group(1) or "eq", match.group(2)) if match else ("eq", raw)
    if prefix == "ne":
        raise FhirError(400, "not-supported", f"{name}: the ne prefix is not supported.", expression=[name])
    when = parse_datetime(value)
    if when is None:
        day = parse_date(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        if day is None:
            raise FhirError(400, "value", f"{name}: {raw!r} is not a date or dateTime.", expression=[name])
        when = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    if timezone.is_naive(when):
        when = timezone.make_aware(when, datetime.UTC)
    return prefix, when


def matches_last_updated(value: datetime.datetime, conditions: list[tuple[str, datetime.datetime]]) -> bool:
    """Whether ``value`` satisfies every parsed ``_lastUpdated`` condition."""
    for prefix, when in conditions:
        ok = {
            "gt": value > when,
            "ge": value >= when,
            "lt": value < when,
            "le": value <= when,
            "eq": value == when,
        }[prefix]
        if not ok:
            return False
    return True


def lookups(conditions: list[tuple[str, datetime.datetime]], field: str) -> dict[str, datetime.datetime]:
    """Django filter kwargs for ``_lastUpdated`` on ``field``."""
    ops = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "eq": "exact"}
    return {f"{field}__{ops[prefix]}": when for prefix, when in conditions}


def searchset(ctx: FhirContext, resource_type: str, query: SearchQuery, page: SearchPage) -> dict[str, Any]:
    """The searchset Bundle with self/next/previous links."""

    def link(offset: int) -> str:
        pairs = [(k, v) for k, values in query.params.items() for v in values]
        pairs += [("_lastUpdated", f"{p}{w.isoformat()}") for p, w in query.last_updated]
        pairs += [("_count", str(query.count)), ("_offset", str(offset))]
        return ctx.url(f"{resource_type}?{urlencode(pairs)}")

    links = [{"relation": "self", "url": link(query.offset)}]
    if query.count and query.offset + query.count < page.total:
        links.append({"relation": "next", "url": link(query.offset + query.count)})
    if query.offset > 0:
        links.append({"relation": "previous", "url": link(max(0, query.offset - query.count))})
    entries: list[dict[str, Any]] = [
        {"fullUrl": ctx.url(f"{r['resourceType']}/{r['id']}"), "resource": r, "search": {"mode": "match"}}
        for r in page.resources
    ]
    entries += [
        {"fullUrl": ctx.url(f"{r['resourceType']}/{r['id']}"), "resource": r, "search": {"mode": "include"}}
        for r in page.included
    ]
    if ctx.warnings:
        entries.append(
            {"resource": {"resourceType": "OperationOutcome", "issue": ctx.warnings}, "search": {"mode": "outcome"}}
        )
    return {"resourceType": "Bundle", "type": "searchset", "total": page.total, "link": links, "entry": entries}

"""What a resource handler is given: who is asking, where the server lives, the
request, and somewhere to put warnings (docs/exchange.md, "Resource handlers")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .auth import ClientGrant

# ctx.memo key: the resources of the bundle being processed (bundles.process_bundle),
# so a handler can read what all its entries need at once.
BUNDLE_RESOURCES = "bundle.resources"


@dataclass
class FhirContext:
    grant: ClientGrant
    base_url: str  # absolute, e.g. "https://host/fhir" (no trailing slash)
    request: HttpRequest
    warnings: list[dict[str, Any]] = field(default_factory=list)  # issues (severity warning) to return
    # Look-ups a handler repeats across one request's entries (a bundle's entries share
    # it: dataclasses.replace copies the reference). Valid inside the request's
    # transaction only; bundles.process_bundle empties it when a batch entry fails.
    memo: dict[str, Any] = field(default_factory=dict)

    def url(self, relative: str) -> str:
        """An absolute URL under the FHIR base (``Patient/1`` -> ``https://host/fhir/Patient/1``)."""
        return f"{self.base_url}/{relative.lstrip('/')}"


@dataclass
class SearchQuery:
    params: dict[str, list[str]]  # raw query params minus the framework's (_count, _format, _offset, _lastUpdated)
    count: int
    offset: int
    last_updated: list[tuple[str, datetime.datetime]] = field(default_factory=list)  # (gt|ge|lt|le|eq, instant)

    def first(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


@dataclass
class SearchPage:
    resources: list[dict[str, Any]]
    total: int
    included: list[dict[str, Any]] = field(default_factory=list)

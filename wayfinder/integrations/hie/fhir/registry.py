"""The resource types the FHIR server serves (docs/exchange.md, "Resource handlers").

Each area of the exchange registers a ``ResourceHandler`` per resource type in its
``register_handlers()``, called from ``HieConfig.ready()``. The generic views
dispatch to them, and the CapabilityStatement (/fhir/metadata) is built from
exactly what is registered: a type, interaction or search parameter nobody
registered is neither served nor claimed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .context import FhirContext, SearchPage, SearchQuery
from .outcome import FhirError


@dataclass
class SearchParam:
    name: str
    type: str  # token | reference | date | string | uri
    documentation: str = ""


@dataclass
class ResourceHandler:
    type: str  # "Observation"
    profiles: list[str] = field(default_factory=list)
    read: Callable[[FhirContext, str], dict[str, Any]] | None = None  # raises FhirError(404)
    search: Callable[[FhirContext, SearchQuery], SearchPage] | None = None
    create: Callable[[FhirContext, dict[str, Any]], dict[str, Any]] | None = None  # the stored resource (id, meta)
    update: Callable[[FhirContext, str, dict[str, Any]], dict[str, Any]] | None = None  # If-Match checked by the views
    delete: Callable[[FhirContext, str], None] | None = None  # raises FhirError(404)
    search_params: list[SearchParam] = field(default_factory=list)
    documentation: str = ""

    def interactions(self) -> list[str]:
        found = []
        for code, function in (
            ("read", self.read),
            ("search-type", self.search),
            ("create", self.create),
            ("update", self.update),
            ("delete", self.delete),
        ):
            if function is not None:
                found.append(code)
        return found

    def param_names(self) -> set[str]:
        return {param.name for param in self.search_params}


_HANDLERS: dict[str, ResourceHandler] = {}


def register(handler: ResourceHandler) -> None:
    """Add a handler (one per resource type: registering a type twice is a bug)."""
    if handler.type in _HANDLERS and _HANDLERS[handler.type] is not handler:
        raise ValueError(f"A FHIR handler for {handler.type} is already registered")
    _HANDLERS[handler.type] = handler


def unregister(resource_type: str) -> None:
    """Remove a handler (tests that register a temporary type)."""
    _HANDLERS.pop(resource_type, None)


def handler_for(resource_type: str) -> ResourceHandler:
    """The handler for ``resource_type``: a 404 for a type this server does not serve."""
    handler = _HANDLERS.get(resource_type)
    if handler is None:
        if not resource_type[:1].isupper():
            raise FhirError(400, "not-supported", f"{resource_type!r} is not a FHIR resource type.")
        raise FhirError(404, "not-supported", f"This server does not serve {resource_type} resources.")
    return handler


def all_handlers() -> list[ResourceHandler]:
    """Every registered handler, by resource type."""
    return [_HANDLERS[name] for name in sorted(_HANDLERS)]

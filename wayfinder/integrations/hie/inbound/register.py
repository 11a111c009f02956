"""Registering the inbound interactions (called from ``HieConfig.ready()``).

A type another area already serves (core's outbound Patient, Observation, Condition,
QuestionnaireResponse) gains create and update, and its read falls back to what was
received; its search stays the other area's. A type nobody serves gets the inbound
handler whole (read and search of what the client sent).
"""

from __future__ import annotations

from ..fhir import registry
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler, SearchParam
from .handlers import INBOUND_TYPES, handler_parts

PARAMS = [
    SearchParam("_id", "token", "our id"),
    SearchParam("patient", "reference", "the received Patient (our id)"),
    SearchParam("subject", "reference", "the received Patient (our id)"),
    SearchParam("identifier", "token", "system|value, exactly as sent"),
]
DOC = "Received from the exchange: stored as sent, matched to a resident, filed as needs (docs/exchange.md, Inbound)."


def _read_either(theirs, ours):
    def read(ctx, resource_id):
        try:
            return theirs(ctx, resource_id)
        except FhirError as error:
            if error.status != 404:
                raise
            return ours(ctx, resource_id)

    return read


def register_handlers() -> None:
    for kind in INBOUND_TYPES:
        parts = handler_parts(kind)
        existing = registry._HANDLERS.get(kind)
        if existing is None:
            registry.register(ResourceHandler(type=kind, search_params=list(PARAMS), documentation=DOC, **parts))
            continue
        existing.create, existing.update = parts["create"], parts["update"]
        existing.read = _read_either(existing.read, parts["read"]) if existing.read else parts["read"]
        if existing.search is None:
            existing.search, existing.search_params = parts["search"], list(PARAMS)

"""POST /fhir/ (a transaction or batch Bundle). Placeholder until the inbound work
replaces this module (docs/exchange.md, "Inbound")."""

from __future__ import annotations

from typing import Any

from .context import FhirContext
from .outcome import FhirError


def process_bundle(ctx: FhirContext, bundle: dict[str, Any]) -> dict[str, Any]:
    """The response Bundle for ``bundle``. Not handled yet: a 501 OperationOutcome."""
    raise FhirError(501, "not-supported", "Bundles are not handled yet")

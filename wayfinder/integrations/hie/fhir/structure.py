"""Structure and profile checks for FHIR resources (docs/exchange.md, "Validation").

``check_structure`` parses a resource with fhir.resources' R4B models (the nearest
to FHIR 4.0.1 the library has; structure only, no profiles). ``check_invariants``
runs the SDOH Clinical Care invariants the server relies on with fhirpathpy:
SDOH-Obs-4 (an SDOH Observation carries the US Core ``sdoh`` category), SDOH-Con-2
(a Condition is a health concern, problem-list item or encounter diagnosis) and
SDOH-Con-3 (a Condition carries the ``sdoh`` category).
"""

from __future__ import annotations

from typing import Any

import fhirpathpy
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from .outcome import FhirError, issue

US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

# (key, resource type, FHIRPath that must be true, human text), from the SDOHCC profiles.
INVARIANTS: list[tuple[str, str, str, str]] = [
    (
        "SDOH-Obs-4",
        "Observation",
        f"category.coding.where(system = '{US_CORE_CATEGORY}' and code = 'sdoh').exists()",
        "An SDOH Observation SHALL have the US Core category 'sdoh'.",
    ),
    (
        "SDOH-Con-2",
        "Condition",
        f"category.coding.where(system = '{CONDITION_CATEGORY}' and code = 'encounter-diagnosis').exists() or "
        f"category.coding.where(system = '{US_CORE_CATEGORY}' and code = 'health-concern').exists() or "
        f"category.coding.where(system = '{CONDITION_CATEGORY}' and code = 'problem-list-item').exists()",
        "A Condition SHALL have the category encounter-diagnosis, problem-list-item or health-concern.",
    ),
    (
        "SDOH-Con-3",
        "Condition",
        f"category.coding.where(system = '{US_CORE_CATEGORY}' and code = 'sdoh').exists()",
        "An SDOH Condition SHALL have the US Core category 'sdoh'.",
    ),
]


def check_structure(resource: dict[str, Any], expression_prefix: str = "") -> None:
    """Raise FhirError(400, "structure") naming the first element that does not parse."""
    resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
    where = expression_prefix or (resource_type or "")
    if not isinstance(resource_type, str) or not resource_type:
        raise FhirError(400, "structure", "The resource has no resourceType.", expression=[where or "resourceType"])
    try:
        model = get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        raise FhirError(
            400, "structure", f"{resource_type!r} is not a FHIR resource type.", expression=[where]
        ) from None
    try:
        model.model_validate(resource)
    except ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
        expression = f"{where}.{path}" if path else where
        raise FhirError(
            400,
            "structure",
            f"{resource_type}: {first.get('msg', 'invalid')} at {path or 'the root'}.",
            expression=[expression],
        ) from None


def check_invariants(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The SDOHCC invariants ``resource`` breaks, as OperationOutcome issues (empty when none)."""
    found = []
    resource_type = resource.get("resourceType")
    for key, applies_to, expression, text in INVARIANTS:
        if applies_to != resource_type:
            continue
        if fhirpathpy.evaluate(resource, expression) != [True]:
            found.append(issue("error", "invariant", f"{key}: {text}", [resource_type]))
    return found

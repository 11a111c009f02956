"""Structure and profile checks for FHIR resources (docs/exchange.md, "Validation").

``check_structure`` parses a resource with fhir.resources' R4B models (the nearest
to FHIR 4.0.1 the library has; structure only, no profiles). ``check_invariants``
runs the SDOH Clinical Care invariants the server relies on with fhirpathpy:
SDOH-Obs-4 (an SDOH Observation carries the US Core ``sdoh`` category), SDOH-Con-2
(a Condition is a health concern, problem-list item or encounter diagnosis) and
SDOH-Con-3 (a Condition carries the ``sdoh`` category). Compiled once; evaluated on
the elements they read, once per distinct value of those (a bundle's Observations
mostly share their categories).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import fhirpathpy
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from .outcome import FhirError, issue

US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

# (key, resource type, FHIRPath that must be true, human text), from the SDOHCC profiles.
# Each expression starts at ``category``: it reads nothing else of the resource.
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
# The elements the expressions above read; ``check_invariants`` evaluates them on those
# elements alone, so a bundle of resources that share them evaluates them once.
INVARIANT_ELEMENTS = ("category",)


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


@functools.cache
def _compiled(expression: str) -> Callable[..., list]:
    """Parsing a FHIRPath expression costs far more than running it (a third of a
    100-entry bundle's time when every entry parsed them again): parse each once."""
    return fhirpathpy.compile(expression)


@functools.lru_cache(maxsize=1024)
def _broken(resource_type: str, elements: str) -> tuple[int, ...]:
    """The INVARIANTS (by position) broken by a resource of ``resource_type`` whose
    INVARIANT_ELEMENTS are ``elements`` (canonical JSON): evaluating an expression
    costs about 2 ms, and a bundle's resources mostly share their categories."""
    resource = {"resourceType": resource_type, **json.loads(elements)}
    return tuple(
        number
        for number, (_key, applies_to, expression, _text) in enumerate(INVARIANTS)
        if applies_to == resource_type and _compiled(expression)(resource, {}) != [True]
    )


def check_invariants(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The SDOHCC invariants ``resource`` breaks, as OperationOutcome issues (empty when none)."""
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str) or not any(applies == resource_type for _k, applies, _e, _t in INVARIANTS):
        return []
    read = {name: resource[name] for name in INVARIANT_ELEMENTS if name in resource}
    elements = json.dumps(read, sort_keys=True, separators=(",", ":"), default=str)
    return [
        issue("error", "invariant", f"{INVARIANTS[number][0]}: {INVARIANTS[number][3]}", [resource_type])
        for number in _broken(resource_type, elements)
    ]

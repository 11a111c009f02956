"""Structure (fhir.resources R4B) and SDOHCC invariant checks (docs/exchange.md, "Validation")."""

from __future__ import annotations

import pytest

from wayfinder.integrations.hie.fhir.outcome import FhirError
from wayfinder.integrations.hie.fhir.structure import (
    CONDITION_CATEGORY,
    US_CORE_CATEGORY,
    check_invariants,
    check_structure,
)

SDOH = {"system": US_CORE_CATEGORY, "code": "sdoh"}


def _observation(categories):
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [c]} for c in categories],
        "code": {"coding": [{"system": "http://loinc.org", "code": "88122-7"}]},
        "subject": {"reference": "Patient/1"},
    }


def test_structure_names_the_broken_element():
    check_structure(_observation([SDOH]))
    broken = {**_observation([SDOH]), "status": 7}
    with pytest.raises(FhirError) as error:
        check_structure(broken, "Bundle.entry[0].resource")
    assert error.value.status == 400 and error.value.code == "structure"
    assert error.value.expression == ["Bundle.entry[0].resource.status"]
    with pytest.raises(FhirError):
        check_structure({"resourceType": "NoSuchThing"})


def test_sdoh_invariants():
    assert check_invariants(_observation([SDOH])) == []
    assert "SDOH-Obs-4" in check_invariants(_observation([]))[0]["diagnostics"]
    condition = {"resourceType": "Condition", "category": [{"coding": [SDOH]}], "subject": {"reference": "Patient/1"}}
    assert [i["diagnostics"][:10] for i in check_invariants(condition)] == ["SDOH-Con-2"]
    condition["category"].append({"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]})
    assert check_invariants(condition) == []

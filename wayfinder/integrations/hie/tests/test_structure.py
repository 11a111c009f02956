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


def test_invariants_on_the_elements_they_read_answer_as_on_the_whole_resource():
    """check_invariants evaluates each expression on INVARIANT_ELEMENTS alone (once per
    distinct value): on every guide example the answer is the whole resource's."""
    import json
    from pathlib import Path

    from wayfinder.integrations.hie.fhir.structure import INVARIANTS, _compiled

    examples = Path(__file__).resolve().parents[4] / ".." / "shared" / "standards" / "fhir-sdohcc-examples"
    checked = 0
    for path in sorted(examples.glob("*.json")):
        resource = json.loads(path.read_text())
        for variant in (resource, {**resource, "category": []}, {k: v for k, v in resource.items() if k != "category"}):
            whole = [
                key
                for key, applies_to, expression, _text in INVARIANTS
                if applies_to == variant.get("resourceType") and _compiled(expression)(variant, {}) != [True]
            ]
            got = [found["diagnostics"].split(":")[0] for found in check_invariants(variant)]
            assert got == whole, (path.name, variant.get("category"))
            checked += variant.get("resourceType") in ("Observation", "Condition")
    assert checked > 30

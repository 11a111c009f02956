"""Reading inbound Observations and Conditions: the examples of the guide, the
tolerated deviations (with a note) and the refused codes (docs/exchange.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from wayfinder.integrations.hie.inbound import zcodes
from wayfinder.integrations.hie.inbound.reading import Refused, read_condition, read_observation

EXAMPLES = Path(__file__).resolve().parents[5] / ".." / "shared" / "standards" / "fhir-sdohcc-examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def test_hunger_vital_sign_answer_is_a_food_need():
    finding = read_observation(example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json"))
    assert finding.positive and finding.sdohcc == ["food-insecurity"]
    assert finding.observed_at.isoformat().startswith("2020-09-10")
    assert finding.notes == []


def test_assessment_observation_true_is_positive_in_both_domains():
    finding = read_observation(example("Observation-SDOHCC-ObservationAssessmentTransportTooExpensiveExample.json"))
    assert finding.positive and finding.sdohcc == ["financial-insecurity", "transportation-insecurity"]


def test_personal_characteristics_are_no_need():
    assert not read_observation(example("Observation-SDOHCC-ObservationRaceOMBExample.json")).positive


def test_missing_sdoh_category_and_interpretation_read_with_notes():
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}
        ],
        "code": {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.1", "code": "88122-7"}]},
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": "2025-03-01",
        "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6729-3"}]},
    }
    finding = read_observation(observation)
    assert finding.positive and finding.sdohcc == ["food-insecurity"]
    texts = " | ".join(note.text for note in finding.notes)
    assert "read as http://loinc.org" in texts and "no US Core 'sdoh' category" in texts and "AHC answer rule" in texts


def test_grouper_100698_is_stored_without_a_need():
    grouper = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "100698-0"}]},
        "hasMember": [{"reference": "Observation/a"}],
    }
    finding = read_observation(grouper)
    assert not finding.positive and "100698-0 grouper" in finding.notes[0].text


def test_declined_answer_is_not_a_need():
    observation = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    observation.pop("valueCodeableConcept")
    observation.pop("interpretation")
    observation["dataAbsentReason"] = {"coding": [{"code": "asked-declined"}]}
    assert not read_observation(observation).positive


def test_category_outside_the_value_set_is_refused_naming_the_path():
    observation = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    observation["category"][2]["coding"][0]["code"] = "hunger"
    with pytest.raises(Refused) as refused:
        read_observation(observation)
    assert refused.value.code == "code-invalid" and refused.value.path == "Observation.category[2].coding[0].code"


def test_conditions_of_the_guide_read_by_their_date_of_service():
    food = read_condition(example("Condition-SDOHCC-ConditionFoodInsecurityExample.json"))  # Z59.4 in 2019: valid then
    assert food.positive and food.sdohcc == ["food-insecurity"]
    homeless = read_condition(example("Condition-SDOHCC-ConditionHomelessExample.json"))  # Z59.0 in April 2021
    assert homeless.positive and homeless.sdohcc == ["homelessness"]


def _claim(code: str, day: str) -> dict:
    return {
        "resourceType": "Condition",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "encounter-diagnosis",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]},
        "subject": {"reference": "Patient/p"},
        "onsetDateTime": day,
    }


def test_z59_86_is_a_header_after_october_2025():
    ok = read_condition(_claim("Z5986", "2025-09-30"))
    assert ok.positive and ok.sdohcc == ["financial-insecurity"] and ok.encounter_diagnosis
    with pytest.raises(Refused) as refused:
        read_condition(_claim("Z59.86", "2025-10-01"))
    assert refused.value.code == "code-invalid" and refused.value.path == "Condition.code.coding[0].code"
    assert read_condition(_claim("Z59.861", "2025-10-02")).sdohcc == ["utility-insecurity"]


def test_april_2023_codes_not_before():
    with pytest.raises(Refused):
        read_condition(_claim("Z59.12", "2023-03-31"))
    assert read_condition(_claim("Z59.12", "2023-04-01")).positive
    with pytest.raises(Refused):
        read_condition(_claim("Z55.6", "2022-12-01"))


def test_refuted_condition_is_no_need():
    condition = copy.deepcopy(_claim("Z59.41", "2024-01-01"))
    condition["verificationStatus"] = {"coding": [{"code": "refuted"}]}
    assert not read_condition(condition).positive


def test_z_code_normalizing():
    assert zcodes.normalize("z5941") == "Z59.41" and zcodes.lookup("Z59.811").category == "housing-instability"
    assert zcodes.is_sdoh_z_code("Z63.0") and not zcodes.is_sdoh_z_code("Z73.3")

"""The stored answers are a FHIR R4 QuestionnaireResponse: fhir.resources accepts it,
declined answers carry data-absent-reason asked-declined, the safety total is an
answer, the questionnaire version is named, and reading it back gives the answers."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from wayfinder.assessments.actions import submit_assessment
from wayfinder.assessments.form import form_of
from wayfinder.assessments.loading import ensure_shipped
from wayfinder.assessments.response import answers_from

from .conftest import ahc

pytestmark = pytest.mark.django_db
FOLDER = Path(__file__).resolve().parent.parent / "questionnaires"


@pytest.mark.parametrize("name", ["ahc-hrsn-screening.json", "wayfinder-needs-assessment.json"])
def test_the_shipped_questionnaires_are_fhir_r4(name):
    resource = json.loads((FOLDER / name).read_text())
    FhirQuestionnaire.model_validate(resource)


def test_the_ahc_questionnaire_is_coded_as_standards_md_lists():
    resource = json.loads((FOLDER / "ahc-hrsn-screening.json").read_text())
    assert resource["code"][0]["code"] == "96777-8"
    form = form_of_resource(resource)
    assert form.by_id["supplemental"].codes[0]["code"] == "97023-6"
    assert [o.key for o in form.by_id["71802-3"].options] == ["LA31993-1", "LA31994-9", "LA31995-6"]
    assert form.by_id["96778-6"].repeats and form.by_id["96778-6"].option("LA9-3").exclusive
    assert [(o.key, o.ordinal) for o in form.by_id["95618-5"].options] == [
        ("LA6270-8", 1),
        ("LA10066-1", 2),
        ("LA10082-8", 3),
        ("LA16644-9", 4),
        ("LA6482-9", 5),
    ]
    assert form.by_id["95614-4"].calculated and not form.by_id["95614-4"].asks
    assert [o.key for o in form.by_id["96779-4"].options] == ["LA33-6", "LA32-8", "LA32002-0"]
    assert form.by_id["71802-3"].text_es.startswith("¿Cuál es su situación de vivienda")


def form_of_resource(resource):
    from wayfinder.assessments.form import parse

    return parse(resource)


def test_a_completed_ahc_is_a_valid_questionnaire_response(amy, personas, hospital_with_consent):
    answers = ahc(q88123_5="declined", q96778_6=["LA31996-4", "LA28580-1"], q95618_5="LA6482-9")
    completed = submit_assessment(
        questionnaire=ensure_shipped("ahc-hrsn"),
        resident=amy,
        answers=answers,
        actor=personas["hospital_user"],
        organization=hospital_with_consent,
        submission_key=uuid.uuid4(),
    )
    document = completed.assessment.response
    parsed = QuestionnaireResponse.model_validate(document)
    assert parsed.status == "completed" and document["questionnaire"].endswith("ahc-hrsn-screening|1.0.0")
    assert document["subject"] == {"reference": f"Patient/{amy.pk}"}
    items = {i["linkId"]: i for group in document["item"] for i in group.get("item", [])}
    assert items["88123-5"]["extension"][0]["valueCode"] == "asked-declined" and "answer" not in items["88123-5"]
    assert [a["valueCoding"]["code"] for a in items["96778-6"]["answer"]] == ["LA31996-4", "LA28580-1"]
    assert items["95614-4"]["answer"] == [{"valueInteger": 8}]
    assert "ask-supplemental" in {i["linkId"] for i in document["item"]}
    assert answers_from(form_of(completed.assessment.questionnaire), document) == answers
    domains = {d["key"]: d for d in completed.assessment.results["domains"]}
    assert domains["housing-instability"]["sdohcc"] == ["inadequate-housing"]
    assert domains["housing-instability"]["evidence"][0]["answers"][0] == {
        "system": "http://loinc.org",
        "code": "LA31996-4",
    }

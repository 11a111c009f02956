"""QuestionnaireResponse and Observation (read; search by patient, category, code,
_lastUpdated): the resident's shareable assessments as stored (SDC QuestionnaireResponse
documents, ``assessments/response.py``) and one SDOHCC-ObservationScreeningResponse per
answered or declined question (docs/exchange.md, "Outbound")."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ValidationError

from wayfinder.assessments.domains import SDOHCC_SYSTEM
from wayfinder.assessments.form import LOINC, form_of
from wayfinder.assessments.models import Assessment

from ..disclosures import record_disclosure
from ..fhir.context import FhirContext, SearchPage, SearchQuery
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler, SearchParam
from ..fhir.structure import US_CORE_CATEGORY
from ..sharing import shareable_assessments
from .common import instant, page_of, patient_from, token_matches

SDOHCC_SCREENING = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-ObservationScreeningResponse"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
DATA_ABSENT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def as_response(assessment: Assessment) -> dict[str, Any]:
    document = dict(assessment.response)
    document["id"] = str(assessment.pk)
    document["meta"] = {**document.get("meta", {}), "versionId": "1", "lastUpdated": instant(assessment.completed_at)}
    return document


def observations_of(assessment: Assessment) -> list[dict[str, Any]]:
    """One Observation per coded question answered (or declined) in the response."""
    form = form_of(assessment.questionnaire)
    domains = (assessment.results or {}).get("domains", [])
    found: list[dict[str, Any]] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes or []:
            item = form.by_id.get(node.get("linkId", ""))
            if item is not None and item.codes and item.type != "group":
                observation = _observation(assessment, node, item, domains)
                if observation is not None:
                    found.append(observation)
            walk(node.get("item", []))
            for answer in node.get("answer", []) or []:
                walk(answer.get("item", []))

    walk(assessment.response.get("item", []))
    return found


def _observation(assessment: Assessment, node: dict, item: Any, domains: list[dict]) -> dict[str, Any] | None:
    code = item.code
    coding = next((c for c in item.codes if c.get("system") == LOINC), item.codes[0])
    related = [d for d in domains if code and code in json.dumps(d.get("evidence", []))]
    categories: list[dict[str, Any]] = [
        {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]},
        {"coding": [{"system": US_CORE_CATEGORY, "code": "sdoh", "display": "SDOH"}]},
    ]
    for sdohcc in dict.fromkeys(c for d in related for c in d.get("sdohcc", []) or []):
        categories.append({"coding": [{"system": SDOHCC_SYSTEM, "code": sdohcc}]})
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id(assessment, node["linkId"]),
        "meta": {"profile": [SDOHCC_SCREENING], "versionId": "1", "lastUpdated": instant(assessment.completed_at)},
        "status": "final",
        "category": categories,
        "code": {"coding": [{k: v for k, v in coding.items() if k in ("system", "code", "display")}]},
        "subject": {"reference": f"Patient/{assessment.resident_id}"},
        "effectiveDateTime": instant(assessment.completed_at),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{assessment.pk}"}],
    }
    if item.text:
        observation["code"]["text"] = item.text
    answers = node.get("answer") or []
    if any(e.get("url") == DATA_ABSENT_EXTENSION for e in node.get("extension", []) or []):
        observation["dataAbsentReason"] = {"coding": [{"system": DATA_ABSENT, "code": "asked-declined"}]}
    elif not answers:
        return None
    else:
        answer = answers[0]
        if "valueCoding" in answer:
            observation["valueCodeableConcept"] = {"coding": [answer["valueCoding"]]}
        else:
            key, value = next((k, v) for k, v in answer.items() if k.startswith("value"))
            target = {"valueUri": "valueString", "valueDate": "valueDateTime"}.get(key, key)
            if target not in ("valueInteger", "valueBoolean", "valueString", "valueDateTime", "valueTime"):
                target, value = "valueString", str(value)
            observation[target] = value
        positive = [d for d in related if d.get("status") == "positive"]
        if positive:
            observation["interpretation"] = [{"coding": [{"system": INTERPRETATION, "code": "POS"}]}]
    return observation


def _id(assessment: Assessment, link_id: str) -> str:
    return f"{assessment.pk}.{re.sub(r'[^A-Za-z0-9.-]', '-', link_id)}"[:64]


def _assessment(ctx: FhirContext, assessment_id: str) -> Assessment:
    try:
        assessment = Assessment.objects.select_related("resident", "questionnaire").filter(pk=assessment_id).first()
    except (ValueError, ValidationError):
        assessment = None
    if (
        assessment is None
        or not shareable_assessments(assessment.resident, ctx.grant).filter(pk=assessment.pk).exists()
    ):
        raise FhirError(404, "not-found", "No such resource on this server.")
    return assessment


def read_response(ctx: FhirContext, resource_id: str) -> dict[str, Any]:
    assessment = _assessment(ctx, resource_id)
    record_disclosure(ctx.grant, assessment.resident, [f"QuestionnaireResponse/{resource_id}"], "FHIR read")
    return as_response(assessment)


def search_responses(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    resident = patient_from(query, "QuestionnaireResponse")
    if resident is None:
        return SearchPage([], total=0)
    page = page_of([as_response(a) for a in shareable_assessments(resident, ctx.grant)], query)
    if page.resources:
        ids = [f"QuestionnaireResponse/{r['id']}" for r in page.resources]
        record_disclosure(ctx.grant, resident, ids, "FHIR QuestionnaireResponse search")
    return page


def read_observation(ctx: FhirContext, resource_id: str) -> dict[str, Any]:
    assessment = _assessment(ctx, resource_id.split(".", 1)[0])
    observation = next((o for o in observations_of(assessment) if o["id"] == resource_id), None)
    if observation is None:
        raise FhirError(404, "not-found", f"No Observation/{resource_id} on this server.")
    record_disclosure(ctx.grant, assessment.resident, [f"Observation/{resource_id}"], "FHIR Observation read")
    return observation


def search_observations(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    resident = patient_from(query, "Observation")
    if resident is None:
        return SearchPage([], total=0)
    resources = [o for a in shareable_assessments(resident, ctx.grant) for o in observations_of(a)]
    if "category" in query.params:
        resources = [r for r in resources if token_matches(r["category"], query.params["category"])]
    if "code" in query.params:
        resources = [r for r in resources if token_matches([r["code"]], query.params["code"])]
    page = page_of(resources, query)
    if page.resources:
        ids = [f"Observation/{r['id']}" for r in page.resources]
        record_disclosure(ctx.grant, resident, ids, "FHIR Observation search")
    return page


PATIENT_PARAMS = [
    SearchParam("patient", "reference", "Required: Patient/<id>."),
    SearchParam("subject", "reference", "Same as patient."),
]

RESPONSE_HANDLER = ResourceHandler(
    type="QuestionnaireResponse",
    profiles=["http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"],
    read=read_response,
    search=search_responses,
    search_params=PATIENT_PARAMS,
    documentation="Completed assessments the sharing rule allows, as stored.",
)

OBSERVATION_HANDLER = ResourceHandler(
    type="Observation",
    profiles=[SDOHCC_SCREENING],
    read=read_observation,
    search=search_observations,
    search_params=[
        *PATIENT_PARAMS,
        SearchParam("category", "token", "survey, sdoh or an SDOHCC domain code."),
        SearchParam("code", "token", "The question's LOINC code."),
    ],
    documentation="One screening-response Observation per answered or declined question.",
)

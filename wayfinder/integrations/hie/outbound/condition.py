"""Condition (read; search by patient, category, code, _lastUpdated): one
SDOHCC-Condition per open or met need the sharing rule lets through (docs/exchange.md,
"Outbound", which has the code table). Categories: US Core health-concern and sdoh,
plus the need's SDOH Clinical Care domain codes; code ICD-10-CM (SNOMED CT where the
guide's own map gives one); evidence the shareable sources' resources."""

from __future__ import annotations

from typing import Any

from wayfinder.assessments.domains import SDOHCC_SYSTEM
from wayfinder.residents.models import SdohNeed

from ..disclosures import record_disclosure
from ..fhir.context import FhirContext, SearchPage, SearchQuery
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler, SearchParam
from ..fhir.structure import US_CORE_CATEGORY
from ..sharing import shareable_needs, shareable_sources
from .common import instant, page_of, patient_from, token_matches, version_of

SDOHCC_CONDITION = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-Condition"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"

# SDOHCC category -> (ICD-10-CM code, display, SNOMED code or "", SNOMED display).
CODES: dict[str, tuple[str, str, str, str]] = {
    "food-insecurity": ("Z59.41", "Food insecurity", "733423003", "Food insecurity (finding)"),
    "homelessness": ("Z59.00", "Homelessness, unspecified", "", ""),
    "housing-instability": ("Z59.819", "Housing instability, housed unspecified", "", ""),
    "inadequate-housing": ("Z59.10", "Inadequate housing, unspecified", "", ""),
    "transportation-insecurity": ("Z59.82", "Transportation insecurity", "", ""),
    "financial-insecurity": ("Z59.869", "Financial insecurity, other", "", ""),
    "utility-insecurity": ("Z59.861", "Financial insecurity, difficulty paying for utilities", "", ""),
    "material-hardship": ("Z59.87", "Material hardship", "", ""),
    "employment-status": ("Z56.0", "Unemployment, unspecified", "", ""),
    "educational-attainment": ("Z55.9", "Problems related to education and literacy, unspecified", "", ""),
    "personal-health-literacy": ("Z55.6", "Problems related to health literacy", "", ""),
    "social-connection": ("Z60.9", "Problem related to social environment, unspecified", "", ""),
    "stress": ("Z73.3", "Stress, not elsewhere classified", "", ""),
    "incarceration-status": ("Z65.1", "Imprisonment and other incarceration", "", ""),
}
UNSPECIFIED = ("Z65.9", "Problem related to unspecified psychosocial circumstances", "", "")


def _code(need: SdohNeed) -> dict[str, Any]:
    sdohcc = next((c for c in need.sdohcc_codes if c in CODES), None)
    icd, icd_display, snomed, snomed_display = CODES.get(sdohcc or "", UNSPECIFIED)
    codings = [{"system": ICD10, "code": icd, "display": icd_display}]
    if snomed:
        codings.insert(0, {"system": SNOMED, "code": snomed, "display": snomed_display})
    return {"coding": codings, "text": icd_display}


def as_condition(ctx: FhirContext, need: SdohNeed) -> dict[str, Any]:
    changed = max(need.recorded_at, need.status_changed_at)
    domains = [c for c in need.sdohcc_codes if isinstance(c, str)] or ["sdoh-category-unspecified"]
    evidence = [
        {"detail": [{"reference": source.reference}]}
        for source in shareable_sources(need, ctx.grant)
        if source.reference.startswith(("QuestionnaireResponse/", "Observation/"))
    ]
    active = need.status == SdohNeed.Status.OPEN
    condition: dict[str, Any] = {
        "resourceType": "Condition",
        "id": f"need-{need.pk}",
        "meta": {"profile": [SDOHCC_CONDITION], "versionId": version_of(changed), "lastUpdated": instant(changed)},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active" if active else "resolved",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "confirmed" if need.source == SdohNeed.SourceKind.STAFF else "unconfirmed",
                }
            ]
        },
        "category": [
            {"coding": [{"system": US_CORE_CATEGORY, "code": "health-concern", "display": "Health Concern"}]},
            {"coding": [{"system": US_CORE_CATEGORY, "code": "sdoh", "display": "SDOH"}]},
            *({"coding": [{"system": SDOHCC_SYSTEM, "code": code}]} for code in domains),
        ],
        "code": _code(need),
        "subject": {"reference": f"Patient/{need.resident_id}"},
        "onsetDateTime": instant(need.observed_at),
        "recordedDate": instant(need.recorded_at),
    }
    if not active:
        condition["abatementDateTime"] = instant(need.status_changed_at)
    if evidence:
        condition["evidence"] = evidence
    return condition


def read(ctx: FhirContext, resource_id: str) -> dict[str, Any]:
    need = None
    if resource_id.startswith("need-") and resource_id[5:].isdigit():
        need = SdohNeed.objects.select_related("resident").filter(pk=int(resource_id[5:])).first()
    if need is None or need.resident.status != need.resident.Status.ACTIVE:
        raise FhirError(404, "not-found", f"No Condition/{resource_id} on this server.")
    if not shareable_needs(need.resident, ctx.grant).filter(pk=need.pk).exists():
        raise FhirError(404, "not-found", f"No Condition/{resource_id} on this server.")
    record_disclosure(ctx.grant, need.resident, [f"Condition/{resource_id}"], "FHIR Condition read")
    return as_condition(ctx, need)


def search(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    resident = patient_from(query, "Condition")
    if resident is None:
        return SearchPage([], total=0)
    resources = [as_condition(ctx, need) for need in shareable_needs(resident, ctx.grant)]
    for name in ("category", "code"):
        if name in query.params:
            resources = [
                r for r in resources if token_matches(r[name] if name == "category" else [r[name]], query.params[name])
            ]
    page = page_of(resources, query)
    if page.resources:
        record_disclosure(
            ctx.grant, resident, [f"Condition/{r['id']}" for r in page.resources], "FHIR Condition search"
        )
    return page


HANDLER = ResourceHandler(
    type="Condition",
    profiles=[SDOHCC_CONDITION],
    read=read,
    search=search,
    search_params=[
        SearchParam("patient", "reference", "Required: Patient/<id>."),
        SearchParam("subject", "reference", "Same as patient."),
        SearchParam("category", "token", "health-concern, sdoh or an SDOHCC domain code."),
        SearchParam("code", "token", "ICD-10-CM or SNOMED CT code."),
    ],
    documentation="One SDOHCC-Condition per open or met need the sharing rule allows.",
)

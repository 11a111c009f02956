"""Reading inbound Patients, Observations and Conditions: who they are about, whether
they report a need, in which domain, from when (docs/exchange.md, "Inbound data").

Tolerant where real exchanges deviate, and saying so: every assumption is a
``Note`` (returned to the client as a warning). A code outside the value set the
profile binds raises ``Refused`` (code-invalid) naming the path.

- a missing US Core ``sdoh`` category is assumed when the resource carries an
  SDOHCC domain category or a known SDoH screening question;
- a 100698-0 grouper (some EHRs group the AHC screening under it) is read as the
  panel: stored, no need of its own, its members read one by one;
- LOINC, ICD-10-CM and SDOHCC codes given with another system spelling (an OID, a
  bare name) are read as the standard system;
- a screening answer without ``interpretation`` is read by the AHC answer rules
  (docs/assessments.md) when its question is an AHC question.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from wayfinder.assessments.domains import SDOHCC_CODES, SDOHCC_SYSTEM

from . import zcodes

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
US_CORE_CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
GROUPER_100698 = "100698-0"

# Other spellings real exchanges send for the same code systems.
SYSTEM_ALIASES = {
    "urn:oid:2.16.840.1.113883.6.1": LOINC,
    "loinc": LOINC,
    "http://loinc.org": LOINC,
    "urn:oid:2.16.840.1.113883.6.90": zcodes.ICD10CM_SYSTEM,
    "icd-10-cm": zcodes.ICD10CM_SYSTEM,
    "icd10cm": zcodes.ICD10CM_SYSTEM,
    "http://hl7.org/fhir/sid/icd-10": zcodes.ICD10CM_SYSTEM,
    "urn:oid:2.16.840.1.113883.6.96": SNOMED,
    "snomed": SNOMED,
    "snomed-ct": SNOMED,
}

STANDARD_SYSTEMS = frozenset({LOINC, SNOMED, zcodes.ICD10CM_SYSTEM})

OBSERVATION_STATUSES = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
CONDITION_CLINICAL = {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
CONDITION_VERIFICATION = {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}
# Codes of the SDOHCC temporary code system that are not SDoH domains (the
# personal-characteristic category, task and slice codes): read, never a need.
OTHER_SDOHCC_CODES = frozenset(
    {
        "personal-characteristic",
        "payer-coverage",
        "contact-entity",
        "derived-specify",
        "general-information",
        "general-information-response",
        "make-contact",
        "questionnaire-category",
        "reported-by-related-person",
        "resulting-activity",
        "review-material",
        "risk-questionnaire",
        "sdoh-condition-category",
        "self-reported",
        "complete-questionnaire",
        "additional-content",
        "conversion-of-input",
    }
)
POSITIVE_INTERPRETATIONS = {"POS", "A", "AA", "H", "DET"}

# AHC HRSN questions (docs/assessments.md): the domains a question tags and its
# positive answers, for screening answers sent without an interpretation.
AHC_QUESTIONS: dict[str, tuple[tuple[str, ...], frozenset[str] | None]] = {
    "71802-3": (("housing-instability", "homelessness"), frozenset({"LA31994-9", "LA31995-6"})),
    "96778-6": (("inadequate-housing",), None),  # any answer but LA9-3 "none of the above"
    "88122-7": (("food-insecurity",), frozenset({"LA28397-0", "LA6729-3"})),
    "88123-5": (("food-insecurity",), frozenset({"LA28397-0", "LA6729-3"})),
    "88124-3": (("food-insecurity",), frozenset({"LA19952-3"})),
    "93030-5": (("transportation-insecurity",), frozenset({"LA33-6"})),
    "96779-4": (("utility-insecurity",), frozenset({"LA33-6", "LA32002-0"})),
    "76513-1": (("financial-insecurity",), frozenset({"LA15832-1", "LA22683-9"})),
    "96780-2": (("employment-status",), frozenset({"LA31981-6", "LA31982-4"})),
    "96782-8": (("educational-attainment",), frozenset({"LA33-6"})),
}
SAFETY_ITEMS = frozenset({"95618-5", "95617-7", "95616-9", "95615-1", "95614-4"})


class Refused(ValueError):
    """The resource breaks a rule we cannot read past: ``code`` is the FHIR issue
    type (code-invalid, value, required), ``path`` the FHIRPath of the element."""

    def __init__(self, code: str, path: str, text: str) -> None:
        super().__init__(text)
        self.code, self.path, self.text = code, path, text


@dataclass
class Note:
    path: str
    text: str


@dataclass
class Finding:
    """What one Observation or Condition says about needs."""

    positive: bool = False
    sdohcc: list[str] = field(default_factory=list)
    domain: str = ""  # a Wayfinder category when no SDOHCC code names one (safety)
    observed_at: datetime.datetime | None = None
    encounter_diagnosis: bool = False
    notes: list[Note] = field(default_factory=list)


def _system(coding: dict, path: str, notes: list[Note]) -> str:
    system = str(coding.get("system") or "")
    if system in STANDARD_SYSTEMS:
        return system
    standard = SYSTEM_ALIASES.get(system.lower().rstrip("/"))
    if standard:
        notes.append(Note(path, f"code system {system!r} read as {standard}"))
        return standard
    return system


def codings(concept: Any, path: str, notes: list[Note]) -> list[tuple[str, str, str]]:
    """[(standard system, code, path of the coding)] of a CodeableConcept."""
    if not isinstance(concept, dict):
        return []
    out = []
    for number, coding in enumerate(concept.get("coding") or []):
        if isinstance(coding, dict) and coding.get("code"):
            where = f"{path}.coding[{number}]"
            out.append((_system(coding, where, notes), str(coding["code"]), where))
    return out


def reference_of(value: Any) -> str:
    return str(value.get("reference") or "") if isinstance(value, dict) else ""


def clinical_time(resource: dict, *keys: str) -> datetime.datetime | None:
    """The first of ``keys`` present (``effectiveDateTime``, ``effectivePeriod`` ...) as an aware datetime."""
    for key in keys:
        value = resource.get(key)
        if isinstance(value, dict):
            value = value.get("start") or value.get("end")
        if not isinstance(value, str) or not value:
            continue
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value[:10]) if len(value) >= 4 else None
            if day is None and len(value) in (4, 7):
                day = parse_date((value + "-01-01")[:10])
            if day is None:
                continue
            moment = datetime.datetime(day.year, day.month, day.day)
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)
    return None


def _categories(resource: dict, kind: str, notes: list[Note]) -> tuple[set[tuple[str, str]], list[str]]:
    """({(system, code)}, SDOHCC domain codes) of ``resource.category``; an SDOHCC code
    outside the value set is refused."""
    found: set[tuple[str, str]] = set()
    domains: list[str] = []
    for number, concept in enumerate(resource.get("category") or []):
        for system, code, where in codings(concept, f"{kind}.category[{number}]", notes):
            found.add((system, code))
            if system == SDOHCC_SYSTEM:
                if code in OTHER_SDOHCC_CODES:
                    continue
                if code not in SDOHCC_CODES:
                    raise Refused(
                        "code-invalid",
                        f"{where}.code",
                        f"{code!r} is not in the SDOH category value set (SDOHCC-ValueSetSDOHCategory)",
                    )
                domains.append(code)
            elif not system and code in SDOHCC_CODES:
                notes.append(Note(where, f"category {code!r} without a system read as an SDOHCC category"))
                domains.append(code)
    return found, domains


def _has_sdoh(found: set[tuple[str, str]]) -> bool:
    return (US_CORE_CATEGORY, "sdoh") in found or any(code == "sdoh" and not system for system, code in found)


def read_observation(resource: dict) -> Finding:
    notes: list[Note] = []
    out = Finding(notes=notes)
    status = str(resource.get("status") or "")
    if status not in OBSERVATION_STATUSES:
        raise Refused("code-invalid", "Observation.status", f"{status!r} is not an Observation status")
    found, domains = _categories(resource, "Observation", notes)
    codes = codings(resource.get("code"), "Observation.code", notes)
    loinc = [code for system, code, _where in codes if system == LOINC]
    out.observed_at = clinical_time(resource, "effectiveDateTime", "effectivePeriod", "effectiveInstant", "issued")
    if GROUPER_100698 in loinc or resource.get("hasMember"):
        if GROUPER_100698 in loinc:
            notes.append(
                Note("Observation.code", "a 100698-0 grouper: read as the screening panel, members read one by one")
            )
        return out
    question = next((code for code in loinc if code in AHC_QUESTIONS or code in SAFETY_ITEMS), "")
    if not domains and question in AHC_QUESTIONS:
        domains = list(AHC_QUESTIONS[question][0])
        notes.append(
            Note("Observation.category", f"no SDOHCC domain category: {question} read as {', '.join(domains)}")
        )
    is_sdoh = _has_sdoh(found)
    if not is_sdoh and (domains or question):
        notes.append(Note("Observation.category", "no US Core 'sdoh' category: assumed (an SDoH domain or question)"))
        is_sdoh = True
    if not is_sdoh or status == "entered-in-error" or resource.get("dataAbsentReason"):
        return out
    interpretations = {
        code
        for concept in resource.get("interpretation") or []
        for _s, code, _w in codings(concept, "Observation.interpretation", notes)
    }
    if interpretations:
        out.positive = bool(interpretations & POSITIVE_INTERPRETATIONS)
    elif resource.get("valueBoolean") is True:
        out.positive = True  # an assessment observation: the clinician says the finding is present
    elif question in AHC_QUESTIONS:
        answers = {code for _s, code, _w in codings(resource.get("valueCodeableConcept"), "Observation.value", notes)}
        positive_answers = AHC_QUESTIONS[question][1]
        out.positive = bool(answers - {"LA9-3"}) if positive_answers is None else bool(answers & positive_answers)
        if out.positive:
            notes.append(
                Note(
                    "Observation.interpretation",
                    f"no interpretation: {question} read as positive by the AHC answer rule",
                )
            )
    if question in SAFETY_ITEMS and set(domains) <= {"sdoh-category-unspecified"}:
        out.domain = "safety"
    out.sdohcc = sorted(set(domains))
    return out


def read_condition(resource: dict) -> Finding:
    notes: list[Note] = []
    out = Finding(notes=notes)
    found, domains = _categories(resource, "Condition", notes)
    out.encounter_diagnosis = any(code == "encounter-diagnosis" for _system, code in found)
    out.observed_at = clinical_time(resource, "onsetDateTime", "onsetPeriod", "recordedDate")
    day = (out.observed_at or timezone.now()).date()
    z_domains: list[str] = []
    for system, code, where in codings(resource.get("code"), "Condition.code", notes):
        if system != zcodes.ICD10CM_SYSTEM:
            continue
        entry = zcodes.lookup(code)
        if entry is None:
            if zcodes.is_sdoh_z_code(code):
                notes.append(Note(where, f"{code}: an SDoH Z code we have no domain for; no need filed from it"))
            continue
        if not entry.valid_on(day):
            raise Refused(
                "code-invalid",
                f"{where}.code",
                f"ICD-10-CM {entry.code} was not a valid code on the date of service {day.isoformat()} "
                f"({entry.validity()})",
            )
        if entry.category:
            z_domains.append(entry.category)
    if not domains and z_domains:
        domains = z_domains
        notes.append(
            Note("Condition.category", f"no SDOHCC domain category: read from the Z code as {', '.join(z_domains)}")
        )
    if not _has_sdoh(found) and domains:
        notes.append(Note("Condition.category", "no US Core 'sdoh' category: assumed (an SDoH domain or Z code)"))
    elif not _has_sdoh(found):
        return out
    clinical = [c for _s, c, _w in codings(resource.get("clinicalStatus"), "Condition.clinicalStatus", notes)]
    verification = [
        c for _s, c, _w in codings(resource.get("verificationStatus"), "Condition.verificationStatus", notes)
    ]
    for value, allowed, path in (
        (clinical, CONDITION_CLINICAL, "Condition.clinicalStatus"),
        (verification, CONDITION_VERIFICATION, "Condition.verificationStatus"),
    ):
        bad = [c for c in value if c not in allowed]
        if bad:
            raise Refused("code-invalid", f"{path}.coding[0].code", f"{bad[0]!r} is not in the value set of {path}")
    active = not clinical or clinical[0] in ("active", "recurrence", "relapse")
    refuted = bool(set(verification) & {"refuted", "entered-in-error"})
    out.positive = active and not refuted
    out.sdohcc = sorted(set(domains))
    return out

"""Turning received resources into needs on the resident's record (docs/exchange.md,
"Needs from the exchange").

Each positive Observation or active Condition, and each positive domain of a
scored QuestionnaireResponse, becomes an ``SdohNeed`` through
``assessments.needs.record_need`` (the only writer): source "hie" naming the
client's participant, or "medicaid_claims" for an encounter diagnosis sent by a
client registered as a Medicaid claims source (settings.HIE_MEDICAID_CLAIMS_CLIENTS,
client ids); observed at the clinical date. A row files its needs once
(``needs_filed_at``): re-sending the same resource updates it, it does not add a
second source to the need. A row whose patient is not matched yet waits; linking
the patient in the match queue files it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from wayfinder.assessments.domains import category_for_sdohcc
from wayfinder.assessments.inbound import Chooser, NotScored, score_document
from wayfinder.assessments.needs import NeedError, record_need
from wayfinder.residents.models import SdohNeed

from .models import ReceivedResource
from .reading import Finding, Note, clinical_time, read_condition, read_observation


@dataclass
class NeedPlan:
    """The needs one resource reports (computed before anything is stored)."""

    needs: list[dict] = field(default_factory=list)  # {"domain", "sdohcc", "observed_at", "kind"}
    notes: list[Note] = field(default_factory=list)


def source_kind(client: Any, finding: Finding) -> str:
    claims = set(getattr(settings, "HIE_MEDICAID_CLAIMS_CLIENTS", []) or [])
    if finding.encounter_diagnosis and client.client_id in claims:
        return SdohNeed.SourceKind.MEDICAID_CLAIMS
    return SdohNeed.SourceKind.HIE


def _from_finding(client: Any, finding: Finding, fallback_time) -> NeedPlan:
    plan = NeedPlan(notes=list(finding.notes))
    if not finding.positive:
        return plan
    # One need per domain the finding names (transport too expensive: transport and income).
    by_domain: dict[str, list[str]] = {}
    if finding.domain:
        by_domain[finding.domain] = [c for c in finding.sdohcc if c != "sdoh-category-unspecified"]
    else:
        for code in finding.sdohcc:
            domain = category_for_sdohcc(code)
            if domain:
                by_domain.setdefault(domain, []).append(code)
    if not by_domain:
        plan.notes.append(Note("category", "positive, but no SDoH domain we file needs under: stored, no need"))
    for domain, codes in by_domain.items():
        plan.needs.append(
            {
                "domain": domain,
                "sdohcc": codes,
                "observed_at": finding.observed_at or fallback_time,
                "kind": source_kind(client, finding),
            }
        )
    return plan


def plan_needs(client: Any, resource: dict) -> NeedPlan:
    """What ``resource`` would file. Raises ``reading.Refused`` for a code outside its value set."""
    kind = resource.get("resourceType")
    now = timezone.now()
    if kind == "Observation":
        return _from_finding(client, read_observation(resource), now)
    if kind == "Condition":
        return _from_finding(client, read_condition(resource), now)
    if kind == "QuestionnaireResponse":
        return _from_response(resource, now)
    return NeedPlan()


def _from_response(resource: dict, now) -> NeedPlan:
    plan = NeedPlan()
    try:
        chooser = Chooser()
        scored = score_document(chooser(resource), resource)
    except NotScored as error:
        plan.notes.append(Note("QuestionnaireResponse", f"stored, not scored: {error}"))
        return plan
    plan.notes += [Note("QuestionnaireResponse", text) for text in chooser.notes + scored.notes]
    observed = clinical_time(resource, "authored") or now
    for need in scored.needs():
        plan.needs.append(
            {
                "domain": need["category"],
                "sdohcc": need["sdohcc"],
                "observed_at": observed,
                "kind": SdohNeed.SourceKind.HIE,
                "questionnaire": str(resource.get("questionnaire") or ""),
            }
        )
    return plan


def file_needs(
    row: ReceivedResource,
    plan: NeedPlan | None = None,
    *,
    held: dict | None = None,
    save: bool = True,
) -> list[SdohNeed]:
    """File the row's needs on its resident (once). Returns the needs opened or confirmed;
    the caller's audit entry names them (one entry per act, as an assessment does).
    ``held``: the needs the caller's transaction already locked (``record_need``);
    ``save=False``: the caller saves the row (a new row is then inserted once, filed)."""
    if row.resident_id is None or row.needs_filed_at is not None:
        return []
    plan = plan or plan_needs(row.client, row.resource)
    filed = []
    for need in plan.needs:
        canonical = need.get("questionnaire", "")
        url, _bar, version = canonical.partition("|")
        try:
            recorded = record_need(
                row.resident,
                kind=need["kind"],
                observed_at=need["observed_at"],
                domain=need["domain"],
                sdohcc_codes=need["sdohcc"],
                detail=row.client.participant_name,
                reference=f"{row.resource_type}/{row.id}",
                questionnaire_url=url,
                questionnaire_version=version,
                evidence=[{"resource": f"{row.resource_type}/{row.id}", "source_id": row.source_id}],
                audit=False,  # the caller's entry (hie.resource_received, hie.match_linked) lists them
                held=held,
            )
        except NeedError as error:
            row.warnings = [*row.warnings, {"severity": "warning", "text": str(error)}]
            continue
        filed.append(recorded.need)
    row.needs_filed_at = timezone.now()
    if save:
        row.save(update_fields=["needs_filed_at", "warnings"])
    return filed

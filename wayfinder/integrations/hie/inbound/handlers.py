"""The inbound FHIR interactions: create/update of what the exchange sends, and
read/search of what it sent (docs/exchange.md, "Inbound data").

Every resource goes through the same steps, and a refusal at any step stores
nothing: the structure (fhir.resources R4B), the guide's invariants (fhirpathpy;
a broken invariant is a warning, because real exchanges break them in known ways),
our reading of its codes (a code outside its value set is refused, code-invalid,
naming the path), the patient it is about (a Patient we were never sent is
refused), then the row is stored or updated and its needs filed.

Within one request (a bundle's entries) ``ctx.memo`` keeps what the entries look
up again and again: the rows the bundle's resources update (``store.Known``, read
once per type), the received Patient a reference names (forgotten whenever a
Patient is written) and the open needs already locked (``record_need``'s ``held``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from ..fhir.context import BUNDLE_RESOURCES, FhirContext, SearchPage, SearchQuery
from ..fhir.outcome import FhirError, issue
from ..fhir.structure import check_invariants, check_structure
from . import patients, store
from .filing import NeedPlan, file_needs, plan_needs
from .models import ReceivedResource
from .reading import Refused, reference_of

INBOUND_TYPES = (
    "Patient",
    "Observation",
    "Condition",
    "QuestionnaireResponse",
    "Consent",
    "Organization",
    "Practitioner",
)
MEMO_PATIENTS, MEMO_NEEDS, MEMO_KNOWN = "inbound.patients", "inbound.needs", "inbound.known"
# Where each type names its patient.
PATIENT_ELEMENT = {
    "Observation": "subject",
    "Condition": "subject",
    "QuestionnaireResponse": "subject",
    "Consent": "patient",
}


def _patient_row(ctx: FhirContext, resource: dict) -> ReceivedResource | None:
    kind = resource["resourceType"]
    element = PATIENT_ELEMENT.get(kind)
    if element is None:
        return None
    reference = reference_of(resource.get(element))
    if not reference:
        raise FhirError(422, "required", f"{kind}.{element}: the patient is required", expression=[f"{kind}.{element}"])
    known = ctx.memo.setdefault(MEMO_PATIENTS, {})
    row = known.get(reference)
    if row is None:
        row = known[reference] = patients.patient_for(ctx.grant.client, reference)
    if row is None:
        raise FhirError(
            422,
            "not-found",
            f"{kind}.{element}: {reference} was never sent by this client (send the Patient first, or in the bundle)",
            expression=[f"{kind}.{element}"],
        )
    return row


def _known(ctx: FhirContext) -> store.Known | None:
    resources = ctx.memo.get(BUNDLE_RESOURCES)
    if resources is None:
        return None
    if MEMO_KNOWN not in ctx.memo:
        ctx.memo[MEMO_KNOWN] = store.Known(ctx.grant.client, resources)
    return ctx.memo[MEMO_KNOWN]


def _checked(client: Any, resource: dict) -> tuple[list[dict], NeedPlan]:
    check_structure(resource)
    warnings = [dict(found, severity="warning") for found in check_invariants(resource)]
    try:
        plan = plan_needs(client, resource)
    except Refused as refused:
        raise FhirError(422, refused.code, refused.text, expression=[refused.path]) from None
    warnings += [issue("warning", "informational", note.text, [note.path]) for note in plan.notes]
    return warnings, plan


def _saw(ctx: FhirContext, row: ReceivedResource) -> None:
    if MEMO_KNOWN in ctx.memo:
        ctx.memo[MEMO_KNOWN].saw(row)


def receive(ctx: FhirContext, resource: dict, *, our_id: str | None = None) -> dict:
    """Store (or update) one resource from the client; returns it as stored."""
    client = ctx.grant.client
    kind = resource.get("resourceType")
    if kind not in INBOUND_TYPES:
        raise FhirError(400, "not-supported", f"{kind!r} is not received here", expression=["resourceType"])
    warnings, plan = _checked(client, resource)
    held = ctx.memo.setdefault(MEMO_NEEDS, {})
    # Joins the bundle's transaction (or its batch entry's savepoint) when there is one:
    # a refusal here rolls that back as a whole, so a savepoint of its own adds nothing.
    with transaction.atomic(savepoint=False):
        patient = _patient_row(ctx, resource)
        source_id, keys = str(resource.get("id") or ""), store.identifier_keys(resource)
        if our_id is not None:
            row = store.by_our_id(kind, our_id, client)
            if row is None:
                raise FhirError(404, "not-found", f"{kind}/{our_id} is not a resource this client sent")
            row = ReceivedResource.objects.select_for_update().get(pk=row.pk)
        elif (known := _known(ctx)) is not None:
            row = known.existing(kind, source_id, keys)
        else:
            row = store.existing(client, kind, source_id, keys)
        resident = patient.resident if patient is not None else None
        found, filed = None, []
        if kind == "Patient":
            resident = row.resident if row is not None and row.resident_id else None
            if resident is None:
                found = patients.match(resource)
                resident = found.resident
        row, created = store.prepare_received(
            client,
            resource,
            row=row,
            source_id=source_id,
            keys=keys,
            patient=patient,
            resident=resident,
            warnings=warnings,
        )
        if kind != "Patient" and row.resident_id is not None:
            filed = file_needs(row, plan, held=held, save=False)  # saved with the row, just below
        row.save(force_insert=created)
        _saw(ctx, row)
        if kind == "Patient":
            ctx.memo.pop(MEMO_PATIENTS, None)  # a look-up may have returned this row as it was
            if resident is None and found is not None:
                patients.queue(row, found)
                warnings.append(
                    issue(
                        "warning",
                        "informational",
                        f"no single resident matches this patient ({len(found.residents)} found): "
                        "kept in the match queue for review; its data is filed when it is linked",
                        ["Patient"],
                    )
                )
            else:
                for about in ReceivedResource.objects.filter(patient=row, resident__isnull=True).select_related(
                    "client"
                ):
                    about.resident = resident
                    about.save(update_fields=["resident"])
                    filed += file_needs(about, held=held)
                    _saw(ctx, about)
        log_action(
            None,
            names.HIE_RESOURCE_RECEIVED,
            row,
            resident=row.resident_id,
            actor_label=client.name,
            purpose="sdoh_needs",
            data={
                "client": client.client_id,
                "type": kind,
                "version": row.version,
                "source_id": source_id,
                "needs": sorted({need.domain for need in filed}),
            },
        )
    ctx.warnings.extend(warnings)
    return store.as_fhir(row)


def _create(ctx: FhirContext, resource: dict) -> dict:
    return receive(ctx, resource)


def _update(ctx: FhirContext, resource_id: str, resource: dict) -> dict:
    """PUT Type/<id>: our id updates that row; the client's own id updates (or creates)
    the resource it sent with that id (update as create, FHIR's conditional upsert)."""
    if _is_uuid(resource_id) and store.by_our_id(resource.get("resourceType", ""), resource_id, ctx.grant.client):
        return receive(ctx, resource, our_id=resource_id)
    return receive(ctx, {**resource, "id": resource_id})


def _read_for(kind: str):
    def read(ctx: FhirContext, resource_id: str) -> dict:
        row = store.by_our_id(kind, resource_id, ctx.grant.client)
        if row is None:
            raise FhirError(404, "not-found", f"{kind}/{resource_id} is not known")
        return store.as_fhir(row)

    return read


def _search_for(kind: str):
    def search(ctx: FhirContext, query: SearchQuery) -> SearchPage:
        rows = ReceivedResource.objects.filter(client=ctx.grant.client, resource_type=kind)
        for value in query.params.get("_id", []):
            rows = rows.filter(pk__in=[v for v in value.split(",") if _is_uuid(v)])
        for param in ("patient", "subject"):
            for value in query.params.get(param, []):
                target = value.rpartition("/")[2]
                rows = rows.filter(patient_id=target if _is_uuid(target) else None)
        for value in query.params.get("identifier", []):
            rows = rows.filter(identifiers__contains=[value]) if value else rows.none()
        for prefix, moment in query.last_updated:
            lookup = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "eq": "exact"}.get(prefix, "exact")
            rows = rows.filter(**{f"updated_at__{lookup}": moment})
        total = rows.count()
        page = rows.order_by("updated_at", "id")[query.offset : query.offset + query.count]
        return SearchPage(resources=[store.as_fhir(row) for row in page], total=total)

    return search


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def handler_parts(kind: str) -> dict[str, Any]:
    """The inbound interactions for ``kind`` (register_handlers merges them with what
    is already registered for the type)."""
    return {"create": _create, "update": _update, "read": _read_for(kind), "search": _search_for(kind)}

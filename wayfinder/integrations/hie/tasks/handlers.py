"""ServiceRequest, Task and Procedure over FHIR: a clinical system's referral, through to closure.

Creating the Task creates the referral through ``referrals.actions.create_referral``
(origin FHIR): it lands in the receiving organization's inbox, the receiver is
notified, a non-onboarded receiver goes to the referral specialists. Through FHIR
the requester may only cancel (or mark entered-in-error); the receiving
organization works the referral in its inbox. A client sees only its own
referrals. Bad input changes nothing (each create is one transaction).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from wayfinder.accounts.models import User
from wayfinder.assessments.domains import SDOHCC_CODES
from wayfinder.referrals import actions as referral_actions
from wayfinder.referrals.models import Origin
from wayfinder.referrals.withdraw import withdraw_referral

from ..fhir.context import FhirContext, SearchPage, SearchQuery
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler, SearchParam
from ..fhir.structure import check_structure
from .models import ServiceRequestRecord, TaskRecord
from .resources import (
    PROCEDURE_PROFILE,
    SR_PROFILE,
    TASK_PROFILE,
    TEMPORARY_CODES,
    current_state,
    procedure_resource,
    service_request_resource,
    task_resource,
)
from .search import apply_last_updated, ids_filter, or_values, reference_id, token
from .status import TransitionRefused, check_requester_change
from .subjects import resident_for_subject, service_for_owner


def client_user(client) -> User:
    """The account a client's referrals are made by (``created_by``): never signs in."""
    email = f"exchange-client-{client.pk}@exchange.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=client.participant_name[:200], is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def _codings(concepts: Any) -> list[str]:
    out = []
    for concept in concepts if isinstance(concepts, list) else [concepts]:
        for coding in (concept or {}).get("coding") or []:
            out.append(f"{coding.get('system', '')}|{coding.get('code', '')}")
    return out


def _expect(resource: dict, resource_type: str) -> None:
    if not isinstance(resource, dict) or resource.get("resourceType") != resource_type:
        got = resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
        raise FhirError(400, "invalid", f"Expected a {resource_type}, got {got!r}", expression=["resourceType"])
    check_structure(resource)


# --- ServiceRequest ---------------------------------------------------------------


@transaction.atomic
def create_service_request(ctx: FhirContext, resource: dict) -> dict:
    _expect(resource, "ServiceRequest")
    categories = _codings(resource.get("category") or [])
    sdoh = [c for c in categories if c.startswith(f"{TEMPORARY_CODES}|") and c.split("|", 1)[1] in SDOHCC_CODES]
    if not sdoh:
        raise FhirError(
            422,
            "code-invalid",
            "ServiceRequest.category needs an SDOHCC category code",
            expression=["ServiceRequest.category"],
        )
    if not _codings(resource.get("code")):
        raise FhirError(400, "required", "ServiceRequest.code is required", expression=["ServiceRequest.code"])
    if resource.get("intent") != "order":
        raise FhirError(422, "value", "ServiceRequest.intent must be order", expression=["ServiceRequest.intent"])
    resident = resident_for_subject(resource.get("subject"))
    stored = {k: v for k, v in resource.items() if k not in ("id", "meta", "text")}
    subject = dict(resource["subject"])
    subject["reference"] = f"Patient/{resident.pk}"
    stored["subject"] = subject
    record = ServiceRequestRecord.objects.create(
        client=ctx.grant.client,
        resident=resident,
        resource=stored,
        categories=categories,
        codes=_codings(resource.get("code")),
        status=str(resource.get("status") or "active"),
    )
    return service_request_resource(record)


def _own_service_requests(ctx: FhirContext):
    return ServiceRequestRecord.objects.filter(client=ctx.grant.client)


def read_service_request(ctx: FhirContext, resource_id: str) -> dict:
    record = _own_service_requests(ctx).filter(ids_filter([resource_id], "pk", "id")).first()
    if record is None:
        raise FhirError(404, "not-found", f"No ServiceRequest/{resource_id} on this server.")
    return service_request_resource(record)


def _json_token_q(field: str, raw: str) -> Q:
    q = Q()
    for value in or_values(raw):
        system, code = token(value)
        q |= Q(**{f"{field}__icontains": f"{system}|{code}" if system is not None else f"|{code}"})
    return q


def search_service_requests(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    qs = _own_service_requests(ctx)
    for name, raws in query.params.items():
        for raw in raws:
            if name == "_id":
                qs = qs.filter(ids_filter(or_values(raw), "pk", name))
            elif name in ("patient", "subject"):
                qs = qs.filter(
                    ids_filter([reference_id(v, "Patient", name) for v in or_values(raw)], "resident_id", name)
                )
            elif name == "category":
                qs = qs.filter(_json_token_q("categories", raw))
            elif name == "code":
                qs = qs.filter(_json_token_q("codes", raw))
            elif name == "status":
                qs = qs.filter(status__in=or_values(raw))
    qs = apply_last_updated(qs, "updated_at", query.last_updated)
    rows = list(qs.order_by("updated_at", "pk")[query.offset : query.offset + query.count])
    return SearchPage(resources=[service_request_resource(r) for r in rows], total=qs.count())


# --- Task ---------------------------------------------------------------------------


def _check_task(resource: dict) -> None:
    if "fulfill" not in [c.split("|", 1)[1] for c in _codings(resource.get("code"))]:
        raise FhirError(422, "value", "Task.code must be fulfill", expression=["Task.code"])
    if resource.get("intent") != "order":
        raise FhirError(422, "value", "Task.intent must be order", expression=["Task.intent"])
    if resource.get("status") != "requested":
        raise FhirError(
            422, "business-rule", "A referral Task is created with status requested", expression=["Task.status"]
        )


@transaction.atomic
def create_task(ctx: FhirContext, resource: dict) -> dict:
    _expect(resource, "Task")
    _check_task(resource)
    client = ctx.grant.client
    focus = str((resource.get("focus") or {}).get("reference") or "")
    sr_id = reference_id(focus, "ServiceRequest", "Task.focus") if focus else ""
    service_request = _own_service_requests(ctx).filter(ids_filter([sr_id], "pk", "Task.focus")).first()
    if service_request is None:
        raise FhirError(
            422,
            "not-found",
            "Task.focus must reference a ServiceRequest this client created",
            expression=["Task.focus"],
        )
    service = service_for_owner(resource.get("owner"))
    if client.organization_id is None:
        raise FhirError(
            403,
            "forbidden",
            "This client is not registered for an organization, so it cannot refer",
            expression=["Task"],
        )
    notes = [str(n.get("text") or "") for n in resource.get("note") or [] if isinstance(n, dict)]
    notes += [str(n.get("text") or "") for n in service_request.resource.get("note") or [] if isinstance(n, dict)]
    description = "\n".join(filter(None, [str(resource.get("description") or ""), *notes]))
    try:
        referral = referral_actions.create_referral(
            actor=client_user(client),
            resident=service_request.resident,
            service=service,
            sending_organization=client.organization,
            note=description[:4000],
            origin=Origin.FHIR,
        )
    except ValidationError as error:
        raise FhirError(422, "business-rule", "; ".join(error.messages), expression=["Task.owner"]) from error
    stored = {k: v for k, v in resource.items() if k not in ("id", "meta", "text", "status", "output")}
    record = TaskRecord.objects.create(
        client=client, service_request=service_request, referral=referral, resource=stored, status="requested"
    )
    from .subscriptions import task_changed

    task_changed(record)
    return task_resource(record)


def _own_tasks(ctx: FhirContext):
    return TaskRecord.objects.filter(client=ctx.grant.client).select_related(
        "referral__service", "referral__receiving_organization", "referral__sending_organization", "service_request"
    )


def _task(ctx: FhirContext, resource_id: str) -> TaskRecord:
    record = _own_tasks(ctx).filter(ids_filter([resource_id], "pk", "id")).first()
    if record is None:
        raise FhirError(404, "not-found", f"No Task/{resource_id} on this server.")
    return record


def read_task(ctx: FhirContext, resource_id: str) -> dict:
    return task_resource(_task(ctx, resource_id))


_IMMUTABLE = ("focus", "owner", "intent", "code")


@transaction.atomic
def update_task(ctx: FhirContext, resource_id: str, resource: dict) -> dict:
    """The requester's update: only its status, to cancelled or entered-in-error."""
    _expect(resource, "Task")
    record = _task(ctx, resource_id)
    current = task_resource(record)
    for field in _IMMUTABLE:
        if field in resource and resource[field] != current.get(field):
            raise FhirError(
                422, "business-rule", f"Task.{field} cannot be changed by the requester", expression=[f"Task.{field}"]
            )
    new = str(resource.get("status") or "")
    try:
        check_requester_change(current["status"], new)
    except TransitionRefused as refused:
        raise FhirError(422, "business-rule", str(refused), expression=["Task.status"]) from refused
    if new == current["status"]:
        return current
    reason = str((resource.get("statusReason") or {}).get("text") or "Withdrawn by the requester")[:300]
    TaskRecord.objects.filter(pk=record.pk).update(withdrawn=new, withdrawn_reason=reason)
    referral = record.referral
    if referral.is_open:
        withdraw_referral(
            actor=client_user(ctx.grant.client), referral=referral, expected_version=referral.version, reason=reason
        )
    else:
        touch(TaskRecord.objects.get(pk=record.pk))
    return task_resource(_task(ctx, resource_id))


def touch(record: TaskRecord) -> None:
    """A change to the Task: new version and time, status in step, subscribers told."""
    record.refresh_from_db()
    status = current_state(record).status
    TaskRecord.objects.filter(pk=record.pk).update(version=F("version") + 1, updated_at=timezone.now(), status=status)
    record.refresh_from_db()
    from .subscriptions import task_changed

    task_changed(record)


# The Task search parameters that filter (``_include`` shapes the answer instead); the
# Subscription topic filters are these too (subscriptions.py).
TASK_FILTERS = ("_id", "code", "patient", "subject", "requester", "owner", "status", "focus")


def filter_tasks(qs: Any, name: str, raw: str) -> Any:
    """``qs`` narrowed by one Task search parameter (``name`` one of TASK_FILTERS; commas
    in ``raw`` OR). A malformed reference is a 400 naming the parameter."""
    values = or_values(raw)
    if name == "_id":
        return qs.filter(ids_filter(values, "pk", name))
    if name == "code":
        return qs if all(token(v)[1] == "fulfill" for v in values) else qs.none()
    if name in ("patient", "subject"):
        return qs.filter(ids_filter([reference_id(v, "Patient", name) for v in values], "referral__resident_id", name))
    if name == "requester":
        return qs.filter(
            ids_filter(
                [reference_id(v, "Organization", name) for v in values], "referral__sending_organization_id", name
            )
        )
    if name == "owner":
        ids = [v.rstrip("/").split("/")[-1] for v in values]
        return qs.filter(
            ids_filter(ids, "referral__service_id", name) | ids_filter(ids, "referral__receiving_organization_id", name)
        )
    if name == "status":
        return qs.filter(status__in=values)
    if name == "focus":
        return qs.filter(
            ids_filter([reference_id(v, "ServiceRequest", name) for v in values], "service_request_id", name)
        )
    raise ValueError(f"not a Task filter: {name}")


def search_tasks(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    qs = _own_tasks(ctx)
    include_focus = False
    for name, raws in query.params.items():
        for raw in raws:
            if name in TASK_FILTERS:
                qs = filter_tasks(qs, name, raw)
            elif name == "_include":
                if raw != "Task:focus":
                    raise FhirError(400, "not-supported", f"_include={raw} is not supported (Task:focus is)")
                include_focus = True
    qs = apply_last_updated(qs, "updated_at", query.last_updated)
    rows = list(qs.order_by("updated_at", "pk")[query.offset : query.offset + query.count])
    included = []
    if include_focus:
        seen = {}
        for row in rows:
            seen.setdefault(row.service_request_id, row.service_request)
        included = [service_request_resource(sr) for sr in seen.values()]
    return SearchPage(resources=[task_resource(r) for r in rows], total=qs.count(), included=included)


# --- Procedure -------------------------------------------------------------------------


def read_procedure(ctx: FhirContext, resource_id: str) -> dict:
    record = _own_tasks(ctx).filter(ids_filter([resource_id], "pk", "id"), status="completed").first()
    if record is None:
        raise FhirError(404, "not-found", f"No Procedure/{resource_id} on this server.")
    return procedure_resource(record)


def search_procedures(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    qs = _own_tasks(ctx).filter(status="completed")
    for name, raws in query.params.items():
        for raw in raws:
            values = or_values(raw)
            if name == "_id":
                qs = qs.filter(ids_filter(values, "pk", name))
            elif name in ("patient", "subject"):
                qs = qs.filter(
                    ids_filter([reference_id(v, "Patient", name) for v in values], "referral__resident_id", name)
                )
            elif name == "based-on":
                qs = qs.filter(
                    ids_filter([reference_id(v, "ServiceRequest", name) for v in values], "service_request_id", name)
                )
    qs = apply_last_updated(qs, "updated_at", query.last_updated)
    rows = list(qs.order_by("updated_at", "pk")[query.offset : query.offset + query.count])
    return SearchPage(resources=[procedure_resource(r) for r in rows], total=qs.count())


def handlers() -> list[ResourceHandler]:
    patient = SearchParam("patient", "reference", "Patient/<id>")
    return [
        ResourceHandler(
            type="ServiceRequest",
            profiles=[SR_PROFILE],
            read=read_service_request,
            search=search_service_requests,
            create=create_service_request,
            search_params=[
                SearchParam("_id", "token"),
                patient,
                SearchParam("subject", "reference"),
                SearchParam("category", "token"),
                SearchParam("code", "token"),
                SearchParam("status", "token"),
            ],
            documentation="A referral's request; subject matched to a resident (unknown patient: 422).",
        ),
        ResourceHandler(
            type="Task",
            profiles=[TASK_PROFILE],
            read=read_task,
            search=search_tasks,
            create=create_task,
            update=update_task,
            search_params=[
                SearchParam("_id", "token"),
                SearchParam("code", "token"),
                patient,
                SearchParam("subject", "reference"),
                SearchParam("requester", "reference"),
                SearchParam("owner", "reference"),
                SearchParam("status", "token"),
                SearchParam("focus", "reference"),
                SearchParam("_include", "special", "Task:focus"),
            ],
            documentation="Referral Task (code fulfill): creating it makes the referral; the requester only cancels.",
        ),
        ResourceHandler(
            type="Procedure",
            profiles=[PROCEDURE_PROFILE],
            read=read_procedure,
            search=search_procedures,
            search_params=[
                SearchParam("_id", "token"),
                patient,
                SearchParam("subject", "reference"),
                SearchParam("based-on", "reference"),
            ],
            documentation="What was provided: one per Task closed as provided (Task.output resulting-activity).",
        ),
    ]

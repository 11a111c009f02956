"""The steps of a launch, between the HTTP views and the SMART client.

State lives in the (server-side) session: ``PENDING_KEY`` holds each launch sent to
an exchange's authorization, keyed by its ``state`` (a value only this browser's
session knows, so an answer with another ``state`` is refused); ``CONTEXT_KEY``
holds the authorized launch (exchange, patient, clinician) until the landing.
Each step writes its audit entry; a refusal writes ``launch.refused`` and changes
nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent

from . import smart
from .landing import Landing, PatientContext, choose_landing, patient_context
from .models import Launch
from .smart import LaunchRefused

PENDING_KEY = "wf_launch_pending"
CONTEXT_KEY = "wf_launch"
# Signing in (and typing a code) after the exchange's authorization may take a while.
CONTEXT_MAX_AGE_SECONDS = 15 * 60
_MAX_PENDING = 5
MAX_LAUNCH_LENGTH = 512
MAX_ISS_LENGTH = 500


def refuse(request: HttpRequest, reason: str, *, launch: Launch | None = None, detail: str = "") -> None:
    """Audit the refusal (and close the launch row); the view shows the page."""
    if launch is not None and launch.status != Launch.Status.REFUSED:
        Launch.objects.filter(pk=launch.pk).update(
            status=Launch.Status.REFUSED, refused_reason=reason[:32], finished_at=timezone.now()
        )
    user = request.user if request.user.is_authenticated else None
    log_action(
        user,
        names.LAUNCH_REFUSED,
        launch,
        outcome=AuditEvent.Outcome.DENIED,
        actor_label="" if user else "anonymous",
        data={"reason": reason, "detail": detail[:120], "exchange": launch.exchange if launch else ""},
    )


def callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("launch:callback"))


def start(request: HttpRequest, iss: str, launch_value: str) -> str:
    """Check the launch link, claim it (it works once), discover the exchange and
    return the authorization URL to send the browser to."""
    if not iss or not launch_value or len(iss) > MAX_ISS_LENGTH or len(launch_value) > MAX_LAUNCH_LENGTH:
        raise LaunchRefused("bad_request")
    exchange = smart.exchange_for(iss)
    if exchange is None:
        raise LaunchRefused("unlisted_exchange")
    try:
        with transaction.atomic():
            row = Launch.objects.create(
                exchange=exchange.name,
                issuer=exchange.iss,
                launch_hash=hashlib.sha256(launch_value.encode()).hexdigest(),
            )
    except IntegrityError:
        raise LaunchRefused("reused") from None
    try:
        config = smart.discover(exchange)
    except LaunchRefused as refusal:
        refusal.launch = row  # type: ignore[attr-defined]
        raise
    verifier, challenge = smart.pkce_pair()
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    pending = dict(request.session.get(PENDING_KEY, {}))
    for old in sorted(pending, key=lambda key: pending[key]["at"])[: max(0, len(pending) - _MAX_PENDING + 1)]:
        pending.pop(old)
    pending[state] = {
        "launch": str(row.pk),
        "iss": exchange.iss,
        "verifier": verifier,
        "nonce": nonce,
        "at": time.time(),
    }
    pending[state].update(token_endpoint=config["token_endpoint"], jwks_uri=config["jwks_uri"], issuer=config["issuer"])
    request.session[PENDING_KEY] = pending
    log_action(None, names.LAUNCH_STARTED, row, actor_label="exchange", data={"exchange": exchange.name})
    return smart.authorize_url(
        config,
        exchange,
        redirect_uri=callback_url(request),
        launch=launch_value,
        state=state,
        challenge=challenge,
        nonce=nonce,
    )


def take_pending(request: HttpRequest, state: str) -> tuple[dict[str, Any], Launch]:
    """The pending launch this ``state`` names, removed from the session (one use)."""
    pending = dict(request.session.get(PENDING_KEY, {}))
    item = pending.pop(state, None) if state else None
    row = Launch.objects.filter(pk=item["launch"], status=Launch.Status.STARTED).first() if item else None
    if item is None or row is None:
        # An answer this browser did not ask for, or one changed on the way: the
        # launches it has pending are no longer trusted either (each starts again
        # from the portal), so none is left half-open.
        Launch.objects.filter(
            pk__in=[entry["launch"] for entry in pending.values()], status=Launch.Status.STARTED
        ).update(status=Launch.Status.REFUSED, refused_reason="state", finished_at=timezone.now())
        request.session[PENDING_KEY] = {}
        raise LaunchRefused("state")
    request.session[PENDING_KEY] = pending
    if time.time() - item["at"] > settings.SMART_LAUNCH_MAX_AGE_SECONDS:
        raise _with_launch(LaunchRefused("expired"), row)
    return item, row


def _with_launch(refusal: LaunchRefused, row: Launch) -> LaunchRefused:
    refusal.launch = row  # type: ignore[attr-defined]
    return refusal


def authorize(request: HttpRequest, params: dict[str, str]) -> tuple[dict[str, Any], Launch]:
    """The exchange's answer: code → token (patient) → ID token (clinician) → the
    Patient. Returns the launch context kept until the landing."""
    item, row = take_pending(request, params.get("state", ""))
    exchange = smart.exchange_for(item["iss"])
    try:
        if exchange is None:
            raise LaunchRefused("unlisted_exchange")
        if params.get("error"):
            raise LaunchRefused("exchange_refused", params.get("error_description", "")[:200])
        if not params.get("code"):
            raise LaunchRefused("exchange_error", "no code")
        token = smart.exchange_code(item, exchange, code=params["code"], redirect_uri=callback_url(request))
        claims = smart.verify_id_token(token.get("id_token"), item, exchange)
        patient = patient_context(smart.read_patient(exchange, token["access_token"], token["patient"]), exchange)
    except LaunchRefused as refusal:
        raise _with_launch(refusal, row) from None
    Launch.objects.filter(pk=row.pk).update(status=Launch.Status.AUTHORIZED, patient_ref=patient.patient_id[:200])
    clinician = {key: str(claims.get(key, ""))[:254] for key in ("sub", "email", "name", "fhirUser")}
    context = {"launch": str(row.pk), "exchange": exchange.name, "patient": patient.as_dict()}
    context.update(clinician=clinician, at=time.time())
    return context, row


def keep_context(request: HttpRequest, context: dict[str, Any]) -> None:
    request.session[CONTEXT_KEY] = context


def current_context(request: HttpRequest) -> dict[str, Any] | None:
    context = request.session.get(CONTEXT_KEY)
    if not context or time.time() - context.get("at", 0) > CONTEXT_MAX_AGE_SECONDS:
        return None
    return context


def launch_row(context: dict[str, Any]) -> Launch | None:
    return Launch.objects.filter(pk=context["launch"]).first()


def deny_not_onboarded(request: HttpRequest, row: Launch, clinician: dict[str, str]) -> None:
    """The clinician has no role at an onboarded organization: Access Denied."""
    Launch.objects.filter(pk=row.pk).update(
        status=Launch.Status.REFUSED, refused_reason="not_onboarded", finished_at=timezone.now()
    )
    log_action(
        None,
        names.LAUNCH_ACCESS_DENIED,
        row,
        outcome=AuditEvent.Outcome.DENIED,
        actor_label="exchange",
        data={"exchange": row.exchange, "reason": "not_onboarded", "fhir_user": clinician.get("fhirUser", "")},
    )


def land(request: HttpRequest, context: dict[str, Any]) -> Landing:
    """After the system-use notice: choose the screen, close the launch and write
    the arrival to the audit and access logs."""
    user = request.user
    landing = choose_landing(user, PatientContext(**context["patient"]))
    row = launch_row(context)
    Launch.objects.filter(pk=context["launch"]).update(
        status=Launch.Status.COMPLETED,
        landing=landing.case,
        user=user,
        resident=landing.resident,
        finished_at=timezone.now(),
    )
    log_action(user, names.LAUNCH_NOTICE_ACKNOWLEDGED, row, data={"exchange": context["exchange"]})
    log_action(
        user,
        names.LAUNCH_ARRIVED,
        row,
        resident=landing.resident,
        legal_basis=landing.access.legal_basis if landing.access is not None else "",
        purpose="hie_launch",
        data={
            "exchange": context["exchange"],
            "landing": landing.case,
            "matches": landing.matches,
            "fhir_user": context["clinician"].get("fhirUser", ""),
            "patient": context["patient"]["patient_id"],
        },
    )
    context["landing"] = landing.case
    keep_context(request, context)
    return landing

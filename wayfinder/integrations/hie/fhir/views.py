"""The generic FHIR REST views under /fhir/ (docs/exchange.md, "What the server supports").

Views are thin: authenticate, check the scope for the interaction, parse, hand the
work to the registered handler (registry.py), shape the answer (Bundle, ETag,
Prefer). Every refusal is an OperationOutcome. CSRF-exempt and cookie-blind: a
bearer token is the only credential.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import bundles, capability, searching
from .auth import authenticate, require
from .context import FhirContext
from .outcome import FhirError, fhir_response, issue, operation_outcome, outcome_response
from .registry import handler_for
from .tokens import TokenError, issue_token, token_urls_for

JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def fhir_endpoint(methods: tuple[str, ...]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """CSRF-exempt, the allowed methods, JSON only, and any FhirError as an OperationOutcome."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    error = FhirError(405, "not-supported", f"{request.method} is not supported here.")
                    response = outcome_response(error)
                    response["Allow"] = ", ".join(methods)
                    return response
                _check_format(request)
                return view(request, *args, **kwargs)
            except FhirError as error:
                return outcome_response(error)

        return wrapper

    return decorate


def _check_format(request: HttpRequest) -> None:
    wanted = request.GET.get("_format", "").strip().lower()
    if wanted and wanted.split(";")[0].strip() not in JSON_FORMATS:
        raise FhirError(406, "not-supported", f"_format={wanted} is not supported: this server answers JSON only.")
    accept = request.headers.get("Accept", "").lower()
    if accept and "xml" in accept and not any(kind in accept for kind in ("json", "*/*")):
        raise FhirError(406, "not-supported", "XML is not supported: ask for application/fhir+json.")


def _context(request: HttpRequest) -> FhirContext:
    return FhirContext(grant=authenticate(request), base_url=base_url(request), request=request, warnings=[])


def read_body(request: HttpRequest) -> dict[str, Any]:
    """The JSON body, refused when too large (413) or malformed (400)."""
    limit = getattr(settings, "FHIR_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise FhirError(413, "too-costly", f"The request body is larger than {limit} bytes.")
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise FhirError(413, "too-costly", f"The request body is larger than {limit} bytes.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FhirError(400, "structure", f"The body is not valid JSON: {error}.") from None
    if not isinstance(body, dict) or not isinstance(body.get("resourceType"), str):
        raise FhirError(400, "structure", "The body must be a FHIR resource (a JSON object with resourceType).")
    return body


def etag(resource: dict[str, Any]) -> str:
    version = (resource.get("meta") or {}).get("versionId")
    return f'W/"{version}"' if version else ""


def resource_response(ctx: FhirContext, resource: dict[str, Any], status: int = 200) -> HttpResponse:
    """A single resource, shaped by ``Prefer: return=``."""
    headers = {}
    if tag := etag(resource):
        headers["ETag"] = tag
    if last := (resource.get("meta") or {}).get("lastUpdated"):
        headers["Last-Modified"] = last
    if status == 201 and resource.get("id"):
        headers["Location"] = ctx.url(
            f"{resource['resourceType']}/{resource['id']}/_history/{(resource.get('meta') or {}).get('versionId', '1')}"
        )
    prefer = ctx.request.headers.get("Prefer", "")
    if "return=minimal" in prefer:
        return fhir_response(None, status=status, headers=headers)
    if "return=OperationOutcome" in prefer:
        issues = ctx.warnings or [issue("information", "informational", f"{resource['resourceType']} stored.")]
        return fhir_response(operation_outcome(issues), status=status, headers=headers)
    return fhir_response(resource, status=status, headers=headers)


@fhir_endpoint(("GET",))
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability.capability_statement(base_url(request)))


@fhir_endpoint(("GET",))
def smart_configuration(request: HttpRequest) -> HttpResponse:
    response = fhir_response(capability.smart_configuration(base_url(request)))
    response["Content-Type"] = "application/json"
    return response


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """POST /fhir/auth/token (form-encoded, OAuth 2.0 errors)."""
    try:
        answer = issue_token(request.POST.dict(), token_urls_for(request.build_absolute_uri))
        status, body = 200, answer
    except TokenError as error:
        status, body = error.status, error.body()
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@fhir_endpoint(("POST",))
def root(request: HttpRequest) -> HttpResponse:
    """POST /fhir/: a transaction or batch Bundle (bundles.process_bundle)."""
    ctx = _context(request)
    bundle = read_body(request)
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") not in ("transaction", "batch"):
        raise FhirError(
            400, "invalid", "POST /fhir/ takes a Bundle of type transaction or batch.", expression=["Bundle.type"]
        )
    return fhir_response(bundles.process_bundle(ctx, bundle))


@fhir_endpoint(("GET", "POST"))
def type_level(request: HttpRequest, resource_type: str) -> HttpResponse:
    """GET: search; POST: create."""
    ctx = _context(request)
    handler = handler_for(resource_type)
    if request.method == "GET":
        require(ctx.grant, resource_type, "read")
        if handler.search is None:
            raise FhirError(405, "not-supported", f"Search is not supported on {resource_type}.")
        query = searching.parse_query(request, handler, ctx)
        page = handler.search(ctx, query)
        return fhir_response(searching.searchset(ctx, resource_type, query, page))
    require(ctx.grant, resource_type, "write")
    if handler.create is None:
        raise FhirError(405, "not-supported", f"Create is not supported on {resource_type}.")
    resource = read_body(request)
    if resource["resourceType"] != resource_type:
        raise FhirError(
            400,
            "invalid",
            f"The body is a {resource['resourceType']}, not a {resource_type}.",
            expression=["resourceType"],
        )
    return resource_response(ctx, handler.create(ctx, resource), status=201)


@fhir_endpoint(("GET", "PUT", "DELETE"))
def instance(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    """GET: read; PUT: update (If-Match against the current versionId); DELETE: delete."""
    ctx = _context(request)
    handler = handler_for(resource_type)
    if request.method == "DELETE":
        require(ctx.grant, resource_type, "delete")
        if handler.delete is None:
            raise FhirError(405, "not-supported", f"Delete is not supported on {resource_type}.")
        handler.delete(ctx, resource_id)
        if "return=OperationOutcome" in request.headers.get("Prefer", ""):
            done = issue("information", "informational", f"{resource_type}/{resource_id} deleted.")
            return fhir_response(operation_outcome([done]))
        return fhir_response(None, status=204)
    if request.method == "GET":
        require(ctx.grant, resource_type, "read")
        if handler.read is None:
            raise FhirError(405, "not-supported", f"Read is not supported on {resource_type}.")
        resource = handler.read(ctx, resource_id)
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match and if_none_match == etag(resource):
            return fhir_response(None, status=304, headers={"ETag": etag(resource)})
        return resource_response(ctx, resource)
    require(ctx.grant, resource_type, "write")
    if handler.update is None:
        raise FhirError(405, "not-supported", f"Update is not supported on {resource_type}.")
    resource = read_body(request)
    if resource["resourceType"] != resource_type or resource.get("id") != resource_id:
        raise FhirError(
            400,
            "invalid",
            f"The body must be the {resource_type} with id {resource_id}.",
            expression=[f"{resource_type}.id"],
        )
    if_match = request.headers.get("If-Match")
    if if_match:
        if handler.read is None:
            raise FhirError(412, "conflict", "If-Match cannot be checked on this type.")
        current = handler.read(ctx, resource_id)
        if if_match.strip() != etag(current):
            raise FhirError(412, "conflict", f"If-Match {if_match} does not match the current version {etag(current)}.")
    return resource_response(ctx, handler.update(ctx, resource_id, resource))

"""Who is calling the FHIR server: bearer tokens issued by /fhir/auth/token
(docs/exchange.md, "Authentication").

Every /fhir/ interaction except the public metadata calls ``authenticate`` (a 401
OperationOutcome for a missing, unknown or expired token, or a deactivated client)
and then ``require`` for the resource type and access it needs (a 403). There are
no sessions and no cookies here: a browser's session with Wayfinder gives no access.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..models import ExchangeClient, IssuedToken
from . import scopes as scope_rules
from .outcome import FhirError, outcome_response


@dataclass(frozen=True)
class ClientGrant:
    """An authenticated client and the scopes its token carries."""

    client: ExchangeClient
    scopes: frozenset[str]

    def allows(self, resource_type: str, access: str) -> bool:
        """``access`` is "read", "write" or "delete"; v1 (.read/.write/.*) and v2 (.rs/.cud) scopes count."""
        return scope_rules.allows(self.scopes, resource_type, access)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(request: HttpRequest) -> ClientGrant:
    """The grant behind the request's ``Authorization: Bearer`` token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise FhirError(
            401, "login", "An access token is required: Authorization: Bearer <token> (POST /fhir/auth/token)."
        )
    issued = IssuedToken.objects.select_related("client").filter(token_hash=token_hash(token.strip())).first()
    if issued is None:
        raise FhirError(401, "login", "The access token is not one this server issued.")
    if issued.expires_at <= timezone.now():
        raise FhirError(401, "login", "The access token has expired: ask /fhir/auth/token for a new one.")
    if not issued.client.active:
        raise FhirError(401, "login", "The client this token was issued to is no longer active.")
    # A scope removed from the client since the token was issued stops working at once.
    granted = frozenset(scope_rules.intersect(issued.scopes, issued.client.allowed_scope_set))
    return ClientGrant(client=issued.client, scopes=granted)


def require(grant: ClientGrant, resource_type: str, access: str) -> None:
    """Refuse (403) unless the grant's scopes allow ``access`` on ``resource_type``."""
    if not grant.allows(resource_type, access):
        v1 = "read" if access == "read" else "write"
        v2 = {"read": "rs", "write": "cu", "delete": "d"}.get(access, "cu")
        raise FhirError(
            403,
            "forbidden",
            f"The token's scopes do not allow {access} access to {resource_type} "
            f"(needs system/{resource_type}.{v1} or a v2 scope with {' or '.join(v2)}).",
        )


def fhir_client_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For endpoints outside /fhir/ that exchange clients call (e.g. a C-CDA document):
    bearer authentication, ``request.fhir_grant`` set, an OperationOutcome on failure.
    CSRF-exempt: there is no cookie to ride on."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            request.fhir_grant = authenticate(request)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)
        except FhirError as error:
            return outcome_response(error)

    return wrapper

"""The token endpoint of SMART Backend Services (docs/exchange.md, "Authentication").

A client POSTs ``grant_type=client_credentials`` with a ``client_assertion``: a JWT
it signed (RS384 or ES384) with a private key whose public half is registered on
its ``ExchangeClient`` (inline, or published at its ``jwks_url``: jwks.py). The
assertion must name the client as ``iss`` and ``sub``, this token URL as ``aud``,
expire within five minutes, and carry a ``jti`` never used before. The answer is an
opaque random token (only its hash is stored), good for five minutes, carrying the
requested scopes the client is allowed.

Errors follow OAuth 2.0 (RFC 6749 section 5.2), as SMART requires of a token
endpoint: ``{"error": "invalid_client", "error_description": ...}`` with 401 for a
client that did not prove who it is, 400 for a bad request or scope.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent

from ..models import ExchangeClient, IssuedToken, UsedAssertion
from . import jwks
from . import scopes as scope_rules
from .auth import token_hash

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS384", "ES384"]
TOKEN_LIFETIME_SECONDS = 300
MAX_ASSERTION_LIFETIME_SECONDS = 300
CLOCK_LEEWAY_SECONDS = 30


@dataclass
class TokenError(Exception):
    """An OAuth error answer (RFC 6749 section 5.2)."""

    status: int
    error: str
    description: str

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def issue_token(form: dict[str, str], token_urls: list[str]) -> dict[str, Any]:
    """Check the client assertion in ``form`` and issue an access token.
    ``token_urls`` are the addresses this endpoint answers on (the assertion's
    ``aud`` must be one of them). Refusals are audited and raise ``TokenError``."""
    client: ExchangeClient | None = None
    try:
        client = _unverified_client(form)
        claims = _verified_claims(form["client_assertion"], client, token_urls)
        granted = scope_rules.intersect(form.get("scope", ""), client.allowed_scope_set)
        if not granted:
            raise TokenError(400, "invalid_scope", "None of the requested scopes is allowed for this client.")
        token = secrets.token_urlsafe(32)
        expires = timezone.now() + datetime.timedelta(seconds=TOKEN_LIFETIME_SECONDS)
        with transaction.atomic():
            _spend_jti(client, claims)
            IssuedToken.objects.create(
                token_hash=token_hash(token), client=client, scopes=" ".join(granted), expires_at=expires
            )
            log_action(
                None,
                names.HIE_CLIENT_AUTHENTICATED,
                client,
                actor_label=f"exchange client {client.client_id}",
                data={"scopes": granted, "expires_at": expires.isoformat()},
            )
    except TokenError as error:
        log_action(
            None,
            names.HIE_CLIENT_REFUSED,
            client,
            outcome=AuditEvent.Outcome.DENIED,
            actor_label=f"exchange client {client.client_id}" if client else "unknown exchange client",
            data={"error": error.error, "reason": error.description},
        )
        raise
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME_SECONDS,
        "scope": " ".join(granted),
    }


def _unverified_client(form: dict[str, str]) -> ExchangeClient:
    if form.get("grant_type") != "client_credentials":
        raise TokenError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise TokenError(400, "invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}.")
    assertion = form.get("client_assertion", "")
    if not assertion:
        raise TokenError(400, "invalid_request", "client_assertion is missing.")
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise TokenError(401, "invalid_client", f"client_assertion is not a JWT: {error}") from None
    client_id = unverified.get("iss")
    if not isinstance(client_id, str) or not client_id:
        raise TokenError(401, "invalid_client", "client_assertion has no iss (the client id).")
    client = ExchangeClient.objects.filter(client_id=client_id).first()
    if client is None:
        raise TokenError(401, "invalid_client", f"No client {client_id!r} is registered.")
    if not client.active:
        raise TokenError(401, "invalid_client", f"Client {client_id!r} is not active.")
    return client


def _verified_claims(assertion: str, client: ExchangeClient, token_urls: list[str]) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.InvalidTokenError as error:
        raise TokenError(401, "invalid_client", f"client_assertion header is unreadable: {error}") from None
    if header.get("alg") not in ALGORITHMS:
        raise TokenError(401, "invalid_client", f"client_assertion must be signed with {' or '.join(ALGORITHMS)}.")
    keys = _keys(client, header.get("kid"), header["alg"])
    if not keys:
        raise TokenError(401, "invalid_client", "No registered key of this client matches the assertion's kid/alg.")
    last_error: Exception | None = None
    for key in keys:
        try:
            claims = jwt.decode(
                assertion,
                key=key.key,
                algorithms=[header["alg"]],
                audience=token_urls,
                issuer=client.client_id,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "jti"]},
            )
            break
        except jwt.InvalidSignatureError as error:
            last_error = error
            continue
        except jwt.ExpiredSignatureError:
            raise TokenError(401, "invalid_client", "client_assertion has expired.") from None
        except jwt.InvalidAudienceError:
            raise TokenError(
                401, "invalid_client", f"client_assertion aud must be this token endpoint ({token_urls[0]})."
            ) from None
        except jwt.InvalidTokenError as error:
            raise TokenError(401, "invalid_client", f"client_assertion refused: {error}") from None
    else:
        raise TokenError(401, "invalid_client", f"client_assertion signature does not verify: {last_error}")
    if claims["sub"] != client.client_id:
        raise TokenError(401, "invalid_client", "client_assertion sub must equal iss (the client id).")
    now = timezone.now().timestamp()
    if claims["exp"] - now > MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_LEEWAY_SECONDS:
        raise TokenError(401, "invalid_client", "client_assertion exp must be no more than five minutes ahead.")
    if not isinstance(claims["jti"], str) or not claims["jti"]:
        raise TokenError(401, "invalid_client", "client_assertion needs a jti.")
    if UsedAssertion.objects.filter(client=client, jti=claims["jti"]).exists():
        raise TokenError(401, "invalid_client", "client_assertion jti was already used (replay refused).")
    return claims


def _keys(client: ExchangeClient, kid: str | None, alg: str) -> list[jwt.PyJWK]:
    """The client's registered keys that could have signed: by kid when the header has
    one. Inline keys first; a client with a ``jwks_url`` also has the keys published
    there (fetched, cached and re-fetched on an unknown kid by jwks.keys_from_url)."""
    found = _matching(client.jwks or {"keys": []}, kid, alg)
    if found or not client.jwks_url:
        return found
    try:
        fetched = jwks.keys_from_url(client.jwks_url, kid, client.client_id)
    except jwks.JwksError as error:
        raise TokenError(
            401, "invalid_client", f"The client's JWK Set at {client.jwks_url} cannot be used: {error}."
        ) from None
    found = _matching(fetched.jwks, kid, alg)
    if not found and fetched.refetch_refused:
        raise TokenError(
            401,
            "invalid_client",
            f"No key of the JWK Set at {client.jwks_url} matches the assertion's kid/alg, and the set was "
            "fetched less than a minute ago: publish the key and try again in a minute.",
        )
    return found


def _matching(key_set_dict: dict[str, Any], kid: str | None, alg: str) -> list[jwt.PyJWK]:
    try:
        key_set = jwt.PyJWKSet.from_dict(key_set_dict)
    except jwt.PyJWKSetError:
        return []
    wanted_kty = "RSA" if alg.startswith("RS") else "EC"
    found = []
    for key in key_set.keys:
        if kid is not None and key.key_id != kid:
            continue
        if key.key_type != wanted_kty:
            continue
        found.append(key)
    return found


def _spend_jti(client: ExchangeClient, claims: dict[str, Any]) -> None:
    """Record the jti (a second concurrent use fails on the unique constraint) and drop
    the ones whose assertions can no longer be presented."""
    now = timezone.now()
    UsedAssertion.objects.filter(expires_at__lt=now - datetime.timedelta(seconds=CLOCK_LEEWAY_SECONDS)).delete()
    IssuedToken.objects.filter(expires_at__lt=now - datetime.timedelta(days=1)).delete()
    expires = datetime.datetime.fromtimestamp(claims["exp"], tz=datetime.UTC)
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(client=client, jti=claims["jti"], expires_at=expires)
    except IntegrityError:
        raise TokenError(401, "invalid_client", "client_assertion jti was already used (replay refused).") from None


def token_urls_for(build_absolute_uri: Any) -> list[str]:
    """The token endpoint's addresses: as this request reached it, and under SITE_URL."""
    urls = [build_absolute_uri("/fhir/auth/token"), f"{settings.SITE_URL}/fhir/auth/token"]
    return list(dict.fromkeys(urls))

"""The SMART App Launch client (EHR launch, SMART 2.2; ../docs standards section 6).

Only allow-listed exchanges (``SMART_LAUNCH_EXCHANGES``) are ever contacted: an
``iss`` that is not on the list is refused before any request leaves Wayfinder,
so a launch link cannot make the server fetch an address of the sender's choosing.
Every answer from an exchange is bounded in size and time and checked before use:
discovery must offer ``launch-ehr`` and PKCE S256; the ID token must be signed by
the exchange's key, issued by it, for our client id, with our nonce; the token
response must carry a patient; the Patient read must be that patient.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 1_000_000
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "ES256", "ES384"]


class LaunchRefused(Exception):
    """The launch cannot go on; ``reason`` names the page shown (views.REFUSALS)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Exchange:
    name: str
    iss: str
    client_id: str
    client_secret: str
    individual_id_system: str
    medicaid_id_system: str


def exchange_for(iss: str) -> Exchange | None:
    """The allow-listed exchange whose FHIR base URL is exactly ``iss`` (a trailing
    slash aside), else None."""
    wanted = (iss or "").strip().rstrip("/")
    for entry in settings.SMART_LAUNCH_EXCHANGES:
        if entry["iss"] == wanted:
            return Exchange(
                name=entry["name"],
                iss=entry["iss"],
                client_id=entry["client_id"],
                client_secret=entry.get("client_secret", ""),
                individual_id_system=entry.get("individual_id_system") or settings.SMART_INDIVIDUAL_ID_SYSTEM,
                medicaid_id_system=entry.get("medicaid_id_system") or settings.SMART_MEDICAID_ID_SYSTEM,
            )
    return None


def _json(response: requests.Response, what: str) -> Any:
    """The body as JSON, read to at most MAX_RESPONSE_BYTES."""
    body = b""
    for chunk in response.iter_content(64 * 1024):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            response.close()
            raise LaunchRefused("exchange_error", f"{what} is too large")
    try:
        import json

        return json.loads(body)
    except ValueError:
        raise LaunchRefused("exchange_error", f"{what} is not JSON") from None


def _get(url: str, what: str, headers: dict[str, str] | None = None) -> Any:
    try:
        response = requests.get(url, headers=headers or {}, timeout=TIMEOUT_SECONDS, stream=True)
    except requests.RequestException:
        raise LaunchRefused("exchange_unreachable", what) from None
    if response.status_code != 200:
        response.close()
        raise LaunchRefused("exchange_error", f"{what} answered {response.status_code}")
    return _json(response, what)


def _same_origin_url(value: Any, exchange: Exchange) -> str:
    """An endpoint from discovery: an http(s) URL (https outside development)."""
    allowed = ("https://", "http://") if (settings.DEBUG or settings.TESTING or settings.DEMO_MODE) else ("https://",)
    if not isinstance(value, str) or not value.startswith(allowed):
        raise LaunchRefused("exchange_error", "discovery lacks an endpoint")
    return value


def discover(exchange: Exchange) -> dict[str, str]:
    """``{iss}/.well-known/smart-configuration``, checked for what an EHR launch needs."""
    config = _get(f"{exchange.iss}/.well-known/smart-configuration", "smart-configuration")
    if not isinstance(config, dict):
        raise LaunchRefused("exchange_error", "smart-configuration is not an object")
    capabilities = config.get("capabilities") or []
    if not isinstance(capabilities, list) or "launch-ehr" not in capabilities:
        raise LaunchRefused("exchange_error", "the exchange does not offer launch-ehr")
    if "S256" not in (config.get("code_challenge_methods_supported") or []):
        raise LaunchRefused("exchange_error", "the exchange does not offer PKCE S256")
    return {
        "authorization_endpoint": _same_origin_url(config.get("authorization_endpoint"), exchange),
        "token_endpoint": _same_origin_url(config.get("token_endpoint"), exchange),
        "jwks_uri": _same_origin_url(config.get("jwks_uri"), exchange),
        "issuer": str(config.get("issuer") or exchange.iss).rstrip("/"),
    }


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge) for PKCE S256 (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(
    config: dict[str, str],
    exchange: Exchange,
    *,
    redirect_uri: str,
    launch: str,
    state: str,
    challenge: str,
    nonce: str,
) -> str:
    query = {
        "response_type": "code",
        "client_id": exchange.client_id,
        "redirect_uri": redirect_uri,
        "launch": launch,
        "scope": settings.SMART_LAUNCH_SCOPE,
        "state": state,
        "aud": exchange.iss,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "nonce": nonce,
    }
    endpoint = config["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def exchange_code(pending: dict[str, Any], exchange: Exchange, *, code: str, redirect_uri: str) -> dict[str, Any]:
    """The token response for ``code`` (with the PKCE verifier), checked for a Bearer token."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": pending["verifier"],
    }
    auth = None
    if exchange.client_secret:
        auth = (exchange.client_id, exchange.client_secret)
    else:
        data["client_id"] = exchange.client_id
    try:
        response = requests.post(
            pending["token_endpoint"],
            data=data,
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
            stream=True,
        )
    except requests.RequestException:
        raise LaunchRefused("exchange_unreachable", "token endpoint") from None
    if response.status_code != 200:
        response.close()
        raise LaunchRefused("exchange_error", f"token endpoint answered {response.status_code}")
    token = _json(response, "token response")
    if not isinstance(token, dict) or str(token.get("token_type", "")).lower() != "bearer":
        raise LaunchRefused("exchange_error", "no Bearer token")
    if not isinstance(token.get("access_token"), str) or not token["access_token"]:
        raise LaunchRefused("exchange_error", "no access token")
    patient = token.get("patient")
    if not isinstance(patient, str) or not patient.strip() or len(patient) > 200:
        raise LaunchRefused("no_patient")
    return token


def verify_id_token(id_token: Any, pending: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    """The ID token's claims: signed by a key of the exchange's JWKS, issued by the
    exchange, for our client id (else "another audience"), with our nonce, unexpired."""
    if not isinstance(id_token, str) or not id_token:
        raise LaunchRefused("no_identity")
    keys = _get(pending["jwks_uri"], "jwks")
    try:
        key_set = jwt.PyJWKSet.from_dict(keys)
        header = jwt.get_unverified_header(id_token)
        candidates = [k for k in key_set.keys if not header.get("kid") or k.key_id == header.get("kid")]
        if not candidates:
            raise LaunchRefused("bad_identity", "no key for the ID token")
        claims = jwt.decode(
            id_token,
            key=candidates[0],
            algorithms=ID_TOKEN_ALGORITHMS,
            audience=exchange.client_id,
            issuer=pending["issuer"],
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            leeway=30,
        )
    except jwt.InvalidAudienceError:
        raise LaunchRefused("audience") from None
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise LaunchRefused("bad_identity", type(error).__name__) from None
    if claims.get("nonce") != pending["nonce"]:
        raise LaunchRefused("bad_identity", "nonce")
    return claims


def read_patient(exchange: Exchange, access_token: str, patient_id: str) -> dict[str, Any]:
    """``GET {iss}/Patient/{id}``, checked to be that FHIR R4 Patient."""
    from fhir.resources.R4B.patient import Patient
    from pydantic import ValidationError

    if "/" in patient_id or "?" in patient_id or "#" in patient_id:
        raise LaunchRefused("no_patient")
    resource = _get(
        f"{exchange.iss}/Patient/{patient_id}",
        "Patient",
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/fhir+json"},
    )
    if not isinstance(resource, dict) or resource.get("resourceType") != "Patient" or resource.get("id") != patient_id:
        raise LaunchRefused("exchange_error", "not the launched Patient")
    try:
        Patient.model_validate(resource)
    except ValidationError:
        raise LaunchRefused("exchange_error", "the Patient is not valid FHIR") from None
    return resource

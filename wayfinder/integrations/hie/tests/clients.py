"""Test helpers for the FHIR server: a registered exchange client with a real key
pair, and an access token obtained through the real token endpoint.

    client, key = make_client(scopes="system/Observation.rs")
    token = token_for(client, key, "system/Observation.rs")
    Client().get("/fhir/Observation", HTTP_AUTHORIZATION=f"Bearer {token}")
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client

from wayfinder.integrations.hie.models import ExchangeClient

TOKEN_URL = "http://testserver/fhir/auth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def new_key(kind: str = "RSA") -> PrivateKey:
    if kind == "EC":
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: PrivateKey, kid: str) -> dict[str, Any]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
        jwk["alg"] = "ES384"
    else:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        jwk["alg"] = "RS384"
    jwk.update(kid=kid, use="sig")
    return jwk


def make_client(
    scopes: str = "system/*.read",
    organization: Any = None,
    *,
    kind: str = "RSA",
    client_id: str | None = None,
    participant_name: str = "Kentucky Health Information Exchange",
) -> tuple[ExchangeClient, PrivateKey]:
    """A registered, active client whose JWKS holds the public half of the returned key."""
    key = new_key(kind)
    client_id = client_id or f"test-client-{uuid.uuid4().hex[:8]}"
    client = ExchangeClient.objects.create(
        name=f"Test client {client_id}",
        client_id=client_id,
        jwks={"keys": [public_jwk(key, kid=f"{client_id}-key")]},
        allowed_scopes=scopes,
        participant_name=participant_name,
        organization=organization,
    )
    return client, key


def assertion(
    client: ExchangeClient,
    key: PrivateKey,
    *,
    aud: str = TOKEN_URL,
    lifetime: int = 240,
    jti: str | None = None,
    issued_at: float | None = None,
    kid: str | None = None,
    **overrides: Any,
) -> str:
    """A client assertion signed with ``key`` (RS384 or ES384 by key type)."""
    now = issued_at if issued_at is not None else time.time()
    claims = {
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": aud,
        "exp": int(now + lifetime),
        "iat": int(now),
        "jti": jti or uuid.uuid4().hex,
        **overrides,
    }
    alg = "ES384" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS384"
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid or f"{client.client_id}-key"})


def request_token(http: Client, signed: str, scopes: str) -> Any:
    """POST to the token endpoint (the raw response)."""
    return http.post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "scope": scopes,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
        },
    )


def token_for(client: ExchangeClient, key: PrivateKey, scopes: str | None = None) -> str:
    """An access token through the real token endpoint (scopes default to the client's)."""
    response = request_token(Client(), assertion(client, key), scopes or client.allowed_scopes)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    """Headers for the Django test client: ``Client().get(url, **bearer(token))``."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/fhir+json"}

"""The demo exchange client: the Kentucky Health Information Exchange as it would
register with Wayfinder's FHIR server (docs/exchange.md, "Authentication"), so the
demo can post a screening bundle with a real access token (docs/exchange.md, "Demo").

Its private key is made on the first ``load_demo`` into ``var/demo-exchange-key.pem`` (settings.DATA_DIR)
(mode 0600, never committed: ``var/`` is ignored) and reused after, so a token printed
by ``demo_fhir_token`` keeps working across re-loads; the client stores only the
public JWKS. Running the loader again changes nothing.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.integrations.hie.fhir.tokens import issue_token
from wayfinder.integrations.hie.models import ExchangeClient

CLIENT_ID = "demo-kyhie"
CLIENT_NAME = "Kentucky Health Information Exchange (demo)"
PARTICIPANT = "Kentucky Health Information Exchange"
KEY_ID = "demo-kyhie-1"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Posting screening bundles (Patient, Observation, Condition, QuestionnaireResponse)
# and reading back what it sent.
SCOPES = " ".join(
    f"system/{kind}.{access}"
    for kind in ("Patient", "Observation", "Condition", "QuestionnaireResponse")
    for access in ("write", "read")
)
# The demo resident the screening bundle is about: Lucia Fernandez, consent given to
# the hospital, no social needs on record until the exchange sends them.
DEMO_RESIDENT_INDIVIDUAL_ID = "KY910000003"
BUNDLE_PATH = Path(__file__).resolve().parent / "fhir" / "screening-bundle.json"


def key_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-exchange-key.pem"


def _load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    """The demo client's private key: read if present, otherwise generated and
    written readable by the owner only (created 0600, never widened)."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA private key.")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def public_jwks(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update(kid=KEY_ID, alg="RS384", use="sig")
    return {"keys": [jwk]}


@transaction.atomic
def ensure_demo_exchange_client(path: Path | None = None) -> tuple[ExchangeClient, rsa.RSAPrivateKey]:
    """Register (or bring up to date) the demo exchange client; audited when it changes."""
    key = _load_or_create_key(path or key_path())
    wanted = {
        "name": CLIENT_NAME,
        "jwks": public_jwks(key),
        "allowed_scopes": SCOPES,
        "participant_name": PARTICIPANT,
        "active": True,
    }
    client = ExchangeClient.objects.filter(client_id=CLIENT_ID).first()
    if client is None:
        client = ExchangeClient.objects.create(client_id=CLIENT_ID, **wanted)
        log_action(None, names.HIE_CLIENT_REGISTERED, client, data={"client_id": CLIENT_ID, "demo": True})
        return client, key
    changed = [field for field, value in wanted.items() if getattr(client, field) != value]
    if changed:
        for field in changed:
            setattr(client, field, wanted[field])
        client.save(update_fields=changed)
        log_action(None, names.HIE_CLIENT_REGISTERED, client, data={"client_id": CLIENT_ID, "changed": changed})
    return client, key


def token_url() -> str:
    return f"{settings.SITE_URL}/fhir/auth/token"


def client_assertion(key: rsa.RSAPrivateKey) -> str:
    """A client assertion for the token endpoint under SITE_URL (four minutes, fresh jti)."""
    now = int(time.time())
    claims = {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": token_url(),
        "iat": now,
        "exp": now + 240,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm="RS384", headers={"kid": KEY_ID})


def demo_access_token(path: Path | None = None) -> dict[str, Any]:
    """An access token for the demo client, through the token endpoint's own logic
    (``issue_token``): the same checks as a POST to /fhir/auth/token."""
    client = ExchangeClient.objects.filter(client_id=CLIENT_ID).first()
    if client is None:
        raise LookupError("The demo exchange client is not registered: run load_demo first.")
    key_file = path or key_path()
    if not key_file.exists():
        raise LookupError(f"{key_file} is missing: run load_demo to make the demo key.")
    key = _load_or_create_key(key_file)
    form = {
        "grant_type": "client_credentials",
        "scope": client.allowed_scopes,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(key),
    }
    return issue_token(form, [token_url()])

"""The development exchange portal's SMART authorization server, on authlib.

Plays the health information exchange (the "EHR" of SMART App Launch 2.2): an
authorization code grant with PKCE S256 required of every client, OpenID Connect
ID tokens (``fhirUser``) signed with the portal's own RSA key, and the launch
context (``patient``) in the token response. Kept in memory: a development tool.

The portal can misbehave on purpose, as the SMART launcher's "simulate error"
does, so Wayfinder's refusals can be clicked through: an ID token for another
audience, a token response without a patient, a launch that has expired, an
answer whose ``state`` was changed on the way, an answer that comes back late.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from joserfc.jwk import RSAKey

LAUNCH_LIFETIME = 300
CODE_LIFETIME = 60
TOKEN_LIFETIME = 3600
SIMULATIONS = ("none", "audience", "no_patient", "expired", "unlisted_iss", "tampered_state", "slow")
SLOW_SECONDS = 2


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return bool(self.client_secret) and secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if endpoint != "token":
            return True
        return method == ("client_secret_basic" if self.client_secret else "none")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Launch:
    launch_id: str
    patient_id: str
    clinician: object
    simulate: str
    created_at: float = field(default_factory=time.time)
    used: bool = False


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    launch: Launch
    created_at: float = field(default_factory=time.time)

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return int(self.created_at)


@dataclass
class AccessToken:
    token: str
    patient_id: str | None
    scope: str
    expires_at: float


class Store:
    """Launches, codes and tokens of one portal process (a lock: the server is threaded)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.launches: dict[str, Launch] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, AccessToken] = {}

    def new_launch(self, patient_id: str, clinician, simulate: str) -> Launch:
        launch = Launch(secrets.token_urlsafe(16), patient_id, clinician, simulate)
        if simulate == "expired":
            launch.created_at -= LAUNCH_LIFETIME + 1
        with self.lock:
            self.launches[launch.launch_id] = launch
        return launch

    def take_launch(self, launch_id: str, clinician) -> Launch:
        """The launch, marked used; refused when unknown, used, expired or another user's."""
        with self.lock:
            launch = self.launches.get(launch_id)
            if launch is None or launch.clinician != clinician:
                raise InvalidRequestError("Unknown launch.")
            if launch.used:
                raise InvalidRequestError("This launch was already used.")
            if time.time() - launch.created_at > LAUNCH_LIFETIME:
                raise InvalidRequestError("This launch has expired.")
            launch.used = True
            return launch


class S256Required(CodeChallenge):
    """SMART App Launch: PKCE is required of all apps, with S256 only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required.")
        return super().validate_code_challenge(grant, redirect_uri)


def build_server(app, *, store: Store, client: Client, issuer: str, key: RSAKey) -> AuthorizationServer:
    """The authlib authorization server of the portal (``issuer`` is its FHIR base URL)."""

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "none"]

        def save_authorization_code(self, code, request):
            data = request.payload.data
            launch = self.wf_launch  # set on the grant by the authorize view once the launch was checked
            store.codes[code] = AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope or "",
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge", ""),
                code_challenge_method=data.get("code_challenge_method", ""),
                launch=launch,
            )

        def query_authorization_code(self, code, client):
            item = store.codes.get(code)
            if item and item.client_id == client.get_client_id() and time.time() - item.created_at < CODE_LIFETIME:
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            store.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.launch.clinician

    class IdToken(OpenIDCode):
        def resolve_client_private_key(self, client):
            return key

        def get_client_algorithm(self, client):
            return "RS256"

        def get_encode_header(self, client):
            return {"alg": "RS256", "kid": key.kid}

        def get_compatible_claims(self, request):
            now = int(time.time())
            simulate = request.authorization_code.launch.simulate
            audience = "another-app" if simulate == "audience" else request.client.get_client_id()
            return {"iss": issuer, "aud": [audience], "iat": now, "exp": now + 300, "auth_time": now}

        def exists_nonce(self, nonce, request):
            return False

        def generate_user_info(self, user, scope):
            return UserInfo(
                sub=user.practitioner_id,
                fhirUser=f"{issuer}/Practitioner/{user.practitioner_id}",
                email=user.email,
                email_verified=True,
                name=user.full_name,
            )

    def query_client(client_id):
        return client if client_id == client.client_id else None

    def save_token(token, request):
        launch = request.authorization_code.launch
        patient = None if launch.simulate == "no_patient" else launch.patient_id
        store.tokens[token["access_token"]] = AccessToken(
            token["access_token"], patient, token.get("scope", ""), time.time() + token.get("expires_in", 0)
        )
        if patient:
            token["patient"] = patient
            token["need_patient_banner"] = False

    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": TOKEN_LIFETIME}
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = False
    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_grant(CodeGrant, [S256Required(required=True), IdToken(require_nonce=False)])
    return server

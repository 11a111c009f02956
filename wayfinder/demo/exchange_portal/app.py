"""The development exchange portal: a small SMART launcher for development and tests.

It stands in for the health information exchange's clinician portal: a clinician
signs in (one click: it is a development tool), sees the demo patients of
``wayfinder.demo.exchange_data`` (one per landing case of docs/product.md 8.3) and presses
"Launch Wayfinder", which opens Wayfinder's launch URL with ``iss`` and ``launch``
(SMART App Launch 2.2, EHR launch). Endpoints:

  /fhir/.well-known/smart-configuration   discovery
  /fhir/.well-known/jwks.json             the key the ID tokens are signed with
  /fhir/metadata                          a minimal CapabilityStatement
  /fhir/Patient/<id>                      Patient read (Bearer token for that patient)
  /oauth/authorize, /oauth/token          authorization (authlib, see oauth.py)

It refuses to be built outside demo or test mode: it hands out tokens for demo
people to anyone who clicks, which no production deployment may ever serve.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

import flask
from authlib.oauth2.rfc6749.errors import OAuth2Error
from joserfc.jwk import RSAKey

from .. import exchange_data
from .oauth import SIMULATIONS, SLOW_SECONDS, Client, Store, build_server

SCOPES = ["launch", "openid", "fhirUser", "patient/Patient.rs", "patient/Patient.read"]


class NotInDemoMode(RuntimeError):
    pass


def refuse_outside_demo(what: str = "The development exchange portal") -> None:
    from django.conf import settings

    if not (settings.DEMO_MODE or settings.TESTING):
        raise NotInDemoMode(f"{what} runs only in demo or test mode (WAYFINDER_DEMO=1).")


def create_app(
    *, public_url: str, wayfinder_launch_url: str, client_id: str, client_secret: str, redirect_uri: str
) -> flask.Flask:
    """The portal at ``public_url`` (e.g. http://127.0.0.1:8010); its FHIR base, the
    ``iss`` of its launches, is ``public_url + "/fhir"``."""
    refuse_outside_demo()
    public_url = public_url.rstrip("/")
    issuer = f"{public_url}/fhir"
    app = flask.Flask(__name__)
    app.secret_key = secrets.token_bytes(32)
    app.config.update(SESSION_COOKIE_NAME="exchange_portal_session", SESSION_COOKIE_SAMESITE="Lax")
    store = Store()
    key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
    client = Client(client_id, client_secret, [redirect_uri])
    server = build_server(app, store=store, client=client, issuer=issuer, key=key)
    clinicians = {c.key: c for c in exchange_data.CLINICIANS}
    patients = {p.fhir_id: p for p in exchange_data.PATIENTS}

    def signed_in():
        return clinicians.get(flask.session.get("clinician", ""))

    @app.after_request
    def no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def home():
        clinician = signed_in()
        if clinician is None:
            return flask.render_template("sign_in.html", clinicians=exchange_data.CLINICIANS)
        return flask.render_template(
            "patients.html", clinician=clinician, patients=exchange_data.PATIENTS, simulations=SIMULATIONS
        )

    @app.post("/sign-in")
    def sign_in():
        if flask.request.form.get("clinician") not in clinicians:
            return flask.render_template("sign_in.html", clinicians=exchange_data.CLINICIANS, error=True), 400
        flask.session["clinician"] = flask.request.form["clinician"]
        return flask.redirect("/")

    @app.post("/sign-out")
    def sign_out():
        flask.session.clear()
        return flask.redirect("/")

    @app.post("/launch")
    def launch():
        clinician = signed_in()
        patient = patients.get(flask.request.form.get("patient", ""))
        simulate = flask.request.form.get("simulate", "none")
        if clinician is None or patient is None or simulate not in SIMULATIONS:
            flask.abort(400)
        started = store.new_launch(patient.fhir_id, clinician, simulate)
        iss = f"{public_url}/unlisted-fhir" if simulate == "unlisted_iss" else issuer
        return flask.redirect(f"{wayfinder_launch_url}?{urlencode({'iss': iss, 'launch': started.launch_id})}")

    @app.get("/fhir/.well-known/smart-configuration")
    def smart_configuration():
        return flask.jsonify(
            {
                "issuer": issuer,
                "jwks_uri": f"{issuer}/.well-known/jwks.json",
                "authorization_endpoint": f"{public_url}/oauth/authorize",
                "token_endpoint": f"{public_url}/oauth/token",
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "grant_types_supported": ["authorization_code"],
                "scopes_supported": SCOPES,
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "capabilities": [
                    "launch-ehr",
                    "context-ehr-patient",
                    "client-confidential-symmetric",
                    "sso-openid-connect",
                    "permission-patient",
                    "permission-v2",
                ],
            }
        )

    @app.get("/fhir/.well-known/jwks.json")
    def jwks():
        return flask.jsonify({"keys": [key.as_dict(private=False)]})

    @app.get("/fhir/metadata")
    def metadata():
        return flask.jsonify(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "kind": "instance",
                "fhirVersion": "4.0.1",
                "format": ["json"],
                "rest": [{"mode": "server", "resource": [{"type": "Patient", "interaction": [{"code": "read"}]}]}],
            }
        )

    @app.route("/oauth/authorize", methods=["GET"])
    def authorize():
        clinician = signed_in()
        if clinician is None:
            return flask.render_template("message.html", message="Sign in to the exchange portal first."), 401
        try:
            grant = server.get_consent_grant(end_user=clinician)
        except OAuth2Error as error:  # bad client or redirect URI: never redirect there
            return flask.render_template("message.html", message=error.get_error_description()), 400
        try:
            if flask.request.args.get("aud", "").rstrip("/") != issuer:
                raise _invalid("The aud parameter must be this exchange's FHIR base URL.")
            grant.wf_launch = store.take_launch(flask.request.args.get("launch", ""), clinician)
        except OAuth2Error as error:
            error.redirect_uri = flask.request.args.get("redirect_uri")
            error.state = flask.request.args.get("state")
            return server.handle_error_response(grant.request, error)
        response = server.create_authorization_response(grant_user=clinician, grant=grant)
        simulate = grant.wf_launch.simulate
        if simulate == "tampered_state" and "location" in response.headers:
            response.headers["location"] = response.headers["location"].replace("state=", "state=tampered", 1)
        if simulate == "slow":
            time.sleep(SLOW_SECONDS)
        return response

    @app.post("/oauth/token")
    def token():
        return server.create_token_response()

    @app.get("/fhir/Patient/<patient_id>")
    def read_patient(patient_id: str):
        header = flask.request.headers.get("Authorization", "")
        item = store.tokens.get(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
        if item is None or item.expires_at < time.time():
            return _outcome("login", "A valid access token is required."), 401
        if item.patient_id != patient_id or patient_id not in patients:
            return _outcome("forbidden", "This token is not for that patient."), 403
        response = flask.jsonify(exchange_data.fhir_patient(patients[patient_id]))
        response.headers["Content-Type"] = "application/fhir+json"
        return response

    return app


def _invalid(description: str) -> OAuth2Error:
    from authlib.oauth2.rfc6749.errors import InvalidRequestError

    return InvalidRequestError(description)


def _outcome(code: str, text: str):
    return flask.jsonify(
        {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code, "diagnostics": text}]}
    )

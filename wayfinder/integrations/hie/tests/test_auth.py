"""SMART Backend Services on /fhir/auth/token and bearer checks on /fhir/ (docs/exchange.md,
"Authentication"): real signed assertions, and every way one can be wrong."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.fhir import scopes
from wayfinder.integrations.hie.models import IssuedToken

from .clients import assertion, bearer, make_client, new_key, request_token, token_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["RSA", "EC"])
def test_token_issued_for_a_valid_assertion(kind):
    client, key = make_client("system/Observation.rs system/Patient.read", kind=kind)
    response = request_token(Client(), assertion(client, key), "system/Observation.rs")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    assert body["scope"] == "system/Observation.rs"
    stored = IssuedToken.objects.get(client=client)
    assert stored.token_hash != body["access_token"] and body["access_token"] not in stored.token_hash
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action=names.HIE_CLIENT_AUTHENTICATED).count() == 1


def _refused(response, error="invalid_client", status=401):
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    return response.json()["error_description"]


def test_wrong_signature_refused():
    client, _key = make_client()
    assert "signature" in _refused(request_token(Client(), assertion(client, new_key()), "system/*.read"))
    assert AuditEvent.objects.filter(action=names.HIE_CLIENT_REFUSED, outcome="denied").count() == 1


def test_expired_assertion_refused():
    client, key = make_client()
    old = assertion(client, key, issued_at=time.time() - 900, lifetime=120)
    assert "expired" in _refused(request_token(Client(), old, "system/*.read"))


def test_assertion_living_too_long_refused():
    client, key = make_client()
    assert "five minutes" in _refused(request_token(Client(), assertion(client, key, lifetime=3600), "system/*.read"))


def test_replayed_jti_refused():
    client, key = make_client()
    first = assertion(client, key, jti="once")
    assert request_token(Client(), first, "system/*.read").status_code == 200
    assert "replay" in _refused(request_token(Client(), first, "system/*.read"))
    again = assertion(client, key, jti="once")
    assert "replay" in _refused(request_token(Client(), again, "system/*.read"))


def test_wrong_audience_refused():
    client, key = make_client()
    signed = assertion(client, key, aud="https://elsewhere.invalid/token")
    assert "aud" in _refused(request_token(Client(), signed, "system/*.read"))


def test_unknown_and_inactive_clients_refused():
    client, key = make_client()
    signed = assertion(client, key, iss="nobody", sub="nobody")
    assert "nobody" in _refused(request_token(Client(), signed, "system/*.read"))
    client.active = False
    client.save()
    assert "not active" in _refused(request_token(Client(), assertion(client, key), "system/*.read"))


def test_scope_outside_the_clients_allowed_scopes_refused():
    client, key = make_client("system/Observation.read")
    _refused(request_token(Client(), assertion(client, key), "system/Task.write"), "invalid_scope", 400)


def test_grant_type_must_be_client_credentials():
    client, key = make_client()
    response = Client().post("/fhir/auth/token", {"grant_type": "password", "client_assertion": assertion(client, key)})
    _refused(response, "unsupported_grant_type", 400)


def test_missing_expired_and_unknown_bearer_tokens_are_401_outcomes():
    http = Client()
    response = http.get("/fhir/Patient/1")
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "login"
    assert http.get("/fhir/Patient/1", **bearer("made-up")).status_code == 401
    client, key = make_client("system/Patient.read")
    token = token_for(client, key)
    IssuedToken.objects.filter(client=client).update(expires_at="2020-01-01T00:00:00Z")
    response = http.get("/fhir/Patient/1", **bearer(token))
    assert response.status_code == 401 and "expired" in response.json()["issue"][0]["diagnostics"]


def test_scope_intersection_forms():
    allowed = frozenset({"system/Observation.cruds", "system/Patient.read"})
    assert scopes.intersect("system/Observation.read system/Patient.rs", allowed) == [
        "system/Observation.read",
        "system/Patient.rs",
    ]
    assert scopes.intersect("system/*.rs", allowed) == ["system/Observation.rs", "system/Patient.read"]
    assert scopes.intersect("system/Task.write junk", allowed) == []
    assert scopes.allows(frozenset({"system/Observation.cud"}), "Observation", "write")
    assert not scopes.allows(frozenset({"system/Observation.cud"}), "Observation", "read")
    assert scopes.allows(frozenset({"system/*.*"}), "Task", "read")


def test_token_endpoint_and_fhir_are_csrf_exempt_and_ignore_sessions(personas):
    client, key = make_client("system/Patient.read")
    browser = Client(enforce_csrf_checks=True)
    assert request_token(browser, assertion(client, key), "system/Patient.read").status_code == 200
    browser.force_login(personas["system_admin"])  # a signed-in session is no credential here
    response = browser.get("/fhir/Patient?identifier=x")
    assert response.status_code == 401 and response.json()["resourceType"] == "OperationOutcome"

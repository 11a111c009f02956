"""Request logs are structured and never carry passwords, tokens or resident data."""

import json
import logging

import pytest

from wayfinder.demo.personas import persona


@pytest.mark.django_db
def test_request_logs_hold_routes_not_secrets(client, personas, caplog):
    caplog.set_level(logging.INFO, logger="wayfinder.request")
    email = persona("resident").email
    client.post("/accounts/login/", {"login": email, "password": "S3cret-passphrase!"})
    client.get("/accounts/password/reset/key/1-abcdef-token-value/?name=Amy+Brand")

    records = [r for r in caplog.records if r.name == "wayfinder.request"]
    assert len(records) == 2
    formatted = "\n".join(logging.getLogger("wayfinder").handlers[0].format(r) for r in records)
    for secret in ("S3cret-passphrase!", email, "abcdef-token-value", "Amy"):
        assert secret not in formatted
    first = json.loads(formatted.splitlines()[0])
    assert first["route"] == "accounts/login/"
    assert first["status"] == 200  # the form again: wrong password
    assert first["request_id"]
    assert "duration_ms" in first


@pytest.mark.django_db
def test_each_response_has_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="upstream-id-12345")
    assert response["X-Request-ID"] == "upstream-id-12345"
    generated = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert generated["X-Request-ID"] != "bad id with spaces" and len(generated["X-Request-ID"]) == 32

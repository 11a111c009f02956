"""Request logs are structured and never carry passwords, tokens or resident data."""

import hashlib
import json
import logging
import re

import pytest

from wayfinder.audit.models import AuditEvent
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
def test_each_response_has_our_own_request_id(client):
    """A client cannot choose the id the audit trail and our logs key on."""
    first = client.get("/healthz", HTTP_X_REQUEST_ID="upstream-id-12345")
    second = client.get("/healthz", HTTP_X_REQUEST_ID="upstream-id-12345")
    for response in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent, kept",
    [
        ("upstream-id-12345", "upstream-id-12345"),
        ("Root=1-67891233-abcdef0123", ""),
        ("trace.0001:span-2_b", "trace.0001:span-2_b"),
        ("bad id with spaces", ""),
        ("x" * 65, ""),
        ("<script>alert(1)</script>", ""),
        ("=cmd|'/c calc'!A0", ""),
    ],
)
def test_the_clients_request_id_is_kept_apart_and_only_when_valid(client, caplog, sent, kept):
    caplog.set_level(logging.INFO, logger="wayfinder.request")
    response = client.post(
        "/accounts/login/", {"login": "nobody@example.test", "password": "wrong"}, HTTP_X_REQUEST_ID=sent
    )
    event = AuditEvent.objects.filter(action="account.sign_in_failed").latest("seq")
    assert event.request_id == response["X-Request-ID"] != sent
    assert event.client_request_id == kept
    (line,) = [r for r in caplog.records if r.name == "wayfinder.request"]
    assert line.request_id == event.request_id and line.client_request_id == kept


@pytest.mark.django_db
def test_user_ids_in_request_logs_are_keyed_not_plain_hashes(client, personas, caplog, settings):
    """A plain SHA-256 of a small integer id is reversed by hashing 1, 2, 3...; the
    keyed pseudonym cannot be recomputed without the server's secret."""
    caplog.set_level(logging.INFO, logger="wayfinder.request")
    user = personas["food_bank_staff"]
    client.force_login(user)
    client.get("/healthz")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]  # the session stays signed in
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdefghijkl"
    client.get("/healthz")
    first, second = (r.user for r in caplog.records if r.name == "wayfinder.request")
    assert first and second and first != second  # keyed: a different key, a different pseudonym
    unkeyed = {hashlib.sha256(f"{prefix}{user.pk}".encode()).hexdigest() for prefix in ("", "wayfinder:")}
    assert not any(digest.startswith(first) for digest in unkeyed)

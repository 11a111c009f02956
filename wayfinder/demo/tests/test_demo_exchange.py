"""The exchange demo (issue 19): the demo client registered by the loader, a token from
``demo_fhir_token``, the demo screening bundle posted to /fhir/, the needs on the record."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.demo import exchange_client as demo
from wayfinder.demo.launch import ensure_launch_patients, resident_id_for
from wayfinder.integrations.hie.models import ExchangeClient
from wayfinder.residents.models import SdohNeed

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(settings, tmp_path, personas):
    settings.DATA_DIR = tmp_path
    settings.DEMO_MODE = True
    ensure_launch_patients()
    return tmp_path


def _token() -> str:
    out = io.StringIO()
    call_command("demo_fhir_token", stdout=out)
    return out.getvalue().strip()


def test_the_loader_registers_the_client_once_with_a_private_key(demo_data):
    client, _key = demo.ensure_demo_exchange_client()
    key_file = demo_data / "demo-exchange-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert client.name == "Kentucky Health Information Exchange (demo)"
    assert "system/Observation.write" in client.allowed_scopes.split()
    assert "PRIVATE" not in json.dumps(client.jwks) and set(client.jwks["keys"][0]) >= {"kid", "n", "e"}
    pem = key_file.read_bytes()
    again, _key = demo.ensure_demo_exchange_client()
    assert key_file.read_bytes() == pem and again.pk == client.pk and again.jwks == client.jwks
    assert ExchangeClient.objects.filter(client_id=demo.CLIENT_ID).count() == 1
    assert AuditEvent.objects.filter(action=names.HIE_CLIENT_REGISTERED).count() == 1


def test_token_bundle_and_needs_with_their_source(demo_data, personas):
    demo.ensure_demo_exchange_client()
    token = _token()
    assert len(token) > 20
    body = demo.BUNDLE_PATH.read_bytes()
    answer = Client().post(
        "/fhir/",
        body,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT="application/fhir+json",
    )
    assert answer.status_code == 200, answer.content
    statuses = [e["response"]["status"] for e in answer.json()["entry"]]
    assert statuses == ["201 Created"] * 4
    lucia = resident_id_for(demo.DEMO_RESIDENT_INDIVIDUAL_ID)
    needs = {n.domain: n for n in SdohNeed.objects.filter(resident_id=lucia)}
    assert {"food", "transportation"} <= set(needs)
    for need in needs.values():
        assert need.source == "hie"
        assert need.source_detail == "Kentucky Health Information Exchange"
    # The record page the demo_signins lines name, as the hospital social worker.
    browser = Client()
    browser.force_login(personas["hospital_user"])
    page = browser.get(f"/clients/{lucia}/")
    assert page.status_code == 200
    assert "Kentucky Health Information Exchange" in page.content.decode()


def test_the_token_command_needs_the_loader(demo_data):
    with pytest.raises(CommandError, match="load_demo"):
        _token()


def test_demo_signins_prints_the_exchange_steps(demo_data):
    out = io.StringIO()
    call_command("demo_signins", stdout=out)
    text = out.getvalue()
    assert "manage.py demo_fhir_token" in text
    assert "/fhir/ " in text and "Content-Type: application/fhir+json" in text
    assert "@wayfinder/demo/fhir/screening-bundle.json" in text
    assert f"/clients/{resident_id_for(demo.DEMO_RESIDENT_INDIVIDUAL_ID)}/" in text

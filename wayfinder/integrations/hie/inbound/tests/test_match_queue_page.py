"""The match queue page: system administrators see the waiting patients with their
candidates and link one (the needs are filed) or discard; others are refused."""

from __future__ import annotations

import datetime
import json

import pytest

from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.inbound.models import MatchQueueItem
from wayfinder.residents.models import Resident, SdohNeed

from .test_inbound_http import bundle, example, exchange, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_admin_links_a_queued_patient_and_the_needs_are_filed(client, personas, exchange):  # noqa: F811
    _exchange, headers = exchange
    twins = [
        Resident.objects.create(
            first_name="Colin", last_name="Baxter", date_of_birth=datetime.date(1987, 2, 20), source="eligibility"
        )
        for _ in range(2)
    ]
    observation = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    assert post(headers, bundle(example("Patient-pat-53234.json"), observation)).status_code == 200
    item = MatchQueueItem.objects.get()
    assert item.reason == "several" and set(item.candidates.all()) == set(twins)

    client.force_login(personas["specialist"])
    assert client.get("/hie/match-queue/").status_code == 403
    client.force_login(personas["system_admin"])
    page = client.get("/hie/match-queue/")
    assert page.status_code == 200 and "COLIN V. BAXTER" in page.content.decode()
    assert AuditEvent.objects.filter(action=names.HIE_MATCH_QUEUE_VIEWED).exists()
    answer = client.post(f"/hie/match-queue/{item.pk}/", {"action": "link", "resident": str(twins[1].pk)})
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.status == "linked" and item.resident == twins[1] and item.decided_by == personas["system_admin"]
    need = SdohNeed.objects.get(resident=twins[1], domain="food")
    assert need.source == "hie"
    event = AuditEvent.objects.get(action=names.HIE_MATCH_LINKED)
    assert json.dumps(event.data).count("food") == 1
    again = client.post(f"/hie/match-queue/{item.pk}/", {"action": "discard"})
    assert again.status_code == 302 and MatchQueueItem.objects.get().status == "linked"

"""Every staff read is logged; residents see who viewed; admins export CSV."""

from __future__ import annotations

import csv
import io

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.consent.models import Consent
from wayfinder.demo.residents import AMY_RESIDENT_ID, FOOD_BANK_ID

pytestmark = pytest.mark.django_db


def test_each_staff_read_writes_an_access_log_row_with_its_legal_basis(client, personas):
    consent = Consent.objects.get(resident_id=AMY_RESIDENT_ID, organization_id=FOOD_BANK_ID, revoked_at=None)
    client.force_login(personas["food_bank_staff"])
    client.get(f"/clients/{AMY_RESIDENT_ID}/")
    client.force_login(personas["family_center_staff"])
    client.get(f"/clients/{AMY_RESIDENT_ID}/")
    rows = list(AuditEvent.objects.filter(action="resident.viewed", resident_id=str(AMY_RESIDENT_ID)).order_by("seq"))
    assert [(r.actor_id, r.legal_basis, r.purpose) for r in rows] == [
        (personas["food_bank_staff"].pk, f"consent:{consent.pk}", "care_coordination"),
        (personas["family_center_staff"].pk, "none", "care_coordination"),
    ]
    assert rows[0].object_type == "residents.resident" and rows[0].actor_organization_id == str(FOOD_BANK_ID)


def test_residents_see_who_viewed_their_record(client, personas):
    client.force_login(personas["food_bank_staff"])
    client.get(f"/clients/{AMY_RESIDENT_ID}/")
    client.force_login(personas["resident"])
    page = client.get("/my-plan/who-viewed/").content.decode()
    assert "Marcus Hill" in page and "Bluegrass Community Food Bank" in page and "Your consent" in page


def test_system_admins_export_a_residents_log_as_csv(client, personas):
    client.force_login(personas["food_bank_staff"])
    client.get(f"/clients/{AMY_RESIDENT_ID}/")
    client.force_login(personas["system_admin"])
    response = client.get("/clients/access-log/", {"resident": "KY900000001"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert any(r["action"] == "resident.viewed" and r["actor_label"] == personas["food_bank_staff"].email for r in rows)
    assert AuditEvent.objects.filter(action="resident.access_log_exported").exists()
    assert client.get("/clients/access-log/", {"resident": "nope"}).status_code == 404

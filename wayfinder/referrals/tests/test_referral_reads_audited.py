"""Referral pages show the resident's name and notes: every view of them is in the
audit log, and the resident sees referral-page reads on "who viewed my record"."""

from __future__ import annotations

import pytest

from wayfinder.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _reads(referral):
    return AuditEvent.objects.filter(action="referral.viewed", object_id=str(referral.pk)).order_by("seq")


@pytest.mark.parametrize(
    "persona,side,basis",
    [
        ("family_center_staff", "receiver", "referral"),
        ("food_bank_staff", "sender", None),  # the food bank has Amy's consent
        ("specialist", "specialist", "referral_specialist"),
        ("resident", "resident", "self"),
    ],
)
def test_every_view_of_a_referral_page_is_logged(client, referral, personas, persona, side, basis):
    client.force_login(personas[persona])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    [read] = list(_reads(referral))
    assert read.actor_id == personas[persona].pk
    assert read.resident_id == str(referral.resident_id)
    assert read.data["side"] == side
    if basis:
        assert read.legal_basis == basis
    else:
        assert read.legal_basis.startswith("consent:")


def test_inbox_and_outbox_list_which_records_they_showed(client, referral, personas):
    client.force_login(personas["food_bank_staff"])
    client.get("/referrals/sent/", {"client": "brand"})
    listed = AuditEvent.objects.filter(action="referral.listed").last()
    assert listed.data["box"] == "outbox" and listed.data["client_search"] is True
    assert listed.data["residents"] == [str(referral.resident_id)]
    assert "brand" not in str(listed.data)  # what was typed is not kept

    client.force_login(personas["family_center_staff"])
    client.get("/referrals/inbox/")
    listed = AuditEvent.objects.filter(action="referral.listed").last()
    assert listed.data["box"] == "inbox" and listed.data["referrals"] == [str(referral.pk)]


def test_the_resident_sees_referral_page_reads_on_who_viewed_my_record(client, referral, personas):
    client.force_login(personas["family_center_staff"])
    client.get(f"/referrals/{referral.pk}/")
    client.force_login(personas["resident"])
    html = client.get("/my-plan/who-viewed/").content.decode()
    assert "Rosa Delgado" in html and "A referral about you" in html

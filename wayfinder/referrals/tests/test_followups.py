"""The referral specialists' daily job and queue, with a controllable clock."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from wayfinder.audit.models import AuditEvent
from wayfinder.referrals import actions, closing
from wayfinder.referrals.followups import run_followups
from wayfinder.referrals.models import FollowUp, Outreach, Status
from wayfinder.referrals.tests.conftest import org

pytestmark = pytest.mark.django_db


def refer(personas, world, service, when):
    return actions.create_referral(
        actor=personas["food_bank_staff"], resident=world.resident, service=service,
        sending_organization=org("food_bank"), now=when,
    )  # fmt: skip


def test_it_lists_stale_referrals_once(personas, world):
    now = timezone.now()
    old = refer(personas, world, world.formula, now - timedelta(days=8))
    refer(personas, world, world.child_care, now - timedelta(days=3))

    assert run_followups(now)[FollowUp.Kind.STALE_OPEN] == 1
    assert run_followups(now)[FollowUp.Kind.STALE_OPEN] == 0
    assert list(FollowUp.objects.filter(kind=FollowUp.Kind.STALE_OPEN).values_list("referral", flat=True)) == [old.pk]


def test_non_onboarded_referrals_become_closable_after_fourteen_days(client, personas, world):
    start = timezone.now() - timedelta(days=15)
    referral = refer(personas, world, world.shelter_beds, start)
    client.force_login(personas["specialist"])
    data = {"version": 1, "provided": "no", "reason": "unable_to_reach", "experience": "Shelter never answered."}

    follow_up = FollowUp.objects.get(referral=referral)
    follow_up.closable_from = timezone.now() + timedelta(days=1)  # pretend it is day 13
    follow_up.save()
    queue = client.get("/referrals/follow-ups/").content.decode()
    assert "Can be closed from" in queue
    assert client.post(f"/referrals/{referral.pk}/specialist-close/", data).status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.NEW

    follow_up.closable_from = start + timedelta(days=14)
    follow_up.save()
    assert "Ready to close" in client.get("/referrals/follow-ups/").content.decode()
    assert client.post(f"/referrals/{referral.pk}/specialist-close/", data).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and referral.closed_by == personas["specialist"]
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.DONE


def test_closed_referrals_are_listed_to_confirm_with_the_resident(personas, world):
    referral = refer(personas, world, world.formula, timezone.now() - timedelta(days=5))
    closing.close_referral(
        actor=personas["family_center_staff"], referral=referral, expected_version=1, provided=True,
        experience="Good", now=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    created = run_followups()
    assert created[FollowUp.Kind.CONFIRM_WITH_RESIDENT] == 1


def test_specialists_record_outreach(client, personas, world):
    referral = refer(personas, world, world.formula, timezone.now() - timedelta(days=9))
    run_followups()
    follow_up = FollowUp.objects.get(referral=referral)
    client.force_login(personas["specialist"])
    response = client.post(
        f"/referrals/follow-ups/{follow_up.pk}/outreach/",
        {"method": "phone", "result": "reached", "notes": "Partner will call her today.", "done": "on"},
    )
    assert response.status_code == 302
    assert Outreach.objects.get().result == "reached"
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.DONE
    assert AuditEvent.objects.filter(action="referral.outreach_recorded").exists()
    assert referral.events.filter(kind="outreach").exists()


def test_only_specialists_reach_the_queue(client, personas):
    client.force_login(personas["food_bank_admin"])
    assert client.get("/referrals/follow-ups/").status_code == 403


def test_the_command_takes_a_clock(personas, world, capsys):
    refer(personas, world, world.formula, timezone.now())
    later = (timezone.now() + timedelta(days=8)).isoformat()
    call_command("referral_followups", "--now", later)
    assert "stale_open 1" in capsys.readouterr().out
    call_command("referral_followups", "--now", later)
    assert "(nothing new)" in capsys.readouterr().out

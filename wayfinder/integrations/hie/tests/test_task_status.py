"""Our referral statuses read as the guide's Task statuses (docs/exchange.md, "Referrals as Task"),
driven through the real referral actions; and the state machine a requester meets."""

from __future__ import annotations

import pytest

from wayfinder.integrations.hie.tasks.status import (
    CLOSED_BY_SPECIALIST,
    TransitionRefused,
    can_move,
    check_requester_change,
    task_state,
)
from wayfinder.referrals import actions, closing
from wayfinder.referrals.models import ReferralEvent
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.referrals.withdraw import withdraw_referral


@pytest.fixture
def referral(personas):
    from wayfinder.residents.models import Resident

    resident = Resident.objects.get(user=personas["resident"])
    service = make_service(org("family_center"), "Free infant formula")
    return actions.create_referral(
        actor=personas["food_bank_staff"], resident=resident, service=service, sending_organization=org("food_bank")
    )


def state(referral):
    referral.refresh_from_db()
    return task_state(referral, ReferralEvent.objects.filter(referral=referral))


def start(referral, personas):
    return actions.change_status(
        actor=personas["family_center_staff"],
        referral=referral,
        to_status="in_progress",
        expected_version=referral.version,
    )


def close(referral, personas, provided, reason=""):
    referral.refresh_from_db()
    return closing.close_referral(
        actor=personas["family_center_staff"],
        referral=referral,
        expected_version=referral.version,
        provided=provided,
        reason=reason,
        experience="PRIVATE-EXPERIENCE-WORDS",
    )


@pytest.mark.django_db
def test_new_is_requested_then_accepted_then_in_progress_then_completed(referral, personas):
    assert state(referral).status == "requested"
    start(referral, personas)
    assert state(referral).status == "accepted"
    actions.add_note(
        actor=personas["family_center_staff"], referral=referral, body="Called her", organization=org("family_center")
    )
    assert state(referral).status == "in-progress"
    close(referral, personas, True)
    done = state(referral)
    assert (done.status, done.business_status) == ("completed", "")
    assert "PRIVATE" not in done.reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "started", "expected"),
    [
        ("unable_to_reach", True, "failed"),
        ("no_capacity", False, "rejected"),
        ("no_capacity", True, "failed"),
        ("not_eligible", False, "rejected"),
        ("declined", True, "cancelled"),
        ("helped_elsewhere", False, "cancelled"),
    ],
)
def test_not_provided_reasons_map_onto_the_guide(referral, personas, reason, started, expected):
    if started:
        start(referral, personas)
    close(referral, personas, False, reason)
    got = state(referral)
    assert got.status == expected
    assert got.reason  # statusReason.text is given for every not-provided outcome


@pytest.mark.django_db
def test_moved_back_to_new_is_on_hold_with_a_reason(referral, personas):
    moved = start(referral, personas)
    actions.change_status(
        actor=personas["family_center_staff"], referral=moved, to_status="new", expected_version=moved.version
    )
    got = state(referral)
    assert got.status == "on-hold" and got.reason


@pytest.mark.django_db
def test_specialist_closure_has_the_local_business_status(personas):
    from datetime import timedelta

    from django.utils import timezone

    from wayfinder.residents.models import Resident

    resident = Resident.objects.get(user=personas["resident"])
    made = actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=resident,
        service=make_service(org("shelter"), "Emergency overnight shelter"),
        sending_organization=org("food_bank"),
        now=timezone.now() - timedelta(days=20),
    )
    closing.close_referral(
        actor=personas["specialist"],
        referral=made,
        expected_version=made.version,
        provided=True,
        experience="fine",
        as_specialist=True,
    )
    got = state(made)
    assert (got.status, got.business_status) == ("completed", CLOSED_BY_SPECIALIST)


@pytest.mark.django_db
def test_withdrawn_by_the_sender_is_cancelled(referral, personas):
    withdraw_referral(
        actor=personas["food_bank_staff"], referral=referral, expected_version=referral.version, reason="Duplicate"
    )
    got = state(referral)
    assert (got.status, got.reason) == ("cancelled", "Duplicate")


@pytest.mark.django_db
def test_only_the_sender_withdraws(referral, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        withdraw_referral(
            actor=personas["family_center_staff"], referral=referral, expected_version=referral.version, reason="x"
        )


def test_the_guide_state_machine():
    assert can_move("requested", "accepted") and can_move("accepted", "completed")
    assert not can_move("requested", "completed") and not can_move("completed", "in-progress")
    assert can_move("completed", "entered-in-error")
    check_requester_change("requested", "cancelled")
    check_requester_change("in-progress", "entered-in-error")
    for old, new in [
        ("requested", "accepted"),
        ("accepted", "completed"),
        ("completed", "cancelled"),
        ("requested", "ready"),
    ]:
        with pytest.raises(TransitionRefused) as refused:
            check_requester_change(old, new)
        assert old in str(refused.value) and new in str(refused.value)

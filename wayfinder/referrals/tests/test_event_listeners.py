"""Whoever follows referral changes (the exchange's Task) hears of every event, once,
from every way a referral changes, and inside the change's transaction."""

import pytest
from django.db import transaction

from wayfinder.referrals import actions, closing, events
from wayfinder.referrals.models import ReferralEvent, Status
from wayfinder.referrals.withdraw import withdraw_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    """A listener registered for this test only."""
    seen: list[ReferralEvent] = []
    monkeypatch.setattr(events, "_listeners", [*events._listeners])
    events.on_event_recorded(seen.append)
    events.on_event_recorded(seen.append)  # registering twice is still once
    return seen


def test_every_change_reaches_the_listener_once(heard, referral, personas):
    receiver = personas["family_center_staff"]
    assert [e.kind for e in heard] == ["created"]  # ``heard`` is set up before ``referral``
    moved = actions.change_status(
        actor=receiver, referral=referral, to_status=Status.IN_PROGRESS, expected_version=referral.version
    )
    actions.add_note(actor=receiver, referral=moved, body="Called her back")
    closed = closing.close_referral(
        actor=receiver, referral=moved, expected_version=moved.version, provided=True, experience="Easy to reach"
    )
    assert [e.kind for e in heard] == ["created", "status_changed", "note_added", "closed"]
    assert heard[-1].version == closed.version
    assert list(ReferralEvent.objects.filter(referral=referral).order_by("at", "id")) == heard


def test_a_withdrawal_is_heard_and_a_refused_change_is_not(heard, referral, personas):
    with pytest.raises(actions.ReferralChanged):
        actions.change_status(
            actor=personas["family_center_staff"],
            referral=referral,
            to_status=Status.IN_PROGRESS,
            expected_version=referral.version - 1,
        )
    assert [e.kind for e in heard] == ["created"]
    withdraw_referral(
        actor=personas["food_bank_staff"], referral=referral, expected_version=referral.version, reason="Moved away"
    )
    assert [(e.kind, e.data.get("withdrawn")) for e in heard][1:] == [("closed", True)]


def test_a_listener_that_fails_rolls_the_change_back(monkeypatch, referral, personas):
    def broken(event):
        raise RuntimeError("listener failed")

    monkeypatch.setattr(events, "_listeners", [broken])
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.change_status(
            actor=personas["family_center_staff"],
            referral=referral,
            to_status=Status.IN_PROGRESS,
            expected_version=referral.version,
        )
    referral.refresh_from_db()
    assert referral.status == Status.NEW
    assert not ReferralEvent.objects.filter(referral=referral, kind="status_changed").exists()

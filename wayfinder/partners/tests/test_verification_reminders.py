"""The monthly "is this still correct?" email (issue #21 item 3), run as the
scheduler runs it: partner admins of organizations with services not verified for
six months get one email a month, pointing at the one-click "Still correct"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from wayfinder.directory.models import Service
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.scheduling.jobs import JOBS

pytestmark = pytest.mark.django_db

JOB = next(job for job in JOBS if job.name == "verification_reminders")


def test_admins_are_reminded_once_a_month(personas, django_capture_on_commit_callbacks):
    stale = make_service(org("food_bank"), "Weekly food pantry")
    fresh = make_service(org("food_bank"), "Diaper bank")
    Service.objects.filter(pk=stale.pk).update(last_verified=timezone.localdate() - dt.timedelta(days=200))
    Service.objects.filter(pk=fresh.pk).update(last_verified=timezone.localdate())
    make_service(org("shelter"), "Overnight beds")  # not onboarded: nobody to remind
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert JOB.function()() == 1
    [message] = mail.outbox
    assert message.to == [personas["food_bank_admin"].email]
    assert "Weekly food pantry" in message.body and "Diaper bank" not in message.body
    assert "/partners/workspace/organization/" in message.body and "Still correct" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert JOB.function()() == 0  # this month's is sent
    with time_machine.travel(timezone.now() + dt.timedelta(days=32)), django_capture_on_commit_callbacks(execute=True):
        assert JOB.function()() == 1


def test_it_is_due_on_the_first_of_the_month():
    from zoneinfo import ZoneInfo

    eastern = ZoneInfo("America/New_York")
    assert JOB.next_run_after(dt.datetime(2026, 11, 23, 9, 0, tzinfo=eastern)) == dt.datetime(
        2026, 12, 1, 9, 0, tzinfo=eastern
    )

"""A referral the receiving organization closed from its emailed link (issue #21)
counts as the organization's closure, not a specialist's, in every figure that
names who closed, through the real link page and the real refresh."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from wayfinder.metrics import figures
from wayfinder.metrics.models import STATE_SCOPE
from wayfinder.metrics.refresh import refresh
from wayfinder.referrals import actions
from wayfinder.referrals.tests.conftest import org

from .conftest import at, local, make_resident

pytestmark = pytest.mark.django_db


def test_a_closure_from_the_emailed_link_is_the_receiving_organizations(
    client, personas, django_capture_on_commit_callbacks
):
    from wayfinder.metrics.periods import Period
    from wayfinder.referrals.tests.conftest import make_service

    shelter = org("shelter")
    shelter.email = "intake@hopestreet.example"
    shelter.save()
    beds = make_service(shelter, "Emergency overnight shelter")
    with at("2026-04-02 09:00"), django_capture_on_commit_callbacks(execute=True):
        referral = actions.create_referral(
            actor=personas["food_bank_staff"], resident=make_resident("Cy", "Ode"), service=beds,
            sending_organization=org("food_bank"),
        )  # fmt: skip
    [message] = [m for m in mail.outbox if "intake@hopestreet.example" in m.to]
    path = re.search(r"/referrals/r/[^/\s]+/", message.body).group(0)
    with at("2026-04-05 09:00"):
        response = client.post(
            path + "close/",
            {"version": referral.version, "provided": "no", "reason": "no_capacity", "experience": "Fine"},
        )
        assert response.status_code == 200
    refresh()
    april = Period(local("2026-04-01 00:00").date(), local("2026-04-30 00:00").date())
    assert dict(figures.referral_summary(STATE_SCOPE, april).closers) == {"receiving_organization": 1}
    assert dict(figures.referral_summary(str(shelter.pk), april).closers) == {"receiving_organization": 1}
    assert figures.top_organizations(april)[1] == [(str(shelter.pk), 1)]

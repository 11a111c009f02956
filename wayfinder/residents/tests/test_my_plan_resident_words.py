# ruff: noqa: F811 - pytest fixtures are imported and requested by name
"""My Plan speaks to the resident (issue #14, item 10): outcomes in her words,
referrals as cards, her phone number formatted."""

from __future__ import annotations

import pytest

from wayfinder.referrals import closing
from wayfinder.referrals.tests.conftest import org, referral, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_an_outcome_reads_in_the_residents_words(client, personas, world, referral):
    closing.close_referral(
        actor=personas["family_center_staff"], referral=referral, expected_version=1, provided=False,
        reason="unable_to_reach", experience="Three calls",
    )  # fmt: skip
    client.force_login(personas["resident"])
    for page in ("/my-plan/", f"/referrals/{referral.pk}/"):
        html = client.get(page).content.decode()
        assert "You did not get this help: They could not reach you" in html, page
        assert "Unable to reach the resident" not in html, page
    # Staff keep the coded outcome.
    client.force_login(personas["food_bank_staff"])
    assert "Unable to reach the resident" in client.get("/referrals/sent/").content.decode()


def test_my_plan_lists_referrals_as_cards_under_a_row_menu(client, personas, referral):
    client.force_login(personas["resident"])
    html = client.get("/my-plan/").content.decode()
    assert '<nav aria-label="My Plan" class="subnav no-print">' in html
    assert '<ul class="card-list plan-referrals">' in html and '<li class="card">' in html
    assert 'aria-current="page">My Plan</a>' in html


def test_the_resident_reads_her_referral_inside_my_plan(client, personas, referral):
    client.force_login(personas["resident"])
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'class="subnav no-print"' in html and 'class="workspace-nav"' not in html
    assert "How to reach them" in html and "(859) 555-0142" in html
    assert "Assigned to" not in html


def test_her_phone_on_file_is_formatted(client, personas):
    client.force_login(personas["resident"])
    html = client.get("/my-plan/privacy/").content.decode()
    assert "(859) 555-0142" in html and "8595550142" not in html


def test_a_staff_sender_sees_the_same_referral_in_the_workspace(client, personas, referral):
    client.force_login(personas["food_bank_staff"])
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'class="workspace-nav"' in html and org("family_center").name in html

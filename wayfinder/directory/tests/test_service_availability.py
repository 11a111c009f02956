# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Capacity and waitlists (issue #21 item 2): partners say per service whether it is
accepting referrals, has a waitlist (with an estimated wait) or is full; search
results and service pages show it, and a status older than 30 days is shown as
unconfirmed. The referral flow's step: wayfinder/referrals/tests/test_refer_to_a_full_service.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from wayfinder.audit.models import AuditEvent
from wayfinder.directory import actions, availability
from wayfinder.directory.models import ServiceAvailability

from .directory_fixture import sid
from .search_fixtures import directory, own_index, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db


def _results(client) -> str:
    return client.get("/search/", {"q": "food pantry", "where": "40507"}).content.decode()


def test_a_full_service_shows_full_in_search_and_on_its_page(
    client, directory, own_index, django_capture_on_commit_callbacks
):
    service = directory["pantry-lex"]
    with django_capture_on_commit_callbacks(execute=True):  # the index update runs after commit
        actions.set_availability(service=service, actor=None, status="full")
    html = _results(client)
    card = html[html.index("Community Food Pantry") :][:1500]
    assert 'data-availability="full"' in card and "Full: not taking referrals now" in card
    page = client.get(f"/services/{sid('pantry-lex')}/").content.decode()
    assert 'data-availability="full"' in page


def test_a_waitlist_shows_its_estimated_wait(client, directory, own_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_availability(service=directory["pantry-lex"], actor=None, status="waitlist", wait_weeks=3)
    assert "Waitlist: about 3 weeks" in _results(client)
    assert "Waitlist: about 3 weeks" in client.get(f"/services/{sid('pantry-lex')}/").content.decode()


def test_a_status_older_than_30_days_is_shown_as_unconfirmed(
    client, directory, own_index, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(days=31)
    with time_machine.travel(long_ago, tick=False), django_capture_on_commit_callbacks(execute=True):
        actions.set_availability(service=directory["pantry-lex"], actor=None, status="full")
    for html in (_results(client), client.get(f"/services/{sid('pantry-lex')}/").content.decode()):
        assert 'data-availability="unconfirmed"' in html
        assert f"Unconfirmed: last confirmed {long_ago.date().isoformat()}" in html
    shown = availability.of_service(directory["pantry-lex"])
    assert shown.unconfirmed and not shown.is_full  # an old "full" asks for no confirmation


def test_the_fhir_capacity_code_follows_sdoh_clinical_care(directory):
    service = directory["pantry-lex"]
    assert availability.fhir_capacity_coding(service) is None
    # STU 3's SDOHCC-ValueSetCapacityStatus (codes and displays as published in 3.0.0)
    expected = {
        "accepting": ("capacity", "Has Capacity"),
        "waitlist": ("waitlist", "No Capacity - Has Waitlist"),
        "full": ("no-capacity", "No Capacity"),
    }
    for status, (code, display) in expected.items():
        actions.set_availability(service=service, actor=None, status=status)
        coding = availability.fhir_capacity_coding(service)
        assert (coding["code"], coding["display"]) == (code, display)
        assert coding["system"] == "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert availability.fhir_capacity_coding(service) is None


def test_the_hsds_wait_time_text_carries_it(directory):
    service = directory["pantry-lex"]
    actions.set_availability(service=service, actor=None, status="waitlist", wait_weeks=2)
    assert availability.hsds_wait_time(service).startswith("Waitlist, about 2 weeks (confirmed ")


def test_bad_values_are_refused_and_change_nothing(directory):
    from django.core.exceptions import ValidationError

    service = directory["pantry-lex"]
    for kwargs in (
        {"status": "maybe"},
        {"status": "waitlist", "wait_weeks": 0},
        {"status": "waitlist", "wait_weeks": 500},
    ):
        with pytest.raises(ValidationError):
            actions.set_availability(service=service, actor=None, **kwargs)
    assert not ServiceAvailability.objects.exists()


# --- the partner workspace ------------------------------------------------------------


@pytest.fixture
def food_bank_service(personas):
    from wayfinder.referrals.tests.conftest import make_service, org

    return make_service(org("food_bank"), "Weekly food pantry")


def test_partner_staff_set_and_confirm_it_from_the_workspace(client, personas, food_bank_service):
    client.force_login(personas["food_bank_staff"])
    organization_page = client.get("/partners/workspace/organization/").content.decode()
    assert "Taking referrals: not said yet" in organization_page
    path = f"/partners/workspace/organization/services/{food_bank_service.pk}/availability/"
    assert client.get(path).status_code == 200
    response = client.post(path, {"status": "waitlist", "wait_weeks": "4"})
    assert response.status_code == 302
    row = ServiceAvailability.objects.get(service=food_bank_service)
    assert (row.status, row.wait_weeks, row.confirmed_by, row.source) == (
        "waitlist", 4, personas["food_bank_staff"], "partner"
    )  # fmt: skip
    assert "Waitlist: about 4 weeks" in client.get("/partners/workspace/organization/").content.decode()
    entry = AuditEvent.objects.filter(action="directory.service_availability_set").last()
    assert entry.data["status"] == "waitlist" and entry.actor_id == personas["food_bank_staff"].pk

    # The same answer again is the confirmation: it moves the date.
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        client.force_login(personas["food_bank_staff"])
        client.post(path, {"status": "waitlist", "wait_weeks": "4"})
    assert ServiceAvailability.objects.get(service=food_bank_service).confirmed_at > row.confirmed_at + timedelta(
        days=9
    )


def test_a_bad_answer_gets_a_message_and_changes_nothing(client, personas, food_bank_service):
    client.force_login(personas["food_bank_staff"])
    path = f"/partners/workspace/organization/services/{food_bank_service.pk}/availability/"
    response = client.post(path, {"status": "waitlist", "wait_weeks": "-2"})
    assert response.status_code == 400 and 'class="errorlist"' in response.content.decode()
    assert not ServiceAvailability.objects.exists()


def test_another_organizations_service_is_a_404(client, personas, food_bank_service):
    client.force_login(personas["family_center_staff"])
    path = f"/partners/workspace/organization/services/{food_bank_service.pk}/availability/"
    assert client.post(path, {"status": "full"}).status_code == 404
    assert not ServiceAvailability.objects.exists()

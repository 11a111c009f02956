"""The receiving organization moves, assigns and closes; nobody else does; stale
forms never overwrite (HTTP through Django's test client)."""

import pytest

from wayfinder.referrals import actions
from wayfinder.referrals.models import Referral, ReferralEvent, Status
from wayfinder.referrals.tests.conftest import org

pytestmark = pytest.mark.django_db


def test_the_receiver_sets_in_progress_assigns_and_closes(client, personas, referral):
    receiver = personas["family_center_staff"]
    client.force_login(receiver)
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "Work this referral" in page.content.decode()

    assert client.post(f"/referrals/{referral.pk}/status/", {"status": "in_progress", "version": 1}).status_code == 302
    assert (
        client.post(f"/referrals/{referral.pk}/assign/", {"assignee": str(receiver.pk), "version": 2}).status_code
        == 302
    )
    response = client.post(
        f"/referrals/{referral.pk}/close/",
        {"version": 3, "provided": "yes", "experience": "Friendly and easy to reach."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and referral.resource_provided is True
    assert referral.assigned_to == receiver and referral.closed_by == receiver
    kinds = list(referral.events.values_list("kind", flat=True))
    assert kinds == ["created", "status_changed", "assigned", "closed"]
    assert all(event.actor_id for event in referral.events.all())


def test_closing_as_not_provided_needs_a_reason(client, personas, referral):
    client.force_login(personas["family_center_staff"])
    response = client.post(f"/referrals/{referral.pk}/close/", {"version": 1, "provided": "no", "experience": "Fine"})
    assert response.status_code == 400
    assert "Choose why the resource was not provided." in response.content.decode()
    response = client.post(
        f"/referrals/{referral.pk}/close/", {"version": 1, "provided": "no", "reason": "other", "experience": "Fine"}
    )
    assert "Describe the other reason." in response.content.decode()
    response = client.post(f"/referrals/{referral.pk}/close/", {"version": 1, "provided": "yes"})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.NEW and referral.version == 1
    response = client.post(
        f"/referrals/{referral.pk}/close/",
        {"version": 1, "provided": "no", "reason": "unable_to_reach", "experience": "Three calls, no answer."},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.not_provided_reason) == (Status.CLOSED, "unable_to_reach")


def test_the_experience_answer_is_never_shown(client, personas, referral):
    client.force_login(personas["family_center_staff"])
    client.post(
        f"/referrals/{referral.pk}/close/", {"version": 1, "provided": "yes", "experience": "SECRET-EXPERIENCE"}
    )
    for user in (personas["family_center_staff"], personas["food_bank_staff"], personas["resident"]):
        client.force_login(user)
        assert "SECRET-EXPERIENCE" not in client.get(f"/referrals/{referral.pk}/").content.decode()
    client.force_login(personas["food_bank_staff"])
    assert "SECRET-EXPERIENCE" not in client.get("/referrals/sent/").content.decode()


def test_the_sender_sees_but_cannot_change_or_close(client, personas, referral):
    client.force_login(personas["food_bank_staff"])
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200 and "Work this referral" not in page.content.decode()
    assert client.post(f"/referrals/{referral.pk}/status/", {"status": "in_progress", "version": 1}).status_code == 403
    assert client.get(f"/referrals/{referral.pk}/close/").status_code == 403
    assert (
        client.post(
            f"/referrals/{referral.pk}/close/", {"version": 1, "provided": "yes", "experience": "x"}
        ).status_code
        == 403
    )
    referral.refresh_from_db()
    assert referral.status == Status.NEW


def test_a_third_organization_gets_404(client, personas, referral):
    client.force_login(personas["hospital_user"])
    for url in (f"/referrals/{referral.pk}/", f"/referrals/{referral.pk}/close/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/referrals/{referral.pk}/notes/", {"body": "hi"}).status_code == 404


def test_a_stale_form_gets_the_new_state_not_an_overwrite(client, personas, referral):
    client.force_login(personas["family_center_staff"])
    client.post(f"/referrals/{referral.pk}/status/", {"status": "in_progress", "version": 1})
    stale = client.post(f"/referrals/{referral.pk}/status/", {"status": "new", "version": 1})
    assert stale.status_code == 409
    assert "This referral changed while you were looking at it" in stale.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.IN_PROGRESS and referral.version == 2


def test_a_double_submitted_close_changes_nothing_the_second_time(client, personas, referral):
    client.force_login(personas["family_center_staff"])
    data = {"version": 1, "provided": "yes", "experience": "Good"}
    assert client.post(f"/referrals/{referral.pk}/close/", data).status_code == 302
    second = client.post(f"/referrals/{referral.pk}/close/", data)
    assert second.status_code == 302  # "already closed"
    assert ReferralEvent.objects.filter(referral=referral, kind="closed").count() == 1


def test_notes_are_shared_between_the_two_organizations(client, personas, referral):
    client.force_login(personas["food_bank_staff"])
    client.post(f"/referrals/{referral.pk}/notes/", {"body": "She prefers calls after 5pm."})
    client.force_login(personas["family_center_staff"])
    assert "She prefers calls after 5pm." in client.get(f"/referrals/{referral.pk}/").content.decode()
    assert client.post(f"/referrals/{referral.pk}/notes/", {"body": "  "}).status_code == 400


def test_inbox_and_outbox_filter_and_search(client, personas, world, referral):
    other = actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=world.resident,
        service=world.child_care,
        sending_organization=org("food_bank"),
    )
    actions.change_status(
        actor=personas["family_center_staff"], referral=other, to_status="in_progress", expected_version=1
    )
    client.force_login(personas["family_center_staff"])
    inbox = client.get("/referrals/inbox/").content.decode()
    assert "Free infant formula" in inbox and "Child care referrals" in inbox
    filtered = client.get("/referrals/inbox/?status=in_progress").content.decode()
    assert "Child care referrals" in filtered and "Free infant formula" not in filtered
    assert "Free infant formula" not in client.get("/referrals/inbox/?client=Zebulon").content.decode()
    assert "Free infant formula" in client.get("/referrals/inbox/?client=brand").content.decode()
    client.force_login(personas["food_bank_staff"])
    outbox = client.get("/referrals/sent/").content.decode()
    assert "Free infant formula" in outbox
    assert client.get("/referrals/inbox/").content.decode().count("Free infant formula") == 0


def test_inbox_pages_without_counting(client, personas, world):
    for _ in range(27):
        actions.create_referral(
            actor=personas["food_bank_staff"],
            resident=world.resident,
            service=world.formula,
            sending_organization=org("food_bank"),
        )
    client.force_login(personas["family_center_staff"])
    first = client.get("/referrals/inbox/").content.decode()
    assert "Next page" in first
    second = client.get("/referrals/inbox/?page=2").content.decode()
    assert "Next page" not in second and "Previous page" in second
    assert Referral.objects.count() == 27


def test_the_inbox_uses_a_fixed_number_of_queries(client, personas, world, django_assert_max_num_queries):
    for _ in range(10):
        actions.create_referral(
            actor=personas["food_bank_staff"],
            resident=world.resident,
            service=world.formula,
            sending_organization=org("food_bank"),
        )
    client.force_login(personas["family_center_staff"])
    with django_assert_max_num_queries(20):
        assert client.get("/referrals/inbox/").status_code == 200

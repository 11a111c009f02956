"""The reminder email's signed one-click "still correct" (issue #21 item 3), from the
email the scheduler job sends: the page changes nothing when opened, its one button
confirms the service as the admin it was sent to (audited, "via" the link), once; the
link expires, is bound to the service and to an active admin of its organization, and
a guessed, altered or other-purpose token is a 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from wayfinder.accounts.models import Membership
from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.directory.models import Service, ServiceVerification
from wayfinder.partners import still_correct
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.scheduling.jobs import JOBS

pytestmark = pytest.mark.django_db

JOB = next(job for job in JOBS if job.name == "verification_reminders")
LINK = re.compile(r"https?://\S+/partners/still-correct/([^/\s]+)/")


def stale(name: str) -> Service:
    service = make_service(org("food_bank"), name)
    Service.objects.filter(pk=service.pk).update(last_verified=timezone.localdate() - dt.timedelta(days=200))
    return service


def emailed_links(django_capture_on_commit_callbacks) -> dict[str, str]:
    """{service name: link path} from the reminder the job sends."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert JOB.function()() == 1
    [message] = mail.outbox
    out = {}
    for line_name, line_link in zip(message.body.splitlines(), message.body.splitlines()[1:], strict=False):
        if (match := LINK.search(line_link)) and line_name.startswith("- "):
            out[line_name[2:].split(" (")[0]] = f"/partners/still-correct/{match.group(1)}/"
    return out


def test_one_click_from_the_email_confirms_once_as_the_admin(client, personas, django_capture_on_commit_callbacks):
    pantry, diapers = stale("Weekly food pantry"), stale("Diaper bank")
    links = emailed_links(django_capture_on_commit_callbacks)
    assert set(links) == {"Weekly food pantry", "Diaper bank"} and links["Weekly food pantry"] != links["Diaper bank"]

    page = client.get(links["Weekly food pantry"])  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and "Weekly food pantry" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in page["Cache-Control"]
    assert not ServiceVerification.objects.filter(service=pantry).exists()

    done = client.post(links["Weekly food pantry"])
    assert done.status_code == 200 and "is marked as verified today" in done.content.decode()
    [row] = ServiceVerification.objects.filter(service=pantry)
    assert (row.by, row.source) == (personas["food_bank_admin"], "partner")
    pantry.refresh_from_db()
    assert pantry.last_verified == timezone.localdate()
    event = AuditEvent.objects.filter(action=names.DIRECTORY_SERVICE_VERIFIED, object_id=str(pantry.pk)).get()
    assert event.actor_id == personas["food_bank_admin"].pk
    assert event.data == {"source": "partner", "via": still_correct.VIA}
    assert not ServiceVerification.objects.filter(service=diapers).exists()  # one link, one service

    again = client.post(links["Weekly food pantry"])  # replay: spent
    assert again.status_code == 409 and "already confirmed" in again.content.decode()
    assert ServiceVerification.objects.filter(service=pantry).count() == 1
    assert "already confirmed" in client.get(links["Weekly food pantry"]).content.decode()


def test_the_link_expires(client, personas, django_capture_on_commit_callbacks):
    pantry = stale("Weekly food pantry")
    link = emailed_links(django_capture_on_commit_callbacks)["Weekly food pantry"]
    with time_machine.travel(timezone.now() + still_correct.VALID_FOR + dt.timedelta(hours=1)):
        assert client.get(link).status_code == 410
        response = client.post(link)
    assert response.status_code == 410 and "cannot be used" in response.content.decode()
    assert not ServiceVerification.objects.filter(service=pantry).exists()


def test_the_link_is_bound_to_an_active_admin_of_the_services_organization(client, personas):
    pantry = stale("Weekly food pantry")
    admin, staff = personas["food_bank_admin"], personas["food_bank_staff"]
    not_an_admin = f"/partners/still-correct/{still_correct.make_token(pantry.pk, staff.email)}/"
    assert client.post(not_an_admin).status_code == 410
    elsewhere = make_service(org("family_center"), "Homework club")
    other_org = f"/partners/still-correct/{still_correct.make_token(elsewhere.pk, admin.email)}/"
    assert client.post(other_org).status_code == 410
    link = f"/partners/still-correct/{still_correct.make_token(pantry.pk, admin.email)}/"
    Membership.objects.filter(user=admin, organization=pantry.organization).update(is_active=False)
    assert client.post(link).status_code == 410  # no longer an admin there
    assert not ServiceVerification.objects.exists()


def test_guessed_altered_and_other_purpose_tokens_are_not_found(client, personas):
    pantry = stale("Weekly food pantry")
    token = still_correct.make_token(pantry.pk, personas["food_bank_admin"].email)
    other_purpose = signing.TimestampSigner(salt="wayfinder.referrals.recipient-link").sign_object(
        {"s": str(pantry.pk), "a": "x"}
    )
    for bad in (
        "not-a-real-token",
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        other_purpose,
        "x" * 400,
    ):
        assert client.post(f"/partners/still-correct/{bad}/").status_code == 404, bad
        assert client.get(f"/partners/still-correct/{bad}/").status_code == 404, bad
    assert not ServiceVerification.objects.exists()


def test_a_service_confirmed_since_the_email_leaves_the_link_nothing_to_do(
    client, personas, django_capture_on_commit_callbacks
):
    pantry = stale("Weekly food pantry")
    link = emailed_links(django_capture_on_commit_callbacks)["Weekly food pantry"]
    reviewer = Client()
    reviewer.force_login(personas["reviewer"])
    assert reviewer.post(f"/partners/review/services/{pantry.pk}/verify/").status_code == 302
    assert "already confirmed" in client.get(link).content.decode()
    assert client.post(link).status_code == 409
    assert ServiceVerification.objects.filter(service=pantry).count() == 1

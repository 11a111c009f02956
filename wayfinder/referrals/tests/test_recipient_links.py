"""Recipient light (issue #21 item 1): the receiving organization, onboarded or not,
acts on a referral from the link in its email or text, without signing in; the
link is refused when guessed, expired, replayed, forwarded after closure, or once
the referral changed hands."""

from __future__ import annotations

import html as html_module
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from wayfinder.audit.models import AuditEvent
from wayfinder.notifications.models import OutboundMessage
from wayfinder.referrals import actions, closing, links
from wayfinder.referrals.models import FollowUp, Referral, ReferralEvent, ReferralLink, Status

from .conftest import org

pytestmark = pytest.mark.django_db

SHELTER_INTAKE = "intake@hopestreet.example"
LINK = re.compile(r"https?://\S+/referrals/r/[^/\s]+/")


@pytest.fixture
def to_shelter(world, personas, django_capture_on_commit_callbacks):
    """The food bank refers Amy to the shelter, which has not onboarded: its address
    in the directory gets the referral's email."""
    shelter = world.shelter_beds.organization
    shelter.email = SHELTER_INTAKE
    shelter.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return actions.create_referral(
            actor=personas["food_bank_staff"],
            resident=world.resident,
            service=world.shelter_beds,
            sending_organization=org("food_bank"),
            note="Needs a bed tonight",
        )


def _link_sent_to(address: str) -> str:
    messages = [m for m in mail.outbox if address in m.to]
    assert len(messages) == 1, [m.to for m in mail.outbox]
    return LINK.search(messages[0].body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _close(client, path: str, version: int, **extra):
    data = {"version": version, "provided": "no", "reason": "no_capacity", "experience": "Polite", **extra}
    return client.post(path + "close/", data)


def test_it_emails_a_not_onboarded_organization_a_link_that_works_without_signing_in(client, to_shelter):
    message = next(m for m in mail.outbox if SHELTER_INTAKE in m.to)
    assert "Emergency overnight shelter" in message.subject
    assert "/partners/join/claim/" in message.body  # one-click "join as a partner"
    assert "Amy" not in message.body and "Needs a bed" not in message.body  # no resident details by email

    page = client.get(_path(_link_sent_to(SHELTER_INTAKE)))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Emergency overnight shelter" in html and "Amy Brand" in html and "Needs a bed tonight" in html
    assert "8595550142" not in html and "1988" not in html  # only what the referral carries, never the record
    assert "/partners/join/claim/" in html
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"
    read = AuditEvent.objects.filter(action="referral.viewed", object_id=str(to_shelter.pk)).last()
    assert read.actor_id is None and read.actor_label == "recipient_link" and read.legal_basis == "referral"
    assert read.resident_id == str(to_shelter.resident_id)


def _to_family_center(world, personas, capture):
    mail.outbox.clear()
    with capture(execute=True):
        return actions.create_referral(
            actor=personas["food_bank_staff"], resident=world.resident, service=world.formula,
            sending_organization=org("food_bank"),
        )  # fmt: skip


def test_the_staff_of_an_onboarded_organization_get_their_own_link_and_the_inbox(
    client, world, personas, django_capture_on_commit_callbacks
):
    referral = _to_family_center(world, personas, django_capture_on_commit_callbacks)
    address = personas["family_center_staff"].email
    message = next(m for m in mail.outbox if address in m.to)
    assert f"/referrals/{referral.pk}/" in message.body  # the inbox, for those who sign in
    assert client.get(_path(_link_sent_to(address))).status_code == 200
    assert ReferralLink.objects.get(referral=referral, contact=address).channel == "email"


def test_the_stored_copy_of_the_email_loses_the_link_once_delivered(to_shelter):
    stored = OutboundMessage.objects.get(to=SHELTER_INTAKE)
    assert stored.status == OutboundMessage.Status.SENT
    assert "/referrals/r/" not in stored.body and "[removed after delivery]" in stored.body
    link = ReferralLink.objects.get(referral=to_shelter, contact=SHELTER_INTAKE)
    assert link.secret_hash not in _link_sent_to(SHELTER_INTAKE)  # only a hash is kept


def test_a_text_to_the_partner_number_carries_a_link(
    client, settings, world, personas, django_capture_on_commit_callbacks
):
    from wayfinder.notifications.sms import MemorySmsBackend

    partner = org("family_center").partner
    partner.referral_sms_number = "+18595550177"
    partner.save()
    settings.SMS_BACKEND = "wayfinder.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    _to_family_center(world, personas, django_capture_on_commit_callbacks)
    text = next(m for m in MemorySmsBackend.outbox if m.to == "+18595550177")
    assert client.get(_path(LINK.search(text.body).group(0))).status_code == 200


def test_the_organization_sets_in_progress_adds_a_note_and_closes_from_the_link(client, to_shelter):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    response = client.post(path + "start/", {"version": to_shelter.version, "name": "Jo at intake"})
    assert response.status_code == 302
    referral = Referral.objects.get(pk=to_shelter.pk)
    assert referral.status == Status.IN_PROGRESS

    assert client.post(path + "note/", {"body": "We have a bed from 7 pm", "name": "Jo"}).status_code == 302
    assert _close(client, path, referral.version).status_code == 200

    referral = Referral.objects.get(pk=to_shelter.pk)
    assert referral.status == Status.CLOSED and referral.resource_provided is False
    assert referral.not_provided_reason == "no_capacity" and referral.closed_by is None
    events = {e.kind: e for e in referral.events.all()}
    for kind in (ReferralEvent.Kind.STATUS_CHANGED, ReferralEvent.Kind.NOTE_ADDED, ReferralEvent.Kind.CLOSED):
        assert events[kind].data["via"] == "recipient_link" and events[kind].actor is None
    assert events[ReferralEvent.Kind.CLOSED].actor_organization_id == org("shelter").pk
    assert events[ReferralEvent.Kind.STATUS_CHANGED].data["name"] == "Jo at intake"
    assert referral.notes.get().author_display == "Jo"
    audited = AuditEvent.objects.filter(object_id=str(referral.pk), actor_label="recipient_link")
    assert {"referral.status_changed", "referral.note_added", "referral.closed"} <= set(
        audited.values_list("action", flat=True)
    )
    # The specialists need not chase it any more.
    assert not FollowUp.objects.filter(referral=referral, state=FollowUp.State.OPEN).exists()


def test_the_sender_sees_the_outcome_and_who_closed_it(client, to_shelter, personas):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    _close(client, path, to_shelter.version, name="Jo")
    client.force_login(personas["food_bank_staff"])
    html = client.get(f"/referrals/{to_shelter.pk}/").content.decode()
    assert "Not provided: No capacity" in html
    assert "Jo, by the recipient's emailed link" in html_module.unescape(html), html[html.find("History") :]
    assert "data-handled-by-link" in html


def test_a_replayed_state_change_does_nothing(client, to_shelter):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    data = {"version": to_shelter.version}
    assert client.post(path + "start/", data).status_code == 302
    referral = Referral.objects.get(pk=to_shelter.pk)
    # The same request again, and again with the version now current: done once per link.
    assert client.post(path + "start/", data).status_code == 409
    assert client.post(path + "start/", {"version": referral.version}).status_code == 409
    assert Referral.objects.get(pk=to_shelter.pk).version == referral.version
    assert referral.events.filter(kind=ReferralEvent.Kind.STATUS_CHANGED).count() == 1

    client.post(path + "note/", {"body": "Call us"})
    client.post(path + "note/", {"body": "Call us"})  # a double tap
    assert referral.notes.count() == 1

    assert _close(client, path, referral.version).status_code == 200
    replay = _close(client, path, referral.version)
    assert replay.status_code == 410
    assert referral.events.filter(kind=ReferralEvent.Kind.CLOSED).count() == 1


def test_a_stale_form_gets_the_current_state_instead_of_overwriting(client, to_shelter, personas):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    stale = to_shelter.version
    client.post(path + "note/", {"body": "first"})  # notes do not change the version
    other = ReferralLink.objects.filter(referral=to_shelter).exclude(contact=SHELTER_INTAKE).get()
    assert other.contact == personas["shelter_staff"].email  # a colleague's link moves it first
    actions.change_status(
        actor=None, referral=to_shelter, to_status=Status.IN_PROGRESS, expected_version=stale, link=other
    )
    response = _close(client, path, stale)
    assert response.status_code == 409 and "nothing you sent was saved" in response.content.decode()
    assert Referral.objects.get(pk=to_shelter.pk).status == Status.IN_PROGRESS


def test_a_guessed_or_altered_token_is_a_404_that_names_nothing(client, to_shelter):
    url = _link_sent_to(SHELTER_INTAKE)
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = ReferralLink.objects.get(referral=to_shelter, contact=SHELTER_INTAKE)
    guesses = [
        "not-a-token",
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        links.make_token(link.pk, "guessed-secret"),  # right signature, wrong secret
        links.make_token(link.pk + 1000, "x"),
        "x" * 500,
    ]
    for guess in guesses:
        for suffix, method in (("", "get"), ("start/", "post"), ("note/", "post"), ("close/", "post")):
            response = getattr(client, method)(f"/referrals/r/{guess}/{suffix}", {"version": 1, "body": "x"})
            assert response.status_code == 404, (guess, suffix)
            assert "Emergency overnight shelter" not in response.content.decode()
    assert Referral.objects.get(pk=to_shelter.pk).status == Status.NEW and not to_shelter.notes.exists()


def test_an_expired_link_shows_nothing_and_changes_nothing(client, settings, to_shelter):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    with time_machine.travel(timezone.now() + timedelta(days=settings.REFERRAL_LINK_DAYS, minutes=1)):
        page = client.get(path)
        assert page.status_code == 410 and "Amy" not in page.content.decode()
        assert client.post(path + "start/", {"version": to_shelter.version}).status_code == 410
    assert Referral.objects.get(pk=to_shelter.pk).status == Status.NEW


def test_the_expiry_is_configurable(settings, world, personas):
    settings.REFERRAL_LINK_DAYS = 3
    referral = actions.create_referral(
        actor=personas["food_bank_staff"], resident=world.resident, service=world.formula,
        sending_organization=org("food_bank"),
    )  # fmt: skip
    link = referral.links.first()
    assert link.expires_at - link.created_at == timedelta(days=3)


def test_a_forwarded_message_reveals_nothing_after_closure(client, to_shelter, personas):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    _close(client, path, to_shelter.version)
    forwarded = client.__class__()  # someone else, another browser
    for opener in (client, forwarded):
        page = opener.get(path)
        assert page.status_code == 200
        html = page.content.decode()
        assert "This referral is closed" in html
        assert "Amy" not in html and "Needs a bed" not in html and "We have" not in html
    assert forwarded.post(path + "note/", {"body": "hello"}).status_code == 410
    assert not Referral.objects.get(pk=to_shelter.pk).notes.exists()


def test_a_forwarded_link_acts_only_on_its_referral_and_signs_nobody_in(client, to_shelter):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    assert client.get(path).status_code == 200
    assert client.get("/referrals/inbox/").status_code == 302  # still not signed in
    assert client.get(f"/referrals/{to_shelter.pk}/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_link_closed_elsewhere_shows_only_that_it_is_closed(client, to_shelter, personas):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    follow_up = FollowUp.objects.get(referral=to_shelter)
    follow_up.closable_from = timezone.now() - timedelta(minutes=1)
    follow_up.save()
    closing.close_referral(
        actor=personas["specialist"], referral=to_shelter, expected_version=to_shelter.version,
        provided=True, experience="ok", as_specialist=True,
    )  # fmt: skip
    html = client.get(path).content.decode()
    assert "This referral is closed" in html and "Amy" not in html


def test_links_stop_working_when_the_referral_changes_hands(client, to_shelter, world):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    Referral.objects.filter(pk=to_shelter.pk).update(receiving_organization=org("family_center"))
    assert client.get(path).status_code == 410
    Referral.objects.filter(pk=to_shelter.pk).update(receiving_organization=org("shelter"))
    assert client.get(path).status_code == 200
    links.revoke_links(to_shelter)
    assert client.get(path).status_code == 410


def test_a_link_stops_working_when_its_contact_no_longer_receives_the_referrals(client, to_shelter, personas):
    from wayfinder.accounts.models import Membership

    directory_path = _path(_link_sent_to(SHELTER_INTAKE))
    staff_path = _path(_link_sent_to(personas["shelter_staff"].email))
    shelter = org("shelter")
    shelter.email = "new-intake@hopestreet.example"  # the organization changed its address
    shelter.save()
    assert client.get(directory_path).status_code == 410
    Membership.objects.filter(user=personas["shelter_staff"]).update(is_active=False)  # left the organization
    assert client.get(staff_path).status_code == 410


def test_specialists_see_which_referrals_the_organization_handled_from_its_link(client, to_shelter, personas):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    client.force_login(personas["specialist"])
    assert "data-handled-by-link" not in client.get("/referrals/follow-ups/").content.decode()
    client.logout()
    client.post(path + "start/", {"version": to_shelter.version})
    client.force_login(personas["specialist"])
    assert "data-handled-by-link" in client.get("/referrals/follow-ups/").content.decode()
    assert "data-handled-by-link" in client.get(f"/referrals/{to_shelter.pk}/").content.decode()


def test_the_close_form_asks_the_inbox_questions(client, to_shelter):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    assert "How was your experience with the resident?" in client.get(path + "close/").content.decode()
    response = client.post(path + "close/", {"version": to_shelter.version, "provided": "no", "experience": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert Referral.objects.get(pk=to_shelter.pk).status == Status.NEW


def test_the_link_page_is_in_spanish(client, to_shelter):
    path = _path(_link_sent_to(SHELTER_INTAKE))
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Marcar En curso" in html and "Cerrar y registrar el resultado" in html

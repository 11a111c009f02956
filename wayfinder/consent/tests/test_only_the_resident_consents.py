"""Only the resident gives consent (issue #13 item 1, issue #14 item 9).

The review's attack: a staff member sends the consent request to their own inbox
(general, then Part 2), opens it and grants with the resident's typed name; or
records a pre-consent on a referral. Each path is repeated here over HTTP and must
fail, while the resident's own paths keep working."""

from __future__ import annotations

import re

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.consent.models import Consent, ConsentRequest, ContactVerification
from wayfinder.consent.statements import VERBAL_STATEMENTS
from wayfinder.consent.tests.conftest import consent_request_data
from wayfinder.residents.models import ContactPoint

pytestmark = pytest.mark.django_db

STAFF_INBOX = "marcus.own.inbox@example.org"
ALL_STATEMENTS = {f"ack_{code}": "on" for code, _text in VERBAL_STATEMENTS}


def link_in(body: str, path: str) -> str:
    return re.search(rf"https?://\S+{path}\S+/", body).group(0)


@pytest.fixture
def send(staff_client, django_capture_on_commit_callbacks):
    """POST as staff with the outbox delivered (messages land in mailoutbox / sms_outbox)."""

    def post(path, data, persona="food_bank_staff"):
        with django_capture_on_commit_callbacks(execute=True):
            return staff_client(persona).post(path, data)

    return post


def test_a_staff_typed_destination_receives_nothing(send, jolene, mailoutbox, sms_outbox):
    response = send(
        f"/consent/request/{jolene.pk}/", {"channel": "email", "destination": STAFF_INBOX, "scope": "general"}
    )
    assert response.status_code == 400
    response = send(f"/consent/request/{jolene.pk}/", {"contact": STAFF_INBOX, "scope": "part2"})
    assert response.status_code == 400
    assert not ConsentRequest.objects.exists() and mailoutbox == [] and sms_outbox == []
    assert not ContactPoint.objects.filter(value__iexact=STAFF_INBOX).exists()


def test_another_residents_contact_cannot_be_chosen(send, jolene, personas):
    from wayfinder.demo.residents import AMY_RESIDENT_ID
    from wayfinder.residents.models import Resident

    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    response = send(f"/consent/request/{jolene.pk}/", consent_request_data(amy, "email"))
    assert response.status_code == 400 and not ConsentRequest.objects.exists()


def test_a_new_contact_is_confirmed_by_the_resident_before_it_gets_a_request(
    send, jolene, mailoutbox, client, staff_client
):
    response = send(f"/consent/contact/{jolene.pk}/", {"kind": "email", "value": STAFF_INBOX})
    assert response.status_code == 302
    contact = ContactPoint.objects.get(value=STAFF_INBOX)
    assert contact.source == "organization"
    # Not a destination until confirmed.
    response = send(f"/consent/request/{jolene.pk}/", {"contact": str(contact.pk), "scope": "general"})
    assert response.status_code == 400 and not ConsentRequest.objects.exists()

    [message] = mailoutbox
    assert message.to == [STAFF_INBOX] and "Jolene" not in message.body  # the name never goes to a new address
    link = link_in(message.body, "/consent/v/")
    # The staff member, signed in, cannot confirm it at their desk.
    staff = staff_client("food_bank_staff")
    refused = staff.post(link, {"decision": "mine"})
    assert refused.status_code == 403 and "signed in as staff" in refused.content.decode()
    assert ContactVerification.objects.get().status == "pending"

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Bluegrass Community Food Bank" in page.content.decode()
    assert "Jolene" not in page.content.decode()
    assert client.post(link, {"decision": "mine"}).status_code == 200
    assert ContactVerification.objects.get().status == "confirmed"
    assert AuditEvent.objects.filter(action="consent.contact_confirmed").exists()

    # Now a general request may go there; a Part 2 request never does.
    assert send(f"/consent/request/{jolene.pk}/", {"contact": str(contact.pk), "scope": "general"}).status_code == 302
    part2 = send(f"/consent/request/{jolene.pk}/", {"contact": str(contact.pk), "scope": "part2"})
    assert part2.status_code == 400 and "Part 2" in part2.content.decode()
    assert list(ConsentRequest.objects.values_list("scope", "sent_to")) == [("general", STAFF_INBOX)]


def test_a_contact_the_resident_does_not_recognise_is_removed(send, jolene, mailoutbox, client):
    send(f"/consent/contact/{jolene.pk}/", {"kind": "phone", "value": "859-555-0177"})
    assert ContactPoint.objects.filter(value="8595550177").exists()
    client.logout()
    # The text went to the number; take the link from the stored message... which is
    # redacted after delivery, so from the SMS actually sent.
    from wayfinder.notifications.sms import MemorySmsBackend

    [text] = [m for m in MemorySmsBackend.outbox if m.to == "8595550177"]
    assert client.post(link_in(text.body, "/consent/v/"), {"decision": "not_mine"}).status_code == 200
    assert ContactPoint.objects.get(value="8595550177").retired_at is not None


@pytest.fixture(autouse=True)
def _memory_sms(sms_outbox):
    return sms_outbox


def test_a_signed_in_staff_member_cannot_answer_a_consent_link(send, jolene, mailoutbox, staff_client):
    send(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "email"))
    link = link_in(mailoutbox[0].body, "/consent/r/")
    staff = staff_client("food_bank_staff")
    response = staff.post(link, {"decision": "grant"})
    assert response.status_code == 400 and "signed in as staff" in response.content.decode()
    assert not Consent.objects.filter(resident=jolene).exists()


def test_the_consent_screen_names_the_organization_and_who_asked(send, jolene, mailoutbox, client):
    send(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "email"))
    assert "Requested by: Marcus Hill" in mailoutbox[0].body
    client.logout()
    page = client.get(link_in(mailoutbox[0].body, "/consent/r/")).content.decode()
    assert "Bluegrass Community Food Bank asks to see your record" in page
    assert "Requested by Marcus Hill" in page


@pytest.mark.parametrize(
    "typed,accepted",
    [
        ("Jolene Caudill", True),
        ("  jolene   CAUDILL ", True),
        ("Caudill, Jolene", True),
        ("Marcus Hill", False),
        ("Jolene", False),
        ("Jolene Caudill Hill", False),
    ],
)
def test_a_part2_signature_must_be_the_residents_name(send, jolene, mailoutbox, client, typed, accepted):
    send(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "email", "part2"))
    client.logout()
    response = client.post(link_in(mailoutbox[0].body, "/consent/r/"), {"decision": "grant", "signature_name": typed})
    assert Consent.objects.filter(resident=jolene, scope="part2").exists() is accepted
    if not accepted:
        assert response.status_code == 400
        assert "does not match the name on your record" in response.content.decode()
        assert ConsentRequest.objects.get().status == "pending"  # the link still works for the resident


def test_an_older_link_says_consent_is_already_given(send, jolene, mailoutbox, client):
    send(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "email"))
    send(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "email"))
    older, newer = (link_in(m.body, "/consent/r/") for m in mailoutbox[:2])
    client.logout()
    client.post(newer, {"decision": "grant"})
    page = client.get(older)
    assert page.status_code == 200 and "Consent already given" in page.content.decode()
    assert "Yes, I agree" not in page.content.decode()
    assert client.post(older, {"decision": "grant"}).status_code == 200
    assert Consent.objects.filter(resident=jolene).count() == 1
    assert ConsentRequest.objects.filter(status="superseded").count() == 1


def test_verbal_consent_is_confirmed_to_the_resident_with_one_click_revocation(
    send, jolene, mailoutbox, client, staff_client
):
    assert send(f"/consent/verbal/{jolene.pk}/", ALL_STATEMENTS).status_code == 302
    consent = Consent.objects.get(resident=jolene)
    assert consent.method == "verbal"
    [confirmation] = [m for m in mailoutbox if m.to == ["jolene@example.com"]]
    assert "Bluegrass Community Food Bank can now see your Wayfinder record" in confirmation.subject
    assert "Recorded by: Marcus Hill" in confirmation.body
    link = link_in(confirmation.body, "/consent/x/")
    assert consent.revoke_token_hash and link.rstrip("/").rsplit("/", 1)[-1] not in consent.revoke_token_hash

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Take back my consent" in page.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is None  # opening the link changes nothing
    done = client.post(link)
    assert done.status_code == 200 and "Consent taken back" in done.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_reason == "resident"
    revoked = AuditEvent.objects.get(action="consent.revoked")
    assert revoked.actor_label == "resident (via revocation link)"
    page = staff_client("food_bank_staff").get(f"/clients/{jolene.pk}/").content.decode()
    assert 'data-access="limited"' in page
    assert client.get(link).status_code == 404


def test_verbal_consent_needs_a_contact_to_confirm_it_to(send, jolene):
    jolene.contacts.update(retired_at="2020-01-01T00:00:00Z")
    response = send(f"/consent/verbal/{jolene.pk}/", ALL_STATEMENTS)
    assert response.status_code == 400 and "no contact the resident confirmed" in response.content.decode()
    assert not Consent.objects.filter(resident=jolene).exists()


def test_revoking_general_consent_ends_part2_too_and_says_so(send, jolene, mailoutbox, client, personas):
    from wayfinder.consent import actions

    jolene.user = personas["resident"].__class__.objects.create_user("jolene.account@example.org", "x" * 20)
    jolene.save()
    food_bank = personas["food_bank_staff"].memberships.get().organization
    actions.grant_consent(resident=jolene, organization=food_bank, actor=jolene.user)
    actions.grant_consent(
        resident=jolene, organization=food_bank, actor=jolene.user, scope="part2", signature_name="Jolene Caudill"
    )
    general = Consent.objects.get(resident=jolene, scope="general")
    client.force_login(jolene.user)
    response = client.post(f"/my-plan/consents/{general.pk}/revoke/", {"version": general.version}, follow=True)
    assert "can no longer see your record, including substance use treatment records" in response.content.decode()
    assert not Consent.objects.filter(resident=jolene, revoked_at=None).exists()


def test_revoking_part2_alone_keeps_general_and_says_so(client, jolene, personas):
    from wayfinder.consent import actions

    jolene.user = personas["resident"].__class__.objects.create_user("jolene.account@example.org", "x" * 20)
    jolene.save()
    food_bank = personas["food_bank_staff"].memberships.get().organization
    actions.grant_consent(resident=jolene, organization=food_bank, actor=jolene.user)
    part2 = actions.grant_consent(
        resident=jolene, organization=food_bank, actor=jolene.user, scope="part2", signature_name="Jolene Caudill"
    )
    client.force_login(jolene.user)
    response = client.post(f"/my-plan/consents/{part2.pk}/revoke/", {"version": part2.version}, follow=True)
    assert "Your general consent stays" in response.content.decode()
    assert list(Consent.objects.filter(resident=jolene, revoked_at=None).values_list("scope", flat=True)) == ["general"]


def test_my_plan_shows_who_recorded_a_consent(send, client, personas):
    from wayfinder.demo.residents import AMY_RESIDENT_ID

    assert send(f"/consent/verbal/{AMY_RESIDENT_ID}/", ALL_STATEMENTS, persona="family_center_staff").status_code == 302
    client.force_login(personas["resident"])
    page = client.get("/my-plan/consents/").content.decode()
    assert "Lexington Family Resource Center" in page and "Recorded by Rosa Delgado." in page

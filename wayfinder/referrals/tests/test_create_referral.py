"""Creating referrals: no consent needed, the receiving partner is emailed, the
resident is told, non-onboarded organizations go to the specialists."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import message_text
from wayfinder.audit.models import AuditEvent
from wayfinder.consent.models import Consent
from wayfinder.referrals import actions
from wayfinder.referrals.models import FollowUp, Origin, Referral, Status
from wayfinder.referrals.tests.conftest import org

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refers_without_consent_and_emails_the_receiving_partner(world, personas, smtp_server):
    staff = personas["food_bank_staff"]
    referral = actions.create_referral(
        actor=staff,
        resident=world.resident,
        service=world.formula,
        sending_organization=org("food_bank"),
        note="Needs formula this week",
    )
    assert referral.status == Status.NEW
    assert referral.receiving_organization == org("family_center")
    assert not referral.to_non_onboarded
    assert not Consent.objects.filter(resident=world.resident, organization=org("family_center")).exists()

    smtp_server.wait_for(2)
    [to_partner] = smtp_server.to("staff@lexfamilycenter.demo.wayfinder.test")
    assert to_partner["Subject"] == "New referral: Free infant formula"
    assert "Amy" not in message_text(to_partner)  # no resident details in email
    [to_resident] = smtp_server.to("amy.brand@demo.wayfinder.test")
    assert "Lexington Family Resource Center" in message_text(to_resident)
    assert "859-555-0142" in message_text(to_resident)
    assert referral.events.get().kind == "created"
    assert AuditEvent.objects.filter(action="referral.created", object_id=str(referral.pk)).exists()


def test_residents_who_prefer_text_get_a_text(world, personas, settings):
    from wayfinder.notifications.sms import MemorySmsBackend

    settings.SMS_BACKEND = "wayfinder.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    world.resident.notification_channel = "sms"
    world.resident.save()
    actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=world.resident,
        service=world.child_care,
        sending_organization=org("food_bank"),
    )
    [text] = [m for m in MemorySmsBackend.outbox if m.to == "8595550142"]
    assert "Lexington Family Resource Center" in text.body


def test_a_referral_to_a_non_onboarded_organization_goes_to_the_specialists(world, personas, smtp_server):
    referral = actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=world.resident,
        service=world.shelter_beds,
        sending_organization=org("food_bank"),
    )
    assert referral.to_non_onboarded
    follow_up = FollowUp.objects.get(referral=referral)
    assert follow_up.kind == FollowUp.Kind.NON_ONBOARDED
    assert (follow_up.closable_from - referral.created_at).days == 14
    smtp_server.wait_for(1)
    assert smtp_server.to("staff@hopestreet.demo.wayfinder.test") == []  # no inbox to notify


def test_staff_only_offer_pre_consent_and_the_resident_decides(world, personas):
    from wayfinder.consent.models import ConsentRequest

    actions.create_referral(
        actor=personas["food_bank_staff"], resident=world.resident, service=world.formula,
        sending_organization=org("food_bank"), pre_consent=True,
    )  # fmt: skip
    assert not Consent.objects.filter(resident=world.resident, organization=org("family_center")).exists()
    offer = ConsentRequest.objects.get(resident=world.resident, organization=org("family_center"))
    assert offer.kind == "pre_consent" and offer.contact.source == "eligibility"


def test_a_resident_referring_themselves_may_pre_consent(world, personas):
    actions.create_referral(
        actor=personas["resident"], resident=world.resident, service=world.formula, origin=Origin.SELF,
        pre_consent=True,
    )  # fmt: skip
    consent = Consent.objects.get(resident=world.resident, organization=org("family_center"))
    assert consent.method == "pre_consent" and consent.recorded_by == personas["resident"]


def test_several_referrals_from_favorites_are_all_or_nothing(world, personas):
    staff = personas["food_bank_staff"]
    world.child_care.status = "inactive"
    world.child_care.save()
    with pytest.raises(ValidationError):
        actions.create_referrals(
            actor=staff, resident=world.resident, sending_organization=org("food_bank"),
            choices=[actions.ServiceChoice(world.formula), actions.ServiceChoice(world.child_care)],
        )  # fmt: skip
    assert Referral.objects.count() == 0


def test_staff_refer_only_for_their_own_organization(world, personas):
    with pytest.raises(PermissionDenied):
        actions.create_referral(
            actor=personas["food_bank_staff"],
            resident=world.resident,
            service=world.formula,
            sending_organization=org("family_center"),
        )


def test_a_resident_can_refer_themselves(world, personas, client):
    client.force_login(personas["resident"])
    # The service page's button opens a confirmation (with an optional note); nothing is sent yet.
    confirmation = client.post(f"/referrals/self/{world.pantry.pk}/")
    assert confirmation.status_code == 200 and not Referral.objects.exists()
    assert "Send my referral" in confirmation.content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', confirmation.content.decode()).group(1)
    response = client.post(
        f"/referrals/self/{world.pantry.pk}/", {"step": "send", "form_token": token, "note": "Mornings are best."}
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.note == "Mornings are best."
    assert referral.origin == Origin.SELF and referral.sending_organization is None
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "Weekly food pantry" in page.content.decode()


def test_partners_who_opt_in_get_a_text_for_new_referrals(world, personas, settings, client):
    from wayfinder.notifications.sms import MemorySmsBackend

    settings.SMS_BACKEND = "wayfinder.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    from wayfinder.accounts.models import Membership

    admin = personas["family_center_staff"]
    Membership.objects.filter(user=admin).update(role="admin")
    client.force_login(admin)
    response = client.post("/referrals/notifications/", {"referral_sms_number": "12"})
    assert "Enter a 10-digit US mobile number." in response.content.decode()
    assert client.post("/referrals/notifications/", {"referral_sms_number": "(859) 555-0199"}).status_code == 302
    from wayfinder.audit.models import AuditEvent

    [changed] = AuditEvent.objects.filter(action="partner.referral_sms_changed")
    assert changed.actor_id == admin.pk and changed.data == {"opted_in": True, "was_opted_in": False}
    client.post("/referrals/notifications/", {"referral_sms_number": "(859) 555-0199"})  # unchanged: no entry
    assert AuditEvent.objects.filter(action="partner.referral_sms_changed").count() == 1

    actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=world.resident,
        service=world.formula,
        sending_organization=org("food_bank"),
    )
    assert any(m.to == "+18595550199" and "new referral" in m.body for m in MemorySmsBackend.outbox)

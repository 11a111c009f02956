"""Referrals in Spanish: the partner's inbox and referral page, the resident's view
of it, and the messages, each in its reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.spanish import assert_spanish, in_spanish
from wayfinder.notifications.models import OutboundMessage
from wayfinder.referrals import actions
from wayfinder.referrals.tests.conftest import org

pytestmark = pytest.mark.django_db


def test_the_inbox_is_in_spanish(client, personas, referral):
    client.force_login(personas["family_center_staff"])
    in_spanish(client)
    assert_spanish(
        client.get("/referrals/inbox/"),
        present=[
            "<h1>Referidos recibidos</h1>",
            "Nombre del cliente",
            "Cualquier estado",
            "Mostrar referidos",
            "Free infant formula",
            "Nuevo",
            "Página 1",
        ],
        absent=["Referral inbox", "Show referrals", "Client name", "Any status"],
    )


def test_a_referral_page_is_in_spanish_for_the_partner(client, personas, referral):
    client.force_login(personas["family_center_staff"])
    in_spanish(client)
    assert_spanish(
        client.get(f"/referrals/{referral.pk}/"),
        present=[
            "Referido para Free infant formula",
            "Organización que lo recibe",
            "Nota de quien lo envió",
            "Trabajar este referido",
            "Actualizar estado",
            "En curso",
            "Cerrar referido",
            "Historial",
            "Creado",
        ],
        absent=["Work this referral", "Receiving organization", "Close referral", "History"],
    )
    assert_spanish(
        client.get(f"/referrals/{referral.pk}/close/"),
        present=[
            "¿Se dio el recurso?",
            "No se pudo contactar al residente",
            "¿Cómo fue su experiencia con el residente?",
        ],
        absent=["Was the resource provided?", "Unable to reach the resident"],
    )


def test_a_referral_page_is_in_spanish_for_the_resident(client, personas, referral):
    client.force_login(personas["resident"])
    in_spanish(client)
    assert_spanish(
        client.get(f"/referrals/{referral.pk}/"),
        present=["Referido para Free infant formula", "<dd>Usted</dd>", "Estado", "Nuevo"],
        absent=["Referral for", "Receiving organization", "Work this referral"],
    )
    assert_spanish(
        client.get("/my-plan/"),
        present=["Free infant formula", "Enviado el"],
        absent=["Sent "],
    )
    assert_spanish(
        client.get(f"/referrals/{referral.pk}/"), present=["Cómo comunicarse con ellos"], absent=["How to reach them"]
    )


def test_each_message_is_written_in_its_readers_language(world, personas):
    """A Spanish-speaking resident is told in Spanish, even when the staff member who
    refers works in English; the partner's staff (English) are told in English, even
    when the referral is made from the Spanish pages."""
    world.resident.preferred_language = "es"
    world.resident.save(update_fields=["preferred_language"])
    with translation.override("es"):
        actions.create_referral(
            actor=personas["food_bank_staff"],
            resident=world.resident,
            service=world.formula,
            sending_organization=org("food_bank"),
        )
    to_resident = OutboundMessage.objects.get(kind="referral_resident")
    assert to_resident.subject == "Tiene un referido a Lexington Family Resource Center"
    assert "Hola:" in to_resident.body and "Puede seguir este referido en Mi plan:" in to_resident.body
    assert "Teléfono: 859-555-0142" in to_resident.body
    to_partner = OutboundMessage.objects.get(kind="referral_new", to=personas["family_center_staff"].email)
    assert to_partner.subject == "New referral: Free infant formula"
    assert "Bluegrass Community Food Bank sent Lexington Family Resource Center a referral" in to_partner.body

    world.resident.notification_channel = "sms"
    world.resident.save(update_fields=["notification_channel"])
    actions.create_referral(
        actor=personas["food_bank_staff"], resident=world.resident, service=world.child_care,
        sending_organization=org("food_bank"),
    )  # fmt: skip
    text = OutboundMessage.objects.get(kind="referral_resident", channel="sms")
    assert text.body == (
        "Wayfinder: tiene un referido a Lexington Family Resource Center (Child care referrals). Llame al 859-555-0142."
    )

"""Consent in Spanish: the text message reaches a Spanish-speaking resident in
Spanish, the page the link opens and its answer are in Spanish, and so are the
staff pages that ask for consent."""

from __future__ import annotations

import re

import pytest

from tests.spanish import assert_spanish, in_spanish
from wayfinder.consent.models import Consent
from wayfinder.consent.tests.conftest import consent_request_data

pytestmark = pytest.mark.django_db


def _link(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def test_a_resident_who_reads_spanish_gets_the_request_and_the_page_in_spanish(
    staff_client, jolene, sms_outbox, client, django_capture_on_commit_callbacks
):
    jolene.preferred_language = "es"
    jolene.save(update_fields=["preferred_language"])
    staff = staff_client("family_center_staff")  # works in English
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "text"))
    [text] = sms_outbox
    assert "Lexington Family Resource Center pide ver su expediente de Wayfinder" in text.body
    assert "asks to see" not in text.body

    client.logout()
    in_spanish(client)
    link = _link(text.body)
    assert_spanish(
        client.get(link),
        present=[
            "Lexington Family Resource Center pide ver su expediente",
            "Si usted acepta, verán:",
            "Su nombre, fecha de nacimiento y datos de contacto",
            "Puede retirar su consentimiento en cualquier momento en Mi plan",
            "Sí, estoy de acuerdo",
            "No, no acepto",
        ],
        absent=["asks to see your record", "If you agree", "Yes, I agree", "No, decline"],
    )
    assert_spanish(
        client.post(link, {"decision": "grant"}),
        present=["Consentimiento dado", "ya puede ver su expediente"],
        absent=["Consent given", "can now see your record"],
    )
    assert Consent.objects.filter(resident=jolene).exists()
    assert_spanish(
        client.get(link),
        present=["Consentimiento ya dado", "No hay nada más que hacer."],
        absent=["Consent already given", "There is nothing more to do."],
    )


def test_a_part2_request_shows_the_federal_law_notice_in_spanish(
    staff_client, jolene, sms_outbox, client, django_capture_on_commit_callbacks
):
    staff = staff_client()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "text", "part2"))
    client.logout()
    in_spanish(client)
    assert_spanish(
        client.get(_link(sms_outbox[0].body)),
        present=[
            "protegida por la ley federal (42 CFR Parte 2). Firme escribiendo su nombre completo tal como figura en su "
            "expediente.",
            "Información de programas de tratamiento de trastornos por consumo de sustancias",
            "Escriba su nombre completo para firmar",
        ],
        absent=["protected by federal law", "Type your full name"],
    )


def test_staff_ask_for_consent_in_spanish(staff_client, jolene):
    staff = in_spanish(staff_client("family_center_staff"))
    assert_spanish(
        staff.get(f"/consent/request/{jolene.pk}/"),
        present=["Pedir consentimiento a Jolene", "Enviar la solicitud a", "Mensaje de texto", "Enviar solicitud"],
        absent=["Request consent from", "Send the request to", "Send request"],
    )
    assert_spanish(
        staff.get(f"/consent/verbal/{jolene.pk}/"),
        present=[
            "Consentimiento verbal de Jolene",
            "Lexington Family Resource Center pide ver su expediente de Wayfinder",
            "Usted puede decir que no.",
            "Usted acepta que Lexington Family Resource Center vea su expediente para este fin.",
        ],
        absent=["Verbal consent from", "You can say no", "You agree that"],
    )

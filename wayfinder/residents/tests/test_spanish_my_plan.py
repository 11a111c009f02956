"""My Plan and the staff's client pages in Spanish (Amy Brand's record: consent
given to the food bank, not to the family center)."""

from __future__ import annotations

import pytest

from tests.spanish import assert_spanish, in_spanish
from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident_es(client, personas):
    client.force_login(personas["resident"])
    return in_spanish(client)


def test_my_plan_is_in_spanish(resident_es):
    assert_spanish(
        resident_es.get("/my-plan/"),
        present=[
            "<h1>Mi plan</h1>",
            "Hola, Amy.",
            "Mis referidos",
            "Mis necesidades",
            "Organizaciones que pueden ver mi expediente",
            "Bluegrass Community Food Bank — Expediente completo (consentimiento general)",
            "Quién vio mi expediente",
            "Imprimir mi historial (PDF)",
        ],
        absent=["My referrals", "Who can see my record", "Full record (general consent)", "Welcome, Amy"],
    )


def test_who_can_see_my_record_and_taking_consent_back_are_in_spanish(resident_es):
    assert_spanish(
        resident_es.get("/my-plan/consents/"),
        present=[
            "Quién puede ver mi expediente",
            "Retirar consentimiento",
            "Dar consentimiento a una organización",
            "El consentimiento de la Parte 2 permite",
            "Registros de tratamiento por consumo de sustancias (42 CFR Parte 2)",
        ],
        absent=["Take back consent", "Give consent", "Part 2 consent lets"],
    )
    consent = Resident.objects.get(pk=AMY_RESIDENT_ID).consents.get(revoked_at__isnull=True)
    response = resident_es.post(f"/my-plan/consents/{consent.pk}/revoke/", {"version": consent.version}, follow=True)
    assert_spanish(
        response,
        present=["Bluegrass Community Food Bank ya no puede ver su expediente, incluidos los expedientes"],
    )


def test_privacy_settings_and_the_access_log_are_in_spanish(resident_es):
    assert_spanish(
        resident_es.get("/my-plan/privacy/"),
        present=["Configuración de privacidad", "¿Cómo quiere que nos comuniquemos con usted?", "Idioma", "Guardar"],
        absent=["How should we contact you?", "Privacy settings"],
    )
    assert_spanish(resident_es.get("/my-plan/who-viewed/"), present=["Quién vio mi expediente"])


def test_connecting_an_account_is_in_spanish(resident_es):
    Resident.objects.filter(pk=AMY_RESIDENT_ID).update(user=None, linked_at=None)
    assert_spanish(
        resident_es.get("/my-plan/connect/"),
        present=[
            "Conectar mi expediente",
            "Nunca conectamos un expediente solo por el nombre.",
            "Número de identificación individual (Individual ID)",
            "Los últimos 4 dígitos de uno de sus números de caso",
        ],
        absent=["We never connect a record by name alone", "Last 4 digits"],
    )


def test_staff_find_and_open_a_client_in_spanish(client, personas):
    client.force_login(personas["food_bank_staff"])
    in_spanish(client)
    html = assert_spanish(
        client.get("/clients/", {"first_name": "Amie", "last_name": "Brand", "date_of_birth": "1988-04-12"}),
        present=["Buscar un cliente", "Ciudad y código postal", "Crear cliente nuevo", "(suena parecido)"],
        absent=["Find a client", "Create new client", "City and ZIP", "sounds alike"],
    )
    assert "1 persona encontrada" in html
    assert_spanish(
        client.get(f"/clients/{AMY_RESIDENT_ID}/"),
        present=[
            "Expediente completo: el residente dio su consentimiento a su organización",
            "Información del residente",
            "Fecha de nacimiento",
            "Casos de beneficios",
            "SNAP (ayuda para comprar alimentos)",
            "Agregar nota",
            # The workspace menu
            "Referidos recibidos",
            "Referidos enviados",
        ],
        absent=["Resident information", "Benefit cases", "Referral inbox", "Add note"],
    )

"""The partner workspace and the join pages in Spanish."""

from __future__ import annotations

import pytest

from tests.spanish import assert_spanish, in_spanish

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_es(client, personas):
    client.force_login(personas["food_bank_admin"])
    return in_spanish(client)


def test_the_workspace_home_is_in_spanish(admin_es):
    assert_spanish(
        admin_es.get("/partners/workspace/"),
        present=[
            "Bluegrass Community Food Bank",
            '<span class="badge badge-partner">Socio</span>',
            "Incorporada el",
            "Su permiso: Administrador",
            "Personal activo",
            "Invitaciones pendientes",
            "Servicios favoritos",
            # the workspace menu
            "Panel",
            "Referidos recibidos",
            "Clientes",
            "Favoritos",
            "Avisos de referidos",
        ],
        absent=["Your permission", "Active staff", "Referral inbox", "Dashboard"],
    )


def test_staff_organization_and_favorites_pages_are_in_spanish(admin_es):
    assert_spanish(
        admin_es.get("/partners/workspace/staff/"),
        present=["Agregar usuario", "Permiso", "Activo"],
        absent=["Add user", "Permission"],
    )
    assert_spanish(
        admin_es.get("/partners/workspace/staff/add/"),
        present=["Los campos marcados con", "son obligatorios.", "Nombre completo", "Correo electrónico del trabajo"],
        absent=["Fields marked with", "Work email"],
    )
    assert_spanish(
        admin_es.get("/partners/workspace/organization/"),
        present=["Editar los datos de la organización", "Ubicaciones", "Agregar un servicio"],
        absent=["Edit organization details", "Add a service"],
    )
    assert_spanish(
        admin_es.get("/partners/workspace/favorites/"),
        present=["La lista compartida de su organización"],
        absent=["shared list of services"],
    )


def test_the_user_agreement_and_trainings_are_in_spanish(admin_es):
    assert_spanish(
        admin_es.get("/partners/onboarding/agreement/"),
        present=[
            "Acuerdo de usuario",
            "La información confidencial de los clientes es valiosa y delicada",
            "la Ley de Portabilidad y Responsabilidad del Seguro Médico (HIPAA); y 42 CFR Parte 2.",
            "Al usar el sistema, usted acepta que:",
        ],
        absent=["Client confidential information", "By using the system"],
    )
    assert_spanish(
        admin_es.get("/partners/onboarding/training/privacy-security/"),
        present=["Privacidad y seguridad", "Cada vez que usted abre el expediente de un residente"],
        absent=["Privacy and security", "Every time you open"],
    )


def test_joining_as_a_partner_is_in_spanish(client):
    in_spanish(client)
    assert_spanish(
        client.get("/partners/join/"),
        present=["Bienvenidos, socios comunitarios", "Cómo unirse", "Reclame su sitio.", "Empezar"],
        absent=["Welcome, community partners", "How joining works"],
    )
    assert_spanish(
        client.get("/partners/join/search/", {"q": "zzzz-no-such-organization"}),
        present=["Ninguna organización coincide.", "No encuentro mi organización"],
        absent=["No organization matches", "find my organization"],
    )


def test_the_review_queue_is_in_spanish(client, personas):
    client.force_login(personas["reviewer"])
    in_spanish(client)
    assert_spanish(
        client.get("/partners/review/"),
        present=["Solicitudes de sitios para revisar", "En espera de revisión", "Decididas hace poco"],
        absent=["Site claims to review", "Waiting for review"],
    )

"""Signing in and the account page in Spanish (allauth's own pages use its Spanish
catalogue; ours fill in the rest)."""

from __future__ import annotations

import pytest

from tests.spanish import assert_spanish, in_spanish
from wayfinder.demo.personas import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_in_spanish(client):
    in_spanish(client)
    assert_spanish(
        client.get("/accounts/login/"),
        present=["Iniciar sesión", "Contraseña", "Correo electrónico", "Únase como socio comunitario"],
        absent=["Sign In", "Password", "Forgot your password?", "Join as a community partner"],
    )


def test_the_browser_language_alone_gives_the_spanish_sign_in_page(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5")
    assert_spanish(response, present=["Iniciar sesión", "Contraseña"], absent=["Password"])


def test_a_resident_signs_in_and_lands_on_my_plan_in_spanish(client, personas):
    in_spanish(client)
    response = client.post(
        "/accounts/login/", {"login": personas["resident"].email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/my-plan/"
    assert_spanish(response, present=["Mi plan", "Quién vio mi expediente"], absent=["Who viewed my record"])


def test_the_account_page_is_in_spanish(client, personas):
    client.force_login(personas["resident"])
    in_spanish(client)
    assert_spanish(
        client.get("/accounts/home/"),
        present=["Sus funciones", "Cuenta de residente", "Adónde ir", "Mi plan", "Cambiar la contraseña"],
        absent=["Your roles", "Resident account", "Where to go", "Change password"],
    )


def test_staff_roles_are_named_in_spanish(client, personas):
    client.force_login(personas["specialist"])
    in_spanish(client)
    assert_spanish(
        client.get("/accounts/home/"),
        present=["<li>Especialista en referidos</li>", "Seguimiento de referidos", "Autenticación de doble factor"],
        absent=["<li>specialist</li>", "Referral follow-ups", "Two-factor authentication"],
    )

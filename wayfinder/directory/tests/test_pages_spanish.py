# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Every directory page in Spanish: chosen with the language switch or the browser's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .directory_fixture import sid
from .search_fixtures import directory, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def es_client(client):
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    return client


def test_home_in_spanish_has_translated_tiles_and_lang(es_client):
    html = es_client.get("/").content.decode()
    assert '<html lang="es">' in html
    assert "Encuentre ayuda cerca de usted" in html and "¿Qué necesita?" in html
    assert "Comida" in html and "Vivienda" in html and "Perdí mi trabajo" in html


def test_browser_language_alone_gives_spanish(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert '<html lang="es">' in html and "Buscar por categoría" in html


def test_shared_page_parts_follow_the_language_and_the_visitor(client, personas):
    """The header links and footer are kept rendered per language: they must never leak across."""
    for language, expected, absent in (
        ("en", ["My list", "Sign in", "Dial 2-1-1", "Browse by category"], ["Mi lista"]),
        ("es", ["Mi lista", "Iniciar sesión", "Marque 2-1-1", "Buscar por categoría"], ["Sign in"]),
        ("en", ["My list", "Sign in", "Dial 2-1-1", "Browse by category"], ["Iniciar sesión"]),
    ):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert all(text in html for text in expected), language
        assert not any(text in html for text in absent), language
    client.force_login(personas["resident"])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign out" in html and "My account" in html and "Sign in" not in html


def test_category_and_results_in_spanish(es_client, directory):
    html = es_client.get("/categories/food/").content.decode()
    assert "Ver todo: Comida" in html and "Despensas de alimentos" in html
    html = es_client.get("/search/", {"q": "despensa", "where": "40507"}).content.decode()
    assert "Resultados para" in html and "Community Food Pantry" in html and "millas" in html
    assert "Socio" in html
    html = es_client.get("/search/", {"q": "xyzzyq"}).content.decode()
    assert "No se encontraron servicios" in html


def test_service_page_in_spanish(es_client, directory):
    html = es_client.get(reverse("directory:service", args=[sid("pantry-lex")])).content.decode()
    for expected in (
        "Acerca de este servicio",
        "Quién puede recibir ayuda",
        "Ubicaciones y horarios",
        "lunes",
        "Cerrado",
        "Informar un problema",
        "Servicios relacionados",
        "Despensas de alimentos",
    ):
        assert expected in html, expected


def test_share_pages_and_pdf_in_spanish(es_client, directory):
    es_client.post(reverse("directory:list_add"), {"service": str(sid("pantry-lex"))})
    html = es_client.get("/my-list/").content.decode()
    assert "Mi lista" in html and "Enviar por correo electrónico o mensaje de texto" in html
    assert "Servicios" in es_client.get(f"/print/?s={sid('pantry-lex')}").content.decode()

# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""A resident takes the needs assessment on a 375 px phone, in Spanish, without
signing in: one topic a screen, back and forward keep the answers, results show
services near their ZIP code, and nothing is stored."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll
from wayfinder.assessments.models import Assessment
from wayfinder.directory.tests.search_fixtures import live_directory, search_index_dir  # noqa: F401
from wayfinder.residents.models import SdohNeed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO = "LA32-8"
# What the resident taps on each screen (question linkId -> answer), in order.
TAPS = [
    {"88122-7": "LA6729-3", "88123-5": "LA28397-0"},
    {"71802-3": "LA31993-1", "home-repairs": NO},
    {"96779-4": "LA33-6"},
    {"93030-5": NO},
    {"health-insurance": "LA33-6", "medical-costs": NO},
    {"stress": NO},
    {"substance-help": NO},
    {"96780-2": "LA31983-2"},
    {"96782-8": NO},
    {"76513-1": "LA31980-8"},
    {"child-care-help": "no-children"},
    {"legal-help": NO},
    {"afraid": "__declined__"},
    {"93159-2": "LA10066-1"},
    {"disability-help": NO},
    {"served": NO},
    {"goods-help": NO},
]


def tap(page, link_id: str, value: str) -> None:
    """Tap the answer's label (the whole row is the touch target)."""
    page.locator(f'label:has(input[name="a-{link_id}"][value="{value}"])').click()


def test_a_resident_on_a_phone_in_spanish_gets_services_near_their_zip(
    live_server, live_directory, phone_page, axe_check
):
    page = phone_page
    page.goto(f"{live_server.url}/assessments/")
    page.get_by_role("button", name="Español").click()
    page.get_by_role("link", name="Empezar la evaluación de necesidades").click()
    page.get_by_role("button", name="Empezar").click()

    first = TAPS[0]
    expect(page.get_by_role("heading", level=1)).to_have_text("Comida")
    expect(page.get_by_text("paso 1 de 17")).to_be_visible()
    assert axe_check(page) == [], "first screen"
    assert_no_horizontal_scroll(page)
    # Forgetting an answer is named next to the question.
    tap(page, "88122-7", first["88122-7"])
    page.get_by_role("button", name="Siguiente").click()
    expect(page.get_by_text("Responda esta pregunta o elija “Prefiero no decirlo”.")).to_be_visible()
    assert axe_check(page) == [], "screen with an error"
    for number, answers in enumerate(TAPS, start=1):
        for link_id, value in answers.items():
            tap(page, link_id, value)
        if number == 3:  # go back one screen and forward again: the answers are still there
            page.get_by_role("button", name="Atrás").click()
            expect(page.locator('input[name="a-71802-3"][value="LA31993-1"]')).to_be_checked()
            page.get_by_role("button", name="Siguiente").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Servicios públicos")
            # What was tapped before going back is kept too.
            assert page.locator('input[name="a-96779-4"][value="LA33-6"]').is_checked()
        assert_no_horizontal_scroll(page)
        page.get_by_role("button", name="Siguiente").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sus resultados")
    page.get_by_label("Su código postal, para encontrar servicios cerca de usted").fill("40507")
    page.get_by_role("button", name="Mostrar servicios cerca de mí").click()
    expect(page.get_by_text("Los más cercanos al código postal 40507.")).to_be_visible()
    expect(page.get_by_role("link", name="Community Food Pantry")).to_be_visible()  # a food pantry in Lexington
    expect(page.get_by_role("link", name="Utility Bill Assistance (LIHEAP)")).to_be_visible()
    expect(page.get_by_text("No se ha guardado nada.")).to_be_visible()
    assert axe_check(page) == [], "results"
    assert_no_horizontal_scroll(page)
    assert not Assessment.objects.exists() and not SdohNeed.objects.exists()

# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Anyone takes the needs assessment without signing in: one domain a screen, back
and forward without losing answers, results with services near their ZIP, and
nothing stored until a signed-in resident chooses to save."""

from __future__ import annotations

import re

import pytest

from wayfinder.assessments.models import Assessment
from wayfinder.audit.models import AuditEvent
from wayfinder.directory.tests.search_fixtures import directory, search_index_dir  # noqa: F401
from wayfinder.residents.models import SdohNeed

from .conftest import form_fields, post_screen

pytestmark = pytest.mark.django_db
START = "/assessments/take/needs/"

NO = "LA32-8"
# One answer set per screen, in order: food and housing needs, everything else fine.
SCREENS = [
    {"88122-7": "LA6729-3", "88123-5": "LA28398-8"},
    {"71802-3": "LA31994-9", "home-repairs": NO},
    {"96779-4": NO},
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


def take(client, screens=SCREENS) -> str:
    response = client.post(START)
    url = response["Location"]
    for answers in screens:
        response = post_screen(client, url, answers)
        assert response.status_code == 302, re.findall(r"field-error[^<]*", response.content.decode())
        url = response["Location"]
    assert url.endswith("/results/")
    return url


def test_anyone_gets_results_and_nearby_services_and_nothing_is_stored(client, directory):
    about_people = AuditEvent.objects.exclude(action="questionnaire.loaded")  # the shipped questionnaire, on first use
    audit_before = about_people.count()
    results = client.get(take(client) + "?zip=40507")
    html = results.content.decode()
    assert results.status_code == 200
    assert "Needs found" in html and "Food" in html and "Housing" in html
    assert "Community Food Pantry" in html  # Lexington, near 40507
    assert "Emergency Rental Assistance" in html  # housing-instability looks at rent help first
    assert "Louisville Food Pantry" not in html  # three nearest only, all in Lexington
    assert "Sign in to save" in html and "Nothing has been saved" in html
    assert not Assessment.objects.exists() and not SdohNeed.objects.exists()
    assert about_people.count() == audit_before
    assert results["Cache-Control"].startswith("max-age=0") or "no-store" in results["Cache-Control"]


def test_back_and_forward_keep_the_answers(client):
    client.post(START)
    post_screen(client, START + "1/", SCREENS[0])
    post_screen(client, START + "2/", SCREENS[1])
    back = post_screen(client, START + "3/", {}, action="back")
    assert back.status_code == 302 and back["Location"] == START + "2/"
    page = client.get(START + "2/").content.decode()
    assert re.search(r'value="LA31994-9" checked', page)
    page = client.get(START + "1/").content.decode()
    assert re.search(r'value="LA6729-3" checked', page) and re.search(r'value="LA28398-8" checked', page)


def test_a_follow_up_question_appears_on_the_same_screen_without_javascript(client):
    client.post(START)
    screen = START + "16/"
    response = post_screen(client, screen, {"served": "LA33-6"})
    html = response.content.decode()
    assert response.status_code == 200 and "opened one more question" in html
    assert "Would you like help with veteran benefits or services?" in html
    response = post_screen(client, screen, {"served": "LA33-6", "veteran-help": "LA33-6"})
    assert response.status_code == 302
    # Changing the first answer drops the follow-up's answer.
    post_screen(client, screen, {"served": NO})
    assert "veteran-help" not in client.session["assessment:needs:self"]["answers"]


def test_results_wait_for_required_answers(client):
    client.post(START)
    response = client.get(START + "results/")
    assert response.status_code == 302 and response["Location"] == START + "1/"


def test_it_works_in_spanish(client, directory):
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    client.post(START)
    page = client.get(START + "1/").content.decode()
    assert "¿le preocupó que se le acabara la comida" in page and "Prefiero no decirlo" in page
    results = client.get(take(client) + "?zip=40507").content.decode()
    assert "Sus resultados" in results and "Comida" in results


def test_a_signed_in_resident_saves_it_to_my_plan(client, personas, amy, directory):
    url = take(client)
    client.force_login(personas["resident"])  # signing in keeps the answers in the session
    page = client.get(url).content.decode()
    assert "Save to My Plan" in page
    data = form_fields(page)
    response = client.post(
        START + "save/", {"version": data["version"][0], "submission_key": data["submission_key"][0]}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(resident=amy)
    assert assessment.organization is None and assessment.completion == "resident"
    assert {n.domain for n in SdohNeed.objects.filter(resident=amy, status="open")} == {"food", "housing"}
    plan = client.get("/my-plan/").content.decode()
    assert "Resources suggested for me" in plan and "Community Food Pantry" in plan
    again = client.post(START + "save/", {"version": data["version"][0], "submission_key": data["submission_key"][0]})
    assert again.status_code == 302 and Assessment.objects.count() == 1


def test_the_results_print_as_a_pdf_in_the_persons_language(client, directory):
    import subprocess

    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    url = take(client)
    page = client.get(url + "?zip=40507").content.decode()
    assert 'href="/assessments/take/needs/results.pdf?zip=40507"' in page
    pdf = client.get(START + "results.pdf?zip=40507")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "Sus resultados" in text and "Comida" in text and "Community Food Pantry" in text
    assert "Agregar a Mi lista" not in text and "Agregar a Mi lista" in page  # no buttons on paper
    assert not Assessment.objects.exists()

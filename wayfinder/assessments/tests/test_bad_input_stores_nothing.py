"""Every bad input gets a clear message and stores nothing: a required answer
missing, an answer not among the options, a tampered linkId, a questionnaire
version that no longer exists, a double submit; and the access rules (no consent,
a hospital-only questionnaire for another organization type)."""

from __future__ import annotations

import pytest

from wayfinder.assessments.models import Assessment, Questionnaire
from wayfinder.residents.models import NeedSource, SdohNeed

from .conftest import AMY, form_fields, post_screen
from .test_staff_completes_ahc import BASE, start, walk_core

pytestmark = pytest.mark.django_db


def nothing_stored():
    return not Assessment.objects.exists() and not SdohNeed.objects.exists() and not NeedSource.objects.exists()


@pytest.fixture
def social_worker(client, personas, hospital_with_consent):
    client.force_login(personas["hospital_user"])
    start(client)
    return client


def test_a_required_answer_missing_is_named(social_worker):
    response = post_screen(social_worker, BASE + "1/", {"71802-3": "LA31993-1"})
    assert response.status_code == 400
    assert "Please answer this question, or choose “Declined to answer”." in response.content.decode()
    assert nothing_stored()


def test_an_answer_not_in_the_options_is_refused(social_worker):
    response = post_screen(social_worker, BASE + "1/", {"71802-3": "LA9999-9", "96778-6": "LA9-3"})
    assert response.status_code == 400
    assert "“LA9999-9” is not one of the answers to this question." in response.content.decode()
    assert nothing_stored()


def test_none_of_the_above_cannot_come_with_a_problem(social_worker):
    response = post_screen(social_worker, BASE + "1/", {"71802-3": "LA31993-1", "96778-6": ["LA9-3", "LA28580-1"]})
    assert response.status_code == 400
    assert "cannot be chosen with other answers" in response.content.decode()


def test_a_tampered_link_id_is_refused(social_worker):
    response = post_screen(
        social_worker, BASE + "1/", {"71802-3": "LA31993-1", "96778-6": "LA9-3", "95618-5": "LA6482-9"}
    )
    assert response.status_code == 400
    assert "do not match the questions on this page" in response.content.decode()
    # ... and the screen's valid answers were not kept either.
    assert social_worker.session[f"assessment:ahc-hrsn:{AMY}"]["answers"] == {}
    assert nothing_stored()


def test_a_version_that_no_longer_exists_is_refused(social_worker):
    response = post_screen(
        social_worker, BASE + "1/", {"71802-3": "LA31993-1", "96778-6": "LA9-3"}, extra={"version": ["0.0.9"]}
    )
    assert response.status_code == 409
    assert "This version of the questionnaire no longer exists" in response.content.decode()
    assert nothing_stored()


def test_a_version_removed_while_answering_is_refused_at_submit(social_worker):
    review = walk_core(social_worker)
    data = form_fields(review.content.decode())
    Questionnaire.objects.filter(key="ahc-hrsn").update(version="1.0.0-withdrawn")
    response = social_worker.post(
        BASE + "review/", {"version": data["version"][0], "submission_key": data["submission_key"][0]}
    )
    assert response.status_code == 409
    assert "no longer exists" in response.content.decode()
    assert nothing_stored()


def test_a_double_submit_stores_one_assessment(social_worker):
    review = walk_core(social_worker)
    data = form_fields(review.content.decode())
    form = {"version": data["version"][0], "submission_key": data["submission_key"][0]}
    first = social_worker.post(BASE + "review/", form)
    second = social_worker.post(BASE + "review/", form, follow=True)
    assert first.status_code == 302
    assert "This assessment was already saved." in second.content.decode()
    assert Assessment.objects.count() == 1
    assert NeedSource.objects.count() == SdohNeed.objects.count() == 4


def test_staff_without_consent_get_404_and_store_nothing(client, personas):
    client.force_login(personas["family_center_staff"])
    for url in (f"/assessments/clients/{AMY}/needs/", f"/assessments/clients/{AMY}/needs/1/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "next"}).status_code == 404
    assert client.post(f"/assessments/clients/{AMY}/needs/review/", {"submission_key": "x"}).status_code == 404
    assert nothing_stored()


def test_the_ahc_is_refused_to_a_community_partner(client, personas):
    client.force_login(personas["food_bank_staff"])  # consent given, but a food bank is not a hospital
    response = client.get(f"/assessments/clients/{AMY}/ahc-hrsn/")
    assert response.status_code == 403
    assert "offered only to staff of hospitals and provider offices" in response.content.decode()
    assert client.post(f"/assessments/clients/{AMY}/ahc-hrsn/").status_code == 403
    assert "Start AHC HRSN screening" not in client.get(f"/clients/{AMY}/").content.decode()
    assert nothing_stored()

"""A hospital social worker with the resident's consent completes the AHC HRSN
through the real pages; the record then shows the needs with source and date."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wayfinder.assessments.models import Assessment
from wayfinder.audit.models import AuditEvent
from wayfinder.residents.models import SdohNeed

from .conftest import AMY, form_fields, post_screen

pytestmark = pytest.mark.django_db

BASE = f"/assessments/clients/{AMY}/ahc-hrsn/"


def start(client):
    response = client.post(BASE)
    assert response.status_code == 302 and response["Location"].endswith("/1/")


def walk_core(client, *, safety=("LA10066-1", "LA16644-9", "LA10082-8", "LA10066-1")):
    """Answer the five core screens and skip the supplemental ones; returns the review page."""
    screens = [
        {"71802-3": "LA31995-6", "96778-6": ["LA31996-4", "LA28580-1"]},
        {"88122-7": "LA6729-3", "88123-5": "__declined__"},
        {"93030-5": "LA32-8"},
        {"96779-4": "LA32002-0"},
        dict(zip(["95618-5", "95617-7", "95616-9", "95615-1"], safety, strict=True)),
        {"ask-supplemental": "false"},
    ]
    url = BASE + "1/"
    for answers in screens:
        response = post_screen(client, url, answers)
        assert response.status_code == 302, response.content.decode()[:3000]
        url = response["Location"]
    assert url.endswith("/review/")
    return client.get(url)


def test_it_records_needs_with_source_and_date(client, personas, amy, hospital_with_consent):
    client.force_login(personas["hospital_user"])
    record = client.get(f"/clients/{AMY}/").content.decode()
    assert "due for a first needs assessment" in record and "Start AHC HRSN screening" in record
    start(client)
    review = walk_core(client)
    html = review.content.decode()
    assert review.status_code == 200
    for text in ("Housing instability", "Food insecurity", "Utility help needs", "Interpersonal safety"):
        assert text in html
    assert "95614-4: 11" in html and "Reported being physically hurt" in html
    data = form_fields(html)
    response = client.post(
        BASE + "review/", {"version": data["version"][0], "submission_key": data["submission_key"][0]}
    )
    assert response.status_code == 302 and response["Location"] == f"/clients/{AMY}/"
    assessment = Assessment.objects.get(resident=amy)
    assert assessment.organization == hospital_with_consent and assessment.completed_by == personas["hospital_user"]
    assert assessment.questionnaire.code == "96777-8" and assessment.follow_up
    assert {n.domain for n in SdohNeed.objects.filter(resident=amy)} == {"housing", "food", "utilities", "safety"}
    housing = SdohNeed.objects.get(resident=amy, domain="housing")
    assert housing.sdohcc_codes == ["homelessness", "inadequate-housing"]
    assert AuditEvent.objects.filter(action="assessment.completed", object_id=str(assessment.pk)).exists()
    record = client.get(f"/clients/{AMY}/").content.decode()
    assert "due for a first needs assessment" not in record
    assert "AHC HRSN screening 1.0.0" in record and "Bluegrass Regional Hospital" in record
    assert timezone.localtime(assessment.completed_at).strftime("%Y-%m-%d") in record

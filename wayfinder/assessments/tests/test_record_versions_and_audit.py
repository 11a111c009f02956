"""The record's Needs section, versions and the logs, through the real pages:

- a need confirmed from two sources is one need listing both, with their dates;
- a completed response keeps the version it answered after a new version is loaded,
  and an assessment begun on the old version is stored against it;
- consent withdrawn while staff are part way through: the submit is a 404, nothing stored;
- a resident sees only their own assessments and needs;
- every read and write of an assessment or need is in the audit trail, and the
  staff reads are in the resident's "who viewed my record".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from wayfinder.assessments import needs
from wayfinder.assessments.loading import load_path
from wayfinder.assessments.models import Assessment, Questionnaire
from wayfinder.audit.models import AuditEvent
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

from .conftest import AMY, form_fields
from .test_needs_and_sources import complete_ahc
from .test_staff_completes_ahc import BASE, start, walk_core

pytestmark = pytest.mark.django_db
SHIPPED = Path(__file__).resolve().parent.parent / "questionnaires"


def submit_review(client, review):
    data = form_fields(review.content.decode())
    return client.post(BASE + "review/", {"version": data["version"][0], "submission_key": data["submission_key"][0]})


def test_a_need_from_two_sources_is_one_need_listing_both_on_the_record(client, personas, amy, hospital_with_consent):
    weeks_ago = timezone.now() - timezone.timedelta(days=21)
    needs.record_need(
        amy, kind="hie", observed_at=weeks_ago, sdohcc_codes=["food-insecurity"], detail="Bluegrass Clinic (KHIE)"
    )
    client.force_login(personas["hospital_user"])
    start(client)
    assert submit_review(client, walk_core(client)).status_code == 302
    food = SdohNeed.objects.get(resident=amy, domain="food")
    assert SdohNeed.objects.filter(resident=amy, domain="food").count() == 1
    assert sorted(food.sources.values_list("kind", flat=True)) == ["assessment", "hie"]
    html = client.get(f"/clients/{AMY}/").content.decode()
    item = html.split('data-need="food"', 1)[1].split("</li>\n</ul>", 1)[0]
    assert "Bluegrass Clinic (KHIE)" in item and timezone.localtime(weeks_ago).strftime("%Y-%m-%d") in item
    assert "AHC HRSN screening 1.0.0" in item and "Bluegrass Regional Hospital" in item
    assert timezone.localdate().strftime("%Y-%m-%d") in item


def load_new_ahc_version(tmp_path) -> Questionnaire:
    resource = json.loads((SHIPPED / "ahc-hrsn-screening.json").read_text())
    resource["version"] = "1.1.0"
    resource["item"][0]["item"][0]["text"] = "Where are you living right now?"
    path = tmp_path / "ahc-hrsn-screening.json"
    path.write_text(json.dumps(resource))
    shutil.copy(SHIPPED / "ahc-hrsn-screening.rules.json", tmp_path / "ahc-hrsn-screening.rules.json")
    loaded = load_path(path)
    assert loaded.created and loaded.retired == 1
    return loaded.questionnaire


def test_a_response_keeps_the_version_it_answered(client, personas, amy, hospital_with_consent, tmp_path):
    old = complete_ahc(amy, personas["hospital_user"], hospital_with_consent, q93030_5="LA33-6").assessment
    client.force_login(personas["hospital_user"])
    start(client)  # begun on 1.0.0 ...
    review = walk_core(client)
    new = load_new_ahc_version(tmp_path)  # ... while 1.1.0 is loaded
    assert submit_review(client, review).status_code == 302
    latest = Assessment.objects.exclude(pk=old.pk).get()
    assert latest.questionnaire.version == "1.0.0" and latest.response["questionnaire"].endswith("|1.0.0")
    old.refresh_from_db()
    assert old.questionnaire.version == "1.0.0" and old.questionnaire.status == "retired"
    page = client.get(f"/assessments/responses/{old.pk}/").content.decode()
    assert "What is your living situation today?" in page and "Where are you living right now?" not in page
    # A new assessment asks the new version's words.
    client.post(BASE)
    assert "Where are you living right now?" in client.get(BASE + "1/").content.decode()
    assert Questionnaire.objects.get(key="ahc-hrsn", status="active") == new


def test_consent_withdrawn_part_way_refuses_the_submit_and_stores_nothing(client, personas, amy, hospital_with_consent):
    from wayfinder.consent.actions import revoke_consent
    from wayfinder.consent.models import Consent

    client.force_login(personas["hospital_user"])
    start(client)
    review = walk_core(client)
    for consent in Consent.objects.filter(resident=amy, organization=hospital_with_consent):
        revoke_consent(consent, actor=amy.user)
    assert submit_review(client, review).status_code == 404
    assert not Assessment.objects.exists() and not SdohNeed.objects.exists() and not NeedSource.objects.exists()
    assert client.get(BASE + "1/").status_code == 404


def other_resident(personas):
    from wayfinder.accounts.models import User

    user = User.objects.create_user("bo.reyes@example.org", "a-long-password-2026", full_name="Bo Reyes")
    Resident.objects.create(first_name="Bo", last_name="Reyes", date_of_birth="1990-02-02", source="self", user=user)
    return user


def test_a_resident_sees_only_their_own(client, personas, amy, hospital_with_consent):
    completed = complete_ahc(amy, personas["hospital_user"], hospital_with_consent, q93030_5="LA33-6")
    need = completed.needs[0].need
    client.force_login(other_resident(personas))
    assert client.get(f"/assessments/responses/{completed.assessment.pk}/").status_code == 404
    assert client.get(f"/assessments/responses/{completed.assessment.pk}/print.pdf").status_code == 404
    assert client.post(f"/assessments/needs/{need.pk}/status/", {"status": "met"}).status_code == 404
    need.refresh_from_db()
    assert need.status == "open"
    plan = client.get("/my-plan/").content.decode()
    assert "AHC HRSN" not in plan and "Transportation" not in plan
    client.force_login(personas["resident"])
    assert client.get(f"/assessments/responses/{completed.assessment.pk}/").status_code == 200


def test_staff_without_consent_cannot_mark_a_need(client, personas, amy):
    need = needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="food").need
    client.force_login(personas["family_center_staff"])
    assert client.post(f"/assessments/needs/{need.pk}/status/", {"status": "met"}).status_code == 404
    need.refresh_from_db()
    assert need.status == "open" and not AuditEvent.objects.filter(action="need.status_changed").exists()


def test_every_read_and_write_is_audited_and_in_who_viewed(client, personas, amy, hospital_with_consent):
    client.force_login(personas["hospital_user"])
    start(client)
    assert submit_review(client, walk_core(client)).status_code == 302
    assessment = Assessment.objects.get()
    completed = AuditEvent.objects.get(action="assessment.completed")
    assert (completed.object_id, completed.resident_id) == (str(assessment.pk), str(amy.pk))
    assert completed.actor_id == personas["hospital_user"].pk and completed.purpose == "sdoh_assessment"
    assert sorted(completed.data["positive"]) == sorted(
        ["housing-instability", "food-insecurity", "utilities", "interpersonal-safety"]
    )
    assert completed.data["flags"] == ["physical-harm-follow-up"]
    before = AuditEvent.objects.count()
    assert client.get(f"/assessments/responses/{assessment.pk}/").status_code == 200
    assert client.get(f"/assessments/responses/{assessment.pk}/print.pdf").status_code == 200
    new = list(AuditEvent.objects.filter(seq__gt=0).order_by("seq")[before:].values_list("action", "purpose"))
    assert ("resident.viewed", "sdoh_assessment") in new
    assert ("assessment.viewed", "sdoh_assessment") in new and ("assessment.printed", "sdoh_assessment") in new
    food = SdohNeed.objects.get(resident=amy, domain="food")
    assert client.post(f"/assessments/needs/{food.pk}/status/", {"status": "resolved"}).status_code == 302
    changed = AuditEvent.objects.get(action="need.status_changed")
    assert changed.data == {"domain": "food", "status": "resolved"} and changed.resident_id == str(amy.pk)
    # Amy sees the hospital's reads in "who viewed my record"; her own reads are audited too.
    client.force_login(personas["resident"])
    who = client.get("/my-plan/who-viewed/").content.decode()
    assert "Bluegrass Regional Hospital" in who
    client.get(f"/assessments/responses/{assessment.pk}/")
    client.get("/assessments/suggested-for-me/")
    housing = SdohNeed.objects.get(resident=amy, domain="housing")
    client.post(f"/assessments/needs/{housing.pk}/status/", {"status": "met"})
    own = AuditEvent.objects.filter(actor_id=personas["resident"].pk, resident_id=str(amy.pk))
    assert {"assessment.viewed", "needs.suggestions_viewed", "need.status_changed"} <= set(
        own.values_list("action", flat=True)
    )
    assert set(own.values_list("legal_basis", flat=True)) == {"self"}

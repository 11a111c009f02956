"""Assessments and SDoH needs (issue #17).

Amy Brand (the resident) gave the food bank consent (org_staff, org_admin) and not
the family center (other_org_staff): staff without consent get 404 and nothing is
stored; the AHC HRSN is refused (403) to the food bank, a community partner, as to
every organization that is not a hospital or provider office (the hospital's own
flow: wayfinder/assessments/tests/test_staff_completes_ahc.py). Reviewers and
specialists act for no organization: no client tools (403), and a resident's
assessment does not exist for them (404). A resident sees only their own.
"""

from __future__ import annotations

import uuid

from tests.permission_table import Rule, everyone, only

AMY = "5a1d0c0e-0000-4000-8000-000000000001"
ASSESSMENT = uuid.UUID("a55e0000-0000-4000-8000-000000000017")
NEED = 990017
FOOD_BANK = "6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a01"
CONSENTED = ("org_staff", "org_admin")
WORKERS = (*CONSENTED, "other_org_staff")


def assessment_exists(personas: dict) -> None:
    from django.utils import timezone

    from wayfinder.assessments.loading import ensure_shipped
    from wayfinder.assessments.models import Assessment
    from wayfinder.directory.models import Organization
    from wayfinder.residents.models import Resident, SdohNeed

    amy = Resident.objects.get(user=personas["resident"])
    if not Assessment.objects.filter(pk=ASSESSMENT).exists():
        Assessment.objects.create(
            id=ASSESSMENT,
            questionnaire=ensure_shipped("needs"),
            resident=amy,
            completion="staff",
            completed_by=personas["food_bank_staff"],
            organization=Organization.objects.get(pk=FOOD_BANK),
            response={"resourceType": "QuestionnaireResponse", "status": "completed", "item": []},
            results={"domains": []},
            submission_key=uuid.uuid4(),
        )
    if not SdohNeed.objects.filter(pk=NEED).exists():
        SdohNeed.objects.create(id=NEED, resident=amy, domain="food", source="assessment", observed_at=timezone.now())


def staff_pages(status_with_consent: int) -> dict[str, int]:
    return {**only(CONSENTED, status_with_consent), "other_org_staff": 404}


RECORD_READERS = {**only(("resident", *CONSENTED)), "reviewer": 404, "specialist": 404, "system_admin": 404}
RECORD_READERS["other_org_staff"] = 404
MARKERS = {role: (302 if status == 200 else status) for role, status in RECORD_READERS.items()}

RULES = [
    Rule("assessments:index", "/assessments/", everyone(200)),
    Rule("assessments:start", "/assessments/take/needs/", everyone(200)),
    Rule("assessments:start", "/assessments/take/needs/", everyone(302), method="POST"),
    # Not offered to the public: the path names no public questionnaire (nothing protected is refused).
    Rule("assessments:start", "/assessments/take/ahc-hrsn/", everyone(404), audited_404=False),
    # Without an assessment in progress, every step sends people to the start.
    Rule("assessments:step", "/assessments/take/needs/1/", everyone(302)),
    Rule("assessments:step", "/assessments/take/needs/1/", everyone(302), method="POST"),
    Rule("assessments:results", "/assessments/take/needs/results/", everyone(302)),
    Rule("assessments:results_pdf", "/assessments/take/needs/results.pdf", everyone(302)),
    # Saving needs a signed-in resident; with nothing begun the form is refused (400).
    Rule("assessments:save", "/assessments/take/needs/save/", only(("resident",), 400), method="POST"),
    Rule("assessments:staff_start", f"/assessments/clients/{AMY}/needs/", staff_pages(200)),
    Rule("assessments:staff_start", f"/assessments/clients/{AMY}/needs/", staff_pages(302), method="POST"),
    Rule("assessments:staff_start", f"/assessments/clients/{AMY}/ahc-hrsn/", staff_pages(403)),
    Rule("assessments:staff_start", f"/assessments/clients/{AMY}/ahc-hrsn/", staff_pages(403), method="POST"),
    Rule("assessments:staff_step", f"/assessments/clients/{AMY}/needs/1/", staff_pages(302)),
    Rule("assessments:staff_step", f"/assessments/clients/{AMY}/needs/1/", staff_pages(302), method="POST"),
    Rule("assessments:staff_step", f"/assessments/clients/{AMY}/ahc-hrsn/1/", staff_pages(403), method="POST"),
    # The AHC HRSN is refused to the food bank on every staff page, submit included.
    Rule("assessments:staff_step", f"/assessments/clients/{AMY}/ahc-hrsn/1/", staff_pages(403)),
    Rule("assessments:staff_review", f"/assessments/clients/{AMY}/ahc-hrsn/review/", staff_pages(403)),
    Rule(
        "assessments:staff_review",
        f"/assessments/clients/{AMY}/ahc-hrsn/review/",
        staff_pages(403),
        method="POST",
        data={"version": "1.0.0", "submission_key": str(uuid.UUID(int=17))},
    ),
    Rule("assessments:staff_review", f"/assessments/clients/{AMY}/needs/review/", staff_pages(302)),
    Rule("assessments:staff_review", f"/assessments/clients/{AMY}/needs/review/", staff_pages(400), method="POST"),
    Rule(
        "assessments:detail",
        f"/assessments/responses/{ASSESSMENT}/",
        RECORD_READERS,
        prepare=assessment_exists,
        reads_resident=True,
    ),
    Rule(
        "assessments:detail_pdf",
        f"/assessments/responses/{ASSESSMENT}/print.pdf",
        RECORD_READERS,
        prepare=assessment_exists,
        reads_resident=True,
    ),
    Rule(
        "assessments:mark_need",
        f"/assessments/needs/{NEED}/status/",
        MARKERS,
        method="POST",
        data={"status": "met"},
        prepare=assessment_exists,
    ),
    Rule("assessments:suggested", "/assessments/suggested-for-me/", only(("resident",))),
    Rule("partners:organization_types", "/partners/review/organizations/", only(("reviewer", "system_admin"))),
    Rule(
        "partners:organization_type",
        f"/partners/review/organizations/{FOOD_BANK}/",
        only(("reviewer", "system_admin")),
    ),
    Rule(
        "partners:organization_type",
        f"/partners/review/organizations/{FOOD_BANK}/",
        only(("reviewer", "system_admin"), 302),
        method="POST",
        data={"kind": "community_partner"},
    ),
]

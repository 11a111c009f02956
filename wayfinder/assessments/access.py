"""Reads of assessments and needs, scoped to what the person may see.

Staff see a resident's assessments and needs only with their organization's
consent (``record_access`` full), and what came from a 42 CFR Part 2 program only
under a Part 2 consent; residents see their own. Anything else is a 404, so the
answer never confirms that a record exists: a ``NotVisible``, which the access
layer's middleware audits once. Staff reads are logged as reads of the record
(``resident.viewed``) through ``residents.selectors.resident_for``.
"""

from __future__ import annotations

from wayfinder.accounts.access import NotVisible
from wayfinder.consent.access import Access, record_access
from wayfinder.residents.models import Resident, SdohNeed
from wayfinder.residents.selectors import resident_for

from .models import Assessment


def full_record_for(user, resident_id, *, purpose: str) -> tuple[Resident, Access]:
    """The resident for staff working with them: consent required (404 otherwise)."""
    resident, access = resident_for(user, resident_id, purpose=purpose)
    if not access.full:
        raise NotVisible("resident", resident_id, resident=resident)
    return resident, access


def own_resident(user) -> Resident | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Resident.objects.filter(user=user).first()


def assessment_for(user, assessment_id) -> tuple[Assessment, Access]:
    assessment = (
        Assessment.objects.select_related("questionnaire", "resident", "organization", "completed_by")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise NotVisible("assessment", assessment_id)
    if assessment.resident.user_id and assessment.resident.user_id == getattr(user, "pk", None):
        return assessment, record_access(user, assessment.resident)
    _resident, access = full_record_for(user, assessment.resident_id, purpose="sdoh_assessment")
    if assessment.part2 and not access.part2:
        raise NotVisible("assessment", assessment_id, resident=assessment.resident)
    return assessment, access


def need_for(user, need_id) -> tuple[SdohNeed, Access]:
    need = SdohNeed.objects.select_related("resident").filter(pk=need_id).first()
    if need is None:
        raise NotVisible("need", need_id)
    if need.resident.user_id and need.resident.user_id == getattr(user, "pk", None):
        return need, record_access(user, need.resident)
    _resident, access = full_record_for(user, need.resident_id, purpose="sdoh_needs")
    if need.part2 and not access.part2:
        raise NotVisible("need", need_id, resident=need.resident)
    return need, access

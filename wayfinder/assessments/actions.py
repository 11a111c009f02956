"""Completing an assessment: the answers stored, scored, and turned into needs.

``submit_assessment`` is the one verb. It re-checks the whole answer set against
the questionnaire version it answered (the session could hold anything), refuses
a second submit of the same form (``submission_key`` is unique), stores the
QuestionnaireResponse with its scored results, records each positive domain as a
need through ``needs.record_need``, and writes one audit entry listing all of it,
in one transaction: an error anywhere stores nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.residents.models import Resident

from . import needs, response
from .answers import AnswerError, Tampered, check_all, first_incomplete
from .form import form_of
from .models import Assessment, Questionnaire
from .offers import is_part2_program, offered_to_organization
from .scoring import Results, evaluate


class SubmitError(ValueError):
    pass


class AlreadySubmitted(SubmitError):
    def __init__(self, assessment: Assessment | None) -> None:
        super().__init__(_("This assessment was already saved."))
        self.assessment = assessment


@dataclass
class Completed:
    assessment: Assessment
    results: Results
    needs: list[needs.Recorded] = field(default_factory=list)


def score(questionnaire: Questionnaire, answers: dict[str, dict]) -> Results:
    """Results of an answer set without storing anything (the anonymous results page)."""
    form = form_of(questionnaire)
    return evaluate(form, questionnaire.rules, check_all(form, answers))


def submit_assessment(
    *,
    questionnaire: Questionnaire,
    resident: Resident,
    answers: dict[str, dict],
    actor,
    submission_key: uuid.UUID,
    organization=None,
    legal_basis: str = "",
    language: str = "en",
) -> Completed:
    """Store one completed assessment (atomic, audited). ``organization`` is the staff
    member's organization; None when residents complete it themselves."""
    form = form_of(questionnaire)
    try:
        answers = check_all(form, answers)
    except Tampered:
        raise SubmitError(_("The answers do not match this questionnaire's questions. Nothing was saved.")) from None
    except AnswerError as error:
        raise SubmitError(str(error)) from None
    incomplete = first_incomplete(form, answers)
    if incomplete is not None:
        raise SubmitError(_("Some required questions are not answered yet."))
    if organization is not None and not offered_to_organization(questionnaire, organization):
        raise SubmitError(_("This questionnaire is offered only to hospitals and provider offices."))
    results = evaluate(form, questionnaire.rules, answers)
    part2 = organization is not None and is_part2_program(organization)
    now = timezone.now()
    assessment_id = uuid.uuid4()
    author = {"reference": f"Organization/{organization.pk}", "display": organization.name} if organization else None
    document = response.build(
        form,
        answers,
        results.calculated,
        response_id=str(assessment_id),
        resident_id=str(resident.pk),
        authored=now,
        author=author,
        language=language,
        by_resident=organization is None,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    id=assessment_id,
                    questionnaire=questionnaire,
                    resident=resident,
                    completion=Assessment.Completion.RESIDENT if organization is None else Assessment.Completion.STAFF,
                    completed_by=actor,
                    organization=organization,
                    completed_at=now,
                    language=language,
                    part2=part2,
                    response=document,
                    results=results.to_json(),
                    positive_domains=len(results.positive),
                    follow_up=bool(results.flags),
                    submission_key=submission_key,
                )
        except IntegrityError:
            raise AlreadySubmitted(Assessment.objects.filter(submission_key=submission_key).first()) from None
        recorded = [
            needs.record_need(
                resident,
                kind=needs.Kind.ASSESSMENT,
                observed_at=now,
                domain=domain.category,
                sdohcc_codes=domain.sdohcc,
                detail=questionnaire.label,
                reference=f"QuestionnaireResponse/{assessment.pk}",
                questionnaire_url=questionnaire.url,
                questionnaire_version=questionnaire.version,
                actor=actor,
                organization=organization,
                evidence=domain.evidence,
                part2=part2,
                audit=False,
            )
            for domain in results.positive
        ]
        if not part2:
            # What the record's Needs section says about the last assessment, for every reader.
            source = organization.name if organization else _("the resident")
            Resident.objects.filter(pk=resident.pk).update(
                last_assessment_at=now, last_assessment_source=f"{questionnaire.title}, {source}"[:100]
            )
        log_action(
            actor,
            names.ASSESSMENT_COMPLETED,
            assessment,
            resident=resident,
            organization=organization,
            legal_basis=legal_basis or ("self" if organization is None else ""),
            purpose="sdoh_assessment",
            data={
                "questionnaire": questionnaire.url,
                "version": questionnaire.version,
                "positive": [d.key for d in results.positive],
                "needs_opened": [r.need.pk for r in recorded if r.opened],
                "needs_confirmed": [r.need.pk for r in recorded if not r.opened],
                "flags": [f["key"] for f in results.flags],
                "part2": part2,
            },
        )
    return Completed(assessment, results, recorded)

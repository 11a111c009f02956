"""Who is offered which questionnaire (docs/product.md 6.1: the CMS screening is
for clinical users).

A questionnaire's ``audience`` says it: everyone (the Wayfinder needs assessment:
anonymous people, residents, staff), staff only, or clinical staff only. Clinical
means the staff member's organization is a hospital or a provider office, as the
United Way reviewer or an administrator set its type (``Partner.kind``).
"""

from __future__ import annotations

from wayfinder.partners.models import Partner

from .models import Audience, Questionnaire

CLINICAL_KINDS = frozenset({Partner.Kind.HOSPITAL, Partner.Kind.PROVIDER_OFFICE})


def _partner(organization) -> Partner | None:
    return getattr(organization, "partner", None) if organization is not None else None


def is_clinical(organization) -> bool:
    partner = _partner(organization)
    return partner is not None and partner.kind in CLINICAL_KINDS


def is_part2_program(organization) -> bool:
    partner = _partner(organization)
    return bool(partner is not None and partner.part2_program)


def offered_to_organization(questionnaire: Questionnaire, organization) -> bool:
    """Whether staff of ``organization`` may complete ``questionnaire`` with a resident."""
    if questionnaire.audience == Audience.CLINICAL:
        return is_clinical(organization)
    return True


def offered_to_public(questionnaire: Questionnaire) -> bool:
    """Whether a person on their own (signed in or not) may take it."""
    return questionnaire.audience == Audience.EVERYONE


def for_organization(organization) -> list[Questionnaire]:
    """Active questionnaires staff of ``organization`` may complete, the needs assessment first."""
    from .loading import ensure_shipped, shipped_are_active

    active = list(Questionnaire.objects.filter(status=Questionnaire.Status.ACTIVE).order_by("key"))
    if not shipped_are_active(active):  # one query on every record page, not three
        for key in ("needs", "ahc-hrsn"):
            ensure_shipped(key)
        active = list(Questionnaire.objects.filter(status=Questionnaire.Status.ACTIVE).order_by("key"))
    offered = [q for q in active if offered_to_organization(q, organization)]
    return sorted(offered, key=lambda q: (q.key != "needs", q.title.lower()))

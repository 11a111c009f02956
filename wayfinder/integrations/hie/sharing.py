"""What the exchange may be given about a resident (docs/security.md, "Sharing with the
health information exchange"). Every outbound answer (FHIR, C-CDA) goes through
these functions, so the rule has one place:

- a resident whose privacy setting says not to share with the exchange
  (``SharingChoice.share`` false) is withheld entirely;
- 42 CFR Part 2 data (an assessment completed by a Part 2 program, a need whose every
  source was one) only with an active Part 2 consent naming the client's directory
  organization; a client with no organization never gets Part 2 data;
- only open or met needs are conditions worth stating (a need marked "no longer a
  need" is not shared as current);
- nothing from the referral workflow's private "experience with the resident" answer:
  no outbound code reads referrals at all.
"""

from __future__ import annotations

from django.db.models import QuerySet

from wayfinder.assessments.models import Assessment
from wayfinder.consent.access import active_consents
from wayfinder.consent.models import Scope
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

from .fhir.auth import ClientGrant
from .models import SharingChoice

SHARED_NEED_STATUSES = (SdohNeed.Status.OPEN, SdohNeed.Status.MET)


def shares_with_exchange(resident: Resident) -> bool:
    """The resident's privacy setting (no choice recorded: shared)."""
    choice = SharingChoice.objects.filter(resident=resident).values_list("share", flat=True).first()
    return True if choice is None else bool(choice)


def part2_allowed(resident: Resident, grant: ClientGrant) -> bool:
    """Whether an active Part 2 consent names the client's organization."""
    organization = grant.client.organization
    if organization is None:
        return False
    return Scope.PART2 in active_consents(resident, organization)


def shareable_needs(resident: Resident, grant: ClientGrant) -> QuerySet[SdohNeed]:
    """The needs the client may be told about (open or met, Part 2 only with consent)."""
    if not shares_with_exchange(resident):
        return SdohNeed.objects.none()
    needs = SdohNeed.objects.filter(resident=resident, status__in=SHARED_NEED_STATUSES)
    if not part2_allowed(resident, grant):
        needs = needs.filter(part2=False)
    return needs.order_by("observed_at", "pk")


def shareable_sources(need: SdohNeed, grant: ClientGrant) -> QuerySet[NeedSource]:
    """The sources of a shareable need the client may see (Part 2 sources hidden without consent)."""
    sources = need.sources.all()
    if not part2_allowed(need.resident, grant):
        sources = sources.filter(part2=False)
    return sources


def shareable_assessments(resident: Resident, grant: ClientGrant) -> QuerySet[Assessment]:
    """The completed assessments the client may read (Part 2 only with consent)."""
    if not shares_with_exchange(resident):
        return Assessment.objects.none()
    assessments = Assessment.objects.filter(resident=resident)
    if not part2_allowed(resident, grant):
        assessments = assessments.filter(part2=False)
    return assessments.order_by("completed_at", "pk")

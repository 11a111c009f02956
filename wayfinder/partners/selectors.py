"""Reads about partner organizations, scoped to what the asking user may see."""

from __future__ import annotations

import re

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from wayfinder.accounts.models import Membership

from .models import Partner, SiteRequest


def onboarded_organization_ids() -> set[str]:
    """Ids (as strings) of organizations that finished onboarding: they get the
    "Partner" badge in search and on service pages."""
    return {
        str(pk)
        for pk in Partner.objects.filter(organization__partner_since__isnull=False).values_list(
            "organization_id", flat=True
        )
    }


def is_onboarded(organization_id: object) -> bool:
    return Partner.objects.filter(organization_id=organization_id, organization__partner_since__isnull=False).exists()


def is_claimed(organization_id: object) -> bool:
    return (
        Partner.objects.filter(organization_id=organization_id, organization__partner_since__isnull=False).exists()
        or Membership.objects.filter(organization_id=organization_id, role="admin", is_active=True).exists()
        or SiteRequest.objects.filter(organization_id=organization_id, status=SiteRequest.Status.APPROVED).exists()
    )


def has_pending_claim(organization_id: object) -> bool:
    """Someone asked to claim it and a United Way reviewer has not decided yet."""
    return SiteRequest.objects.filter(
        organization_id=organization_id, kind=SiteRequest.Kind.CLAIM, status=SiteRequest.Status.PENDING
    ).exists()


def claim_state(organization_id: object) -> str:
    """ "claimed", "pending" (a claim waits for review: nobody else may claim it
    meanwhile, and the search shows it disabled) or "open"."""
    if is_claimed(organization_id):
        return "claimed"
    return "pending" if has_pending_claim(organization_id) else "open"


# Small words an initialism skips: "CHFS" is Cabinet *for* Health *and* Family Services.
_SKIPPED_WORDS = ("and", "for", "of", "the", "&", "on", "in", "to", "at", "a", "an", "de", "la", "y")


def initialism_regex(query: str) -> str | None:
    """A regular expression matching names whose word initials spell ``query``
    (e.g. "CHFS"), or None when the query does not look like an initialism.
    Written in the subset of syntax both SQLite's (Python) and PostgreSQL's
    regular expressions understand."""
    letters = query.strip()
    if not re.fullmatch(r"[A-Za-z]{2,8}", letters):
        return None
    skipped = "|".join(re.escape(word) for word in _SKIPPED_WORDS)
    gap = rf"[-\s]+(?:(?:{skipped})[-\s]+)*"
    body = gap.join(f"{letter.lower()}[^-\\s]*" for letter in letters)
    return rf"(^|[-\s(]){body}"


def search_organizations(query: str) -> QuerySet:
    """Organizations whose name, other name or city matches ``query``: partial
    names, and initialisms such as "CHFS" for "Cabinet for Health and Family Services"."""
    from wayfinder.directory.models import Address, Organization

    query = " ".join(query.split())[:200]
    if not query:
        return Organization.objects.none()
    cities = Address.objects.filter(location__organization=OuterRef("pk"), city__iexact=query)
    condition = Q(name__icontains=query) | Q(alternate_name__icontains=query) | Q(Exists(cities))
    pattern = initialism_regex(query)
    if pattern:
        condition |= Q(name__iregex=pattern)
    claimed_admins = Membership.objects.filter(organization=OuterRef("pk"), role="admin", is_active=True)
    approved = SiteRequest.objects.filter(organization=OuterRef("pk"), status=SiteRequest.Status.APPROVED)
    pending = SiteRequest.objects.filter(
        organization=OuterRef("pk"), kind=SiteRequest.Kind.CLAIM, status=SiteRequest.Status.PENDING
    )
    return (
        Organization.objects.filter(condition)
        .annotate(
            has_admin=Exists(claimed_admins),
            has_approved_claim=Exists(approved),
            has_pending_claim=Exists(pending),
            onboarded=ExpressionWrapper(Q(partner_since__isnull=False), output_field=BooleanField()),
        )
        .order_by("name", "id")
    )


def organization_cities(organization_ids: list) -> dict[str, str]:
    """First city of each organization, for the search results (one query)."""
    from wayfinder.directory.models import Address

    cities: dict[str, str] = {}
    rows = Address.objects.filter(location__organization_id__in=organization_ids).values_list(
        "location__organization_id", "city", "state_province"
    )
    for org_id, city, state in rows:
        cities.setdefault(str(org_id), ", ".join(part for part in (city, state) if part))
    return cities


def current_membership(user) -> Membership | None:
    """The organization a partner user works for now: their first active membership."""
    from wayfinder.accounts.roles import active_memberships

    memberships = active_memberships(user)
    return memberships[0] if memberships else None


def staff_membership(organization, membership_id: int) -> Membership:
    """A membership of ``organization``; anyone else's is a 404 (no existence leak)."""
    membership = Membership.objects.select_related("user").filter(organization=organization, pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


def organization_location(organization, location_id):
    from wayfinder.directory.models import Location

    location = Location.objects.filter(organization=organization, pk=location_id).first()
    if location is None:
        raise Http404
    return location


def organization_service(organization, service_id):
    from wayfinder.directory.models import Service

    service = Service.objects.filter(organization=organization, pk=service_id).first()
    if service is None:
        raise Http404
    return service

"""Reads about partner organizations, scoped to what the asking user may see."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from wayfinder.accounts.access import NotVisible
from wayfinder.accounts.models import Membership

from .models import Favorite, Invitation, OnboardingProgress, Partner, RecordChange, SiteRequest


def is_claimed(organization_id: Any) -> bool:
    return (
        Partner.objects.filter(organization_id=organization_id, organization__partner_since__isnull=False).exists()
        or Membership.objects.filter(organization_id=organization_id, role="admin", is_active=True).exists()
        or SiteRequest.objects.filter(organization_id=organization_id, status=SiteRequest.Status.APPROVED).exists()
    )


def has_pending_claim(organization_id: Any) -> bool:
    """Someone asked to claim it and a United Way reviewer has not decided yet."""
    return SiteRequest.objects.filter(
        organization_id=organization_id, kind=SiteRequest.Kind.CLAIM, status=SiteRequest.Status.PENDING
    ).exists()


def claim_state(organization_id: Any) -> str:
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


def staff_membership(organization, membership_id: int) -> Membership:
    """A membership of ``organization``; anyone else's is a 404 (no existence leak)."""
    membership = Membership.objects.select_related("user").filter(organization=organization, pk=membership_id).first()
    if membership is None:
        raise NotVisible("membership", membership_id)
    return membership


def organization_location(organization, location_id):
    from wayfinder.directory.models import Location

    location = Location.objects.filter(organization=organization, pk=location_id).first()
    if location is None:
        raise NotVisible("location", location_id)
    return location


def organization_service(organization, service_id):
    from wayfinder.directory.models import Service

    service = Service.objects.filter(organization=organization, pk=service_id).first()
    if service is None:
        raise NotVisible("service", service_id)
    return service


# --- the workspace ----------------------------------------------------------------------


def workspace_summary(organization) -> dict:
    """The dashboard's figures for ``organization`` (a few indexed counts)."""
    return {
        "partner": Partner.objects.filter(organization=organization).first(),
        "staff_count": Membership.objects.filter(organization=organization, is_active=True).count(),
        "pending_invitations": open_invitations(organization).count(),
        "staff_in_onboarding": OnboardingProgress.objects.filter(
            user__memberships__organization=organization, user__memberships__is_active=True, completed_at__isnull=True
        ).count(),
        "favorite_count": Favorite.objects.filter(organization=organization).count(),
    }


def partner_of(organization) -> Partner:
    """The partner record of the person's own organization (created with the claim)."""
    partner = Partner.objects.filter(organization=organization).first()
    if partner is None:
        raise NotVisible("partner", organization.pk)
    return partner


def staff_memberships(organization) -> list[Membership]:
    """Every membership of ``organization``, active first, each marked ``in_onboarding``."""
    memberships = list(
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-is_active", "user__full_name")
    )
    in_onboarding = set(
        OnboardingProgress.objects.filter(
            user_id__in=[m.user_id for m in memberships], completed_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    for membership in memberships:
        membership.in_onboarding = membership.user_id in in_onboarding  # type: ignore[attr-defined]
    return memberships


def open_invitations(organization):
    return Invitation.objects.filter(organization=organization, used_at__isnull=True, revoked_at__isnull=True)


def invitation_for(organization, invitation_id) -> Invitation:
    """An invitation of ``organization``; anyone else's is a 404."""
    invitation = Invitation.objects.filter(organization=organization, pk=invitation_id).first()
    if invitation is None:
        raise NotVisible("invitation", invitation_id)
    return invitation


def favorites_of(organization) -> list[Favorite]:
    return list(Favorite.objects.filter(organization=organization).select_related("service", "service__organization"))


def favorite_for(organization, favorite_id) -> Favorite:
    """A favorite of ``organization``; another organization's is a 404."""
    favorite = Favorite.objects.filter(organization=organization, pk=favorite_id).first()
    if favorite is None:
        raise NotVisible("favorite", favorite_id)
    return favorite


# --- the United Way reviewers -----------------------------------------------------------


def pending_requests():
    return SiteRequest.objects.filter(status=SiteRequest.Status.PENDING).select_related("organization")


def decided_requests():
    return SiteRequest.objects.exclude(status=SiteRequest.Status.PENDING).select_related("organization", "decided_by")


def site_request_for_review(request_id) -> SiteRequest:
    """A join request (reviewers see all of them: the view's decorator checks the role)."""
    site_request = SiteRequest.objects.select_related("organization", "decided_by").filter(pk=request_id).first()
    if site_request is None:
        raise NotVisible("site request", request_id)
    return site_request


def earlier_requests(site_request: SiteRequest):
    """Other requests from the same person or for the same organization."""
    related = Q(requester_email__iexact=site_request.requester_email)
    if site_request.organization_id:
        related |= Q(organization_id=site_request.organization_id)
    return SiteRequest.objects.filter(related).exclude(pk=site_request.pk).select_related("organization")


def record_changes():
    return RecordChange.objects.select_related("organization", "changed_by")


def submitted_request(request_id) -> SiteRequest | None:
    """The request this browser session just submitted (the confirmation page)."""
    return SiteRequest.objects.filter(pk=request_id).first() if request_id else None


def organization_to_claim(organization_id):
    """A directory organization (public) for the claim form, or 404."""
    from wayfinder.directory.models import Organization

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotVisible("organization", organization_id)
    return organization


def service_to_favorite(service_id: str):
    """A directory service (public) to add to favorites, or 404 (also for a malformed id)."""
    from django.core.exceptions import ValidationError

    from wayfinder.directory.models import Service

    try:
        service = Service.objects.filter(pk=service_id).first()
    except ValidationError:
        service = None
    if service is None:
        raise NotVisible("service", service_id)
    return service

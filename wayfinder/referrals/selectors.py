"""Reads of referrals, always scoped to what the person may see.

A referral of another organization is a 404, never a 403: the answer must not
confirm that it exists (security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from wayfinder.accounts import roles
from wayfinder.accounts.models import GlobalRole

from .models import Referral, Status

PAGE_SIZE = 25
# Only what a list row shows: fewer columns to read and objects to build.
LIST_COLUMNS = (
    "id", "status", "created_at", "to_non_onboarded", "resource_provided", "not_provided_reason",
    "not_provided_other", "resident_id", "service_id", "receiving_organization_id", "sending_organization_id",
    "assigned_to_id", "resident__first_name", "resident__last_name", "resident__suffix", "service__name",
    "receiving_organization__name", "sending_organization__name", "assigned_to__full_name", "assigned_to__email",
)  # fmt: skip


@dataclass(frozen=True)
class ListFilters:
    client: str = ""
    status: str = ""
    assignee: str = ""  # a user id, "me" or "none"
    created_from: date | None = None
    created_to: date | None = None


@dataclass(frozen=True)
class Page:
    items: list[Referral]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _list(queryset: QuerySet, filters: ListFilters, user, page: int) -> Page:
    if filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.client:
        from wayfinder.residents.names import name_key

        for word in name_key(filters.client).split()[:3]:
            queryset = queryset.filter(resident_search__contains=word)
    if filters.assignee == "me":
        queryset = queryset.filter(assigned_to=user)
    elif filters.assignee == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif filters.assignee.isdigit():
        queryset = queryset.filter(assigned_to_id=int(filters.assignee))
    if filters.created_from:
        queryset = queryset.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        queryset = queryset.filter(created_at__date__lte=filters.created_to)
    page = max(page, 1)
    start = (page - 1) * PAGE_SIZE
    # One row more than the page tells whether a next page exists, without
    # counting every match (performance.md).
    rows = list(
        queryset.select_related("resident", "service", "receiving_organization", "sending_organization", "assigned_to")
        .only(*LIST_COLUMNS)
        .order_by("-created_at", "-id")[start : start + PAGE_SIZE + 1]
    )
    return Page(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def inbox(user, organization, filters: ListFilters, page: int = 1) -> Page:
    """Referrals received by ``organization`` (the user must belong to it)."""
    return _list(Referral.objects.filter(receiving_organization=organization), filters, user, page)


def outbox(user, organization, filters: ListFilters, page: int = 1) -> Page:
    """Referrals sent by ``organization``."""
    return _list(Referral.objects.filter(sending_organization=organization), filters, user, page)


def organization_ids(user) -> set:
    return {membership.organization_id for membership in roles.active_memberships(user)}


def is_specialist(user) -> bool:
    return roles.has_global_role(user, GlobalRole.Role.SPECIALIST) or roles.is_system_admin(user)


def referral_for(user, referral_id) -> Referral:
    """The referral if the user may see it: staff of the sending or receiving
    organization, a referral specialist, or the resident it is about."""
    referral = (
        Referral.objects.select_related(
            "resident", "service", "location", "receiving_organization", "sending_organization", "assigned_to"
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404
    orgs = organization_ids(user)
    if referral.receiving_organization_id in orgs or referral.sending_organization_id in orgs:
        return referral
    if is_specialist(user):
        return referral
    resident_user_id = getattr(referral.resident, "user_id", None)
    if resident_user_id is not None and resident_user_id == user.pk:
        return referral
    raise Http404


def viewer_side(user, referral: Referral) -> str:
    """ "receiver", "sender", "specialist" or "resident": decides what the page offers."""
    orgs = organization_ids(user)
    if referral.receiving_organization_id in orgs:
        return "receiver"
    if referral.sending_organization_id in orgs:
        return "sender"
    if is_specialist(user):
        return "specialist"
    return "resident"


def referrals_of_resident(resident, *, organization=None, limit: int = 50) -> list[Referral]:
    """A resident's referrals; with ``organization``, only those it sent or received
    (what an organization without consent may see)."""
    queryset = Referral.objects.filter(resident=resident)
    if organization is not None:
        queryset = queryset.filter(Q(receiving_organization=organization) | Q(sending_organization=organization))
    return list(
        queryset.select_related("service", "receiving_organization", "sending_organization").order_by("-created_at")[
            :limit
        ]
    )

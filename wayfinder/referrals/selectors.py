"""Reads of referrals, always scoped to what the person may see.

A referral of another organization is a 404, never a 403: the answer must not
confirm that it exists (docs/security.md, "Access control").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from wayfinder.accounts import roles
from wayfinder.accounts.access import NotOnboarded, NotVisible, is_onboarded
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
    unfiltered_names = queryset
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
    if filters.client:
        rows = _page_rows(client_name_filter(queryset, filters.client), page)
        if not rows and page == 1:
            # Nothing sounds alike: look for a misspelling among recent clients.
            names = misspelled_names(unfiltered_names, filters.client)
            rows = _page_rows(queryset.filter(resident_search__in=names), page) if names else []
    else:
        rows = _page_rows(queryset, page)
    return Page(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def _page_rows(queryset: QuerySet, page: int) -> list[Referral]:
    """One page, plus one row that tells whether a next page exists without
    counting every match (docs/performance.md, "Referral inbox and outbox")."""
    start = (page - 1) * PAGE_SIZE
    return list(
        queryset.select_related("resident", "service", "receiving_organization", "sending_organization", "assigned_to")
        .only(*LIST_COLUMNS)
        .order_by("-created_at", "-id")[start : start + PAGE_SIZE + 1]
    )


# The spelling fallback compares the typed name with the clients of this many of
# the newest matching referrals (a bounded cost, whatever the inbox's size).
SPELLING_SAMPLE = 2000


def client_name_filter(queryset: QuerySet, client: str) -> QuerySet:
    """Referrals whose resident's name matches what staff typed, as forgiving as
    client search (residents.names): each typed word is part of a name word
    ("bra" for Brand), a nickname of one ("Bill" for William) or sounds like one
    ("Jonson" for Johnson). All in SQL on the referral's own columns, so the page
    is still read along the organization's date index."""
    from wayfinder.residents.names import name_key, nickname_alternatives, phonetic_key

    for word in name_key(client).split()[:3]:
        condition = Q(resident_search__contains=word)
        for alternative in sorted(nickname_alternatives(word)):
            condition |= Q(resident_keys__contains=f" {alternative} ")
        if len(word) >= 3:
            condition |= Q(resident_keys__contains=f" {phonetic_key(word)} ")
        queryset = queryset.filter(condition)
    return queryset


def misspelled_names(queryset: QuerySet, client: str) -> list[str]:
    """Stored client names (``resident_search``) among the newest referrals of
    ``queryset`` in which every typed word is a close spelling of some name word
    ("Bradn" for Brand: a typo the sound-alike key does not catch)."""
    from wayfinder.residents.names import close_spelling, name_key

    typed = name_key(client).split()[:3]
    if not typed:
        return []
    names = set(queryset.order_by("-created_at", "-id").values_list("resident_search", flat=True)[:SPELLING_SAMPLE])
    return sorted(
        name for name in names if all(any(close_spelling(word, part) for part in name.split()) for word in typed)
    )[:100]


def inbox(user, organization, filters: ListFilters, page: int = 1) -> Page:
    """Referrals received by ``organization`` (the user must belong to it)."""
    return _list(Referral.objects.filter(receiving_organization=organization), filters, user, page)


def outbox(user, organization, filters: ListFilters, page: int = 1) -> Page:
    """Referrals sent by ``organization``."""
    return _list(Referral.objects.filter(sending_organization=organization), filters, user, page)


def assignable_staff(organization) -> list:
    """Active staff of ``organization`` who may work referrals: not someone still in
    final onboarding (agreement and trainings not done), who could not even open
    the referral they were given."""
    from django.db.models import Exists, OuterRef

    from wayfinder.accounts.models import User
    from wayfinder.partners.models import OnboardingProgress

    in_onboarding = OnboardingProgress.objects.filter(user=OuterRef("pk"), completed_at__isnull=True)
    return list(
        User.objects.filter(memberships__organization=organization, memberships__is_active=True, is_active=True)
        .exclude(Exists(in_onboarding))
        .order_by("full_name", "email")
        .distinct()
    )


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
        raise NotVisible("referral", referral_id)
    linked = [
        m.organization
        for m in roles.active_memberships(user)
        if m.organization_id in (referral.receiving_organization_id, referral.sending_organization_id)
    ]
    if any(is_onboarded(organization) for organization in linked):
        return referral
    if is_specialist(user):
        return referral
    resident_user_id = getattr(referral.resident, "user_id", None)
    if resident_user_id is not None and resident_user_id == user.pk:
        return referral
    if linked:
        # Staff of an organization that has not finished onboarding: the Access
        # Denied page with the way to finish it; specialists work these referrals.
        raise NotOnboarded
    raise NotVisible("referral", referral_id, resident=referral.resident_id)


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


def referral_made_by_form(form_token: str, service) -> Referral | None:
    """The referral a creation form already made for ``service`` (form_tokens)."""
    return Referral.objects.filter(form_token=form_token, service=service).first() if form_token else None


def referrals_made_by_form(form_token: str) -> list[Referral]:
    """The referrals a favorites form already made."""
    if not form_token:
        return []
    return list(Referral.objects.filter(form_token=form_token).order_by("created_at", "id"))


def open_referrals_to(resident, service_ids, *, organization=None) -> dict[str, list[Referral]]:
    """The resident's open referrals to each of ``service_ids`` (keyed by service id
    as text), for the warning before a second one is made.

    With ``organization`` (staff without the resident's consent), only referrals
    that organization sent or received count: telling it that someone else referred
    the resident to a service would disclose the resident's other care (product
    4.3). Staff with consent and the resident herself pass no organization and are
    warned about every open one."""
    queryset = Referral.objects.filter(resident=resident, service_id__in=list(service_ids)).exclude(
        status=Status.CLOSED
    )
    if organization is not None:
        queryset = queryset.filter(Q(receiving_organization=organization) | Q(sending_organization=organization))
    found: dict[str, list[Referral]] = {}
    for referral in queryset.select_related("service", "sending_organization", "receiving_organization").order_by(
        "-created_at"
    ):
        found.setdefault(str(referral.service_id), []).append(referral)
    return found


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


# --- reads of resident data, audited (docs/security.md, "Audit log": every read) -------


def log_detail_read(user, referral: Referral, side: str, access=None) -> None:
    """The referral page shows the resident's name and the notes: one audit entry per
    view, on the resident's "who viewed my record" page too."""
    from wayfinder.audit import names
    from wayfinder.audit.log import log_action

    basis = {"resident": "self", "specialist": "referral_specialist"}.get(side) or (
        access.legal_basis if access is not None else "referral"
    )
    log_action(
        user,
        names.REFERRAL_VIEWED,
        referral,
        resident=referral.resident_id,
        legal_basis=basis,
        purpose="care_coordination" if side != "resident" else "",
        data={"side": side},
    )


def log_list_read(user, box: str, referrals: list, *, client_filter: bool = False) -> None:
    """Inbox, outbox and the specialists' queue list residents' names: which records
    a page listed is logged (not what was typed into client search)."""
    from wayfinder.audit import names
    from wayfinder.audit.log import log_action

    log_action(
        user,
        names.REFERRAL_LISTED,
        purpose="care_coordination",
        data={
            "box": box,
            "client_search": client_filter,
            "referrals": [str(r.pk) for r in referrals],
            "residents": sorted({str(r.resident_id) for r in referrals}),
        },
    )


# --- the referral specialists' queue ----------------------------------------------------


def _follow_ups():
    """Follow-ups with what the queue shows of each: the referral, the partner's
    public phones, and the outreach so far (no query per item)."""
    from django.db.models import Prefetch

    from .models import FollowUp, Outreach

    return FollowUp.objects.select_related(
        "referral",
        "referral__service",
        "referral__location",
        "referral__receiving_organization",
        "referral__sending_organization",
        "referral__resident",
    ).prefetch_related(
        "referral__service__phones",
        "referral__location__phones",
        "referral__receiving_organization__phones",
        Prefetch("outreach", queryset=Outreach.objects.select_related("specialist").order_by("-at")),
    )


def open_follow_ups(user, kind: str, limit: int = 100) -> list:
    """Open follow-ups of one kind, oldest first, with their contacts and outreach
    (specialists only: the view's decorator; anyone else gets none)."""
    from .models import FollowUp

    if not is_specialist(user):
        return []
    return list(_follow_ups().filter(state=FollowUp.State.OPEN, kind=kind).order_by("created_at")[:limit])


def follow_up_for(user, follow_up_id):
    """A follow-up a specialist may act on (with its contacts and outreach), or 404."""
    follow_up = _follow_ups().filter(pk=follow_up_id).first() if is_specialist(user) else None
    if follow_up is None:
        raise NotVisible("follow-up", follow_up_id)
    return follow_up


def follow_ups_of(referral: Referral) -> list:
    """A referral's follow-ups, oldest first (the referral page a specialist opens)."""
    return list(referral.follow_ups.order_by("created_at"))


def non_onboarded_follow_up_for(user, referral_id):
    """The follow-up of a referral to a non-onboarded organization (what a specialist
    may close), or 404."""
    from .models import FollowUp

    follow_up = (
        FollowUp.objects.filter(referral_id=referral_id, kind=FollowUp.Kind.NON_ONBOARDED)
        .select_related("referral", "referral__service", "referral__receiving_organization")
        .first()
        if is_specialist(user)
        else None
    )
    if follow_up is None:
        raise NotVisible("referral", referral_id)
    return follow_up


# --- choosing where to refer (organization -> location -> service) -------------------


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def organization_to_refer_to(org_id: str):
    """A directory organization (public) picked in the referral steps, or None."""
    from wayfinder.directory.models import Organization

    pk = _uuid(org_id) if org_id else None
    return Organization.objects.filter(pk=pk).first() if pk else None


def organizations_to_refer_to(query: str, limit: int = 25) -> list:
    from wayfinder.directory.models import Organization

    return list(
        Organization.objects.filter(name__icontains=query, services__status="active")
        .distinct()
        .order_by("name")[:limit]
    )


def referral_locations(organization) -> list:
    """Places where ``organization`` offers an active service."""
    from wayfinder.directory.models import Location

    return list(
        Location.objects.filter(
            service_at_locations__service__organization=organization, service_at_locations__service__status="active"
        )
        .prefetch_related("addresses")
        .distinct()
        .order_by("name")
    )


def referral_services(organization, location=None) -> list:
    from wayfinder.directory.models import Service

    services = Service.objects.filter(organization=organization, status="active").order_by("name")
    if location is not None:
        services = services.filter(service_at_locations__location=location).distinct()
    return list(services)


def services_by_ids(ids: list):
    from wayfinder.directory.models import Service

    return Service.objects.filter(pk__in=ids).select_related("organization")


def single_location(service):
    """A favorite refers to the service; when it is offered at exactly one place,
    that place is the referral's location."""
    from wayfinder.directory.models import Location

    locations = list(Location.objects.filter(service_at_locations__service=service)[:2])
    return locations[0] if len(locations) == 1 else None


def service_for_self_referral(service_id):
    """The public service a resident refers herself to (any status: the view says
    plainly when it is no longer offered), or a 404."""
    from wayfinder.directory.models import Service

    pk = _uuid(str(service_id))
    service = Service.objects.filter(pk=pk).select_related("organization").first() if pk else None
    if service is None:
        raise NotVisible("service", service_id)
    return service


def resident_contacts_on_file(resident) -> list:
    """The resident's own current contact details, shown to her on the self-referral
    step so she sees how the organization will reach her."""
    return list(resident.contacts.filter(retired_at__isnull=True).order_by("kind", "-created_at"))


def favorites_of(organization) -> list:
    """The organization's favorite active services (referring from favorites)."""
    from wayfinder.partners.models import Favorite

    return list(
        Favorite.objects.filter(organization=organization, service__status="active").select_related(
            "service", "service__organization"
        )
    )

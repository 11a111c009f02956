"""The one access layer: who a person acts for, who may open which page, and the
audit of every refusal (docs/security.md, "Access control").

- ``acting_membership(user)`` / ``acting_organization(user)``: the one rule for the
  organization a person acts for.
- One family of view decorators: ``signed_in``, ``staff_required`` (staff of an
  onboarded organization), ``partner_member_required`` / ``partner_admin_required``
  (partner pages, open while the organization is still onboarding),
  ``reviewer_required``, ``specialist_required``, ``system_admin_required``,
  ``resident_required``, and ``user_passes(check)`` for an app's own rule (metrics).
- Typed requests (``StaffRequest``, ``ResidentRequest``) for what they attach.
- ``NotVisible`` (a 404 raised by the scoped ``<thing>_for(user, id)`` selectors),
  ``NotOnboarded`` (the Access Denied page), and ``AccessAuditMiddleware``, which
  writes one ``access.denied`` audit entry for every 403 and every scoped 404 a
  signed-in person meets, in one place instead of in each view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.lib.request_context import WayfinderRequest

from . import roles
from .models import GlobalRole, Membership, User
from .next_steps import next_required_step

if TYPE_CHECKING:
    from wayfinder.directory.models import Organization
    from wayfinder.residents.models import Resident

View = TypeVar("View", bound=Callable[..., HttpResponse])


# --- typed requests ------------------------------------------------------------------


class AuthenticatedRequest(WayfinderRequest):
    user: User


class StaffRequest(AuthenticatedRequest):
    """Set by ``staff_required`` and the partner decorators: the membership the
    person acts through and its organization (never taken from the URL)."""

    membership: Membership
    organization: Organization


class ResidentRequest(AuthenticatedRequest):
    """Set by ``resident_required``: the signed-in resident's own record (None
    until the account is connected to one)."""

    resident: Resident | None


# --- the organization a person acts for ---------------------------------------------------


def acting_membership(user: Any) -> Membership | None:
    """The membership a person acts through. The rule, for people in several
    organizations: the earliest-joined active membership in an organization that
    has finished onboarding; when none of their organizations has, the
    earliest-joined active membership (its onboarding pages are where they work).
    Client and referral tools also need that organization onboarded
    (``staff_required``); a person who needs to act for another of their
    organizations is given a separate account."""
    memberships = roles.active_memberships(user)
    for membership in memberships:
        if is_onboarded(membership.organization):
            return membership
    return memberships[0] if memberships else None


def acting_organization(user: Any) -> Organization | None:
    membership = acting_membership(user)
    return membership.organization if membership is not None else None


def is_onboarded(organization: Any) -> bool:
    """An organization finished onboarding (the partners app sets ``partner_since``)."""
    return getattr(organization, "partner_since", None) is not None


def onboarded_organization(user: Any) -> Organization | None:
    """The acting organization if it may use client and referral tools, else None."""
    organization = acting_organization(user)
    return organization if organization is not None and is_onboarded(organization) else None


# --- refusals ------------------------------------------------------------------------------


class NotVisible(Http404):
    """A scoped selector's answer for an object the person may not know about: a 404
    (never 403, so the answer does not confirm that it exists), audited."""

    def __init__(self, kind: str, object_id: Any, *, resident: Any = None, reason: str = "not_visible") -> None:
        super().__init__(f"No {kind} found.")
        self.kind = kind
        self.object_id = str(object_id)[:64]
        self.resident = resident
        self.reason = reason


class NotOnboarded(PermissionDenied):
    """Staff of an organization that has not finished onboarding (docs/product.md 3.2:
    they get the Access Denied page, with the way to finish onboarding)."""


def not_onboarded_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    step = next_gate(user) if getattr(user, "is_authenticated", False) else None
    membership = acting_membership(user)
    return render(
        request,
        "accounts/access_denied.html",
        {
            "next_step": step,
            "organization": membership.organization if membership is not None else None,
            "is_admin": membership is not None and membership.role == Membership.Role.ADMIN,
        },
        status=403,
    )


def next_gate(user: Any) -> str | None:
    """Where a staff member must go before any staff page (the partners app's
    onboarding steps, ``accounts.next_required_step``), or None."""
    return next_required_step(user)


_DENIAL_LOGGED = "wayfinder.denial_logged"


class AccessAuditMiddleware:
    """One audit entry per refusal a signed-in person meets: any PermissionDenied,
    any ``NotVisible`` from a scoped selector, any other 403 response (CSRF, allauth's
    refusals). Anonymous refusals are left to the request log, so anonymous traffic
    cannot grow the audit log. Add after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403 and not request.META.get(_DENIAL_LOGGED):
            _log_denial(request, status=403, reason="forbidden")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotVisible):
            _log_denial(
                request,
                status=404,
                reason=exception.reason,
                kind=exception.kind,
                object_id=exception.object_id,
                resident=exception.resident,
            )
        elif isinstance(exception, NotOnboarded):
            _log_denial(request, status=403, reason="not_onboarded")
            return not_onboarded_page(request)
        elif isinstance(exception, PermissionDenied):
            _log_denial(request, status=403, reason=str(exception)[:200] or "forbidden")
        return None


def _log_denial(
    request: HttpRequest,
    *,
    status: int,
    reason: str,
    kind: str = "",
    object_id: str = "",
    resident: Any = None,
) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    request.META[_DENIAL_LOGGED] = True
    match = getattr(request, "resolver_match", None)
    log_action(
        user,
        names.ACCESS_DENIED,
        outcome=AuditEvent.Outcome.DENIED,
        resident=resident,
        purpose=getattr(match, "view_name", "") or "",
        data={"status": status, "reason": reason, "method": request.method, "kind": kind, "id": object_id},
    )


# --- the decorators ----------------------------------------------------------------------


def signed_in(view: View) -> View:
    """Anonymous people are sent to sign in, before anything is looked up."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def _staff_decorator(*, admin: bool, onboarded: bool, gated: bool) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = acting_membership(request.user)
            if membership is None:
                raise PermissionDenied("not a member of an organization")
            if gated:
                step = next_gate(request.user)
                if step:
                    return redirect(step)
            if onboarded and not is_onboarded(membership.organization):
                raise NotOnboarded
            if admin and membership.role != Membership.Role.ADMIN:
                raise PermissionDenied("not an admin of the organization")
            staff = cast(StaffRequest, request)
            staff.membership = membership
            staff.organization = membership.organization
            return view(staff, *args, **kwargs)

        return cast(View, wrapper)

    return decorator


#: Client, consent and referral tools: staff of an onboarded organization.
staff_required = _staff_decorator(admin=False, onboarded=True, gated=True)
#: Partner pages (workspace, favorites): open while the organization is still onboarding.
partner_member_required = _staff_decorator(admin=False, onboarded=False, gated=True)
#: Partner admin pages (staff, organization edits, notification settings).
partner_admin_required = _staff_decorator(admin=True, onboarded=False, gated=True)
#: The onboarding steps themselves (not held back by them).
onboarding_member_required = _staff_decorator(admin=False, onboarded=False, gated=False)


def user_passes(check: Callable[[Any], bool], refusal: str) -> Callable[[View], View]:
    """The decorator every role rule is built with: anonymous people are sent to
    sign in, a signed-in person for whom ``check(user)`` is false is refused (403,
    audited with ``refusal`` as the reason). Apps with their own rule (metrics:
    who sees statewide figures) build their decorator with it."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator


def holds_global_role(user: Any, *allowed: str) -> bool:
    """The person holds one of ``allowed`` (system administrators hold every global
    role's pages). ``global_role_required`` and the navigation menu both ask this."""
    return bool(getattr(user, "is_authenticated", False)) and (
        roles.is_system_admin(user) or bool(roles.global_roles(user) & set(allowed))
    )


def global_role_required(*allowed: str) -> Callable[[View], View]:
    """The signed-in person holds one of ``allowed`` (system administrators pass)."""

    def holds(user: Any) -> bool:
        return holds_global_role(user, *allowed)

    return user_passes(holds, f"needs one of {', '.join(sorted(allowed))}")


reviewer_required = global_role_required(GlobalRole.Role.REVIEWER)
specialist_required = global_role_required(GlobalRole.Role.SPECIALIST)
system_admin_required = global_role_required(GlobalRole.Role.SYSTEM_ADMIN)


def resident_required(linked: bool = True) -> Callable[[View], View]:
    """Signed-in residents only (staff have the workspace); ``linked`` pages need
    the account connected to its record first (``my_plan:link``)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.is_resident_user(request.user):
                raise PermissionDenied("My Plan is for residents")
            resident_request = cast(ResidentRequest, request)
            resident_request.resident = getattr(request.user, "resident", None)
            if linked and resident_request.resident is None:
                from django.contrib import messages
                from django.utils.translation import gettext as _

                messages.info(request, _("Connect your account to your record first."))
                return redirect(reverse("my_plan:link"))
            return view(resident_request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator

"""Who may see which figures.

- An organization's dashboard: its own staff and admins (the organization comes
  from the membership, never from the URL: another organization's figures cannot
  even be asked for).
- Statewide figures: state agency staff, United Way (reviewers, referral
  specialists, staff of a United Way organization) and system administrators.
- The incentive report: United Way reviewers and system administrators.
- The public page: anyone (suppressed aggregates only).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from wayfinder.accounts import roles
from wayfinder.accounts.models import GlobalRole
from wayfinder.partners.models import Partner

STATEWIDE_ORGANIZATION_KINDS = (Partner.Kind.STATE_AGENCY, Partner.Kind.UNITED_WAY)
STATEWIDE_GLOBAL_ROLES = (GlobalRole.Role.REVIEWER, GlobalRole.Role.SPECIALIST)


def may_see_statewide(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_system_admin(user) or roles.global_roles(user) & set(STATEWIDE_GLOBAL_ROLES):
        return True
    organization_ids = [m.organization_id for m in roles.active_memberships(user)]
    return Partner.objects.filter(organization_id__in=organization_ids, kind__in=STATEWIDE_ORGANIZATION_KINDS).exists()


def may_see_incentives(user) -> bool:
    return roles.is_system_admin(user) or roles.has_global_role(user, GlobalRole.Role.REVIEWER)


def _requires(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def member_required(view):
    """Staff or admin of an organization; ``request.organization`` is theirs (their
    first active membership, the partner workspace's rule). Unfinished onboarding
    is handled for every staff page by ``PartnerOnboardingMiddleware``."""
    from wayfinder.partners.selectors import current_membership

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = current_membership(request.user)
        if membership is None:
            raise PermissionDenied
        request.membership = membership  # type: ignore[attr-defined]
        request.organization = membership.organization  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


statewide_required = _requires(may_see_statewide)
incentives_required = _requires(may_see_incentives)

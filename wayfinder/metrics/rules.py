"""Who may see which figures (the rules; the decorators come from the one access
layer, ``wayfinder.accounts.access``).

- An organization's dashboard: its own staff and admins (``partner_member_required``:
  the organization is the one they act for, never taken from the URL, so another
  organization's figures cannot even be asked for).
- Statewide figures: state agency staff, United Way (reviewers, referral
  specialists, staff of a United Way organization) and system administrators.
- The incentive report: United Way reviewers and system administrators.
- The public page: anyone (suppressed aggregates only).
"""

from __future__ import annotations

from typing import Any

from wayfinder.accounts import roles
from wayfinder.accounts.access import user_passes
from wayfinder.accounts.models import GlobalRole
from wayfinder.partners.models import Partner

STATEWIDE_ORGANIZATION_KINDS = (Partner.Kind.STATE_AGENCY, Partner.Kind.UNITED_WAY)
STATEWIDE_GLOBAL_ROLES = (GlobalRole.Role.REVIEWER, GlobalRole.Role.SPECIALIST)


def may_see_statewide(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_system_admin(user) or roles.global_roles(user) & set(STATEWIDE_GLOBAL_ROLES):
        return True
    organization_ids = [m.organization_id for m in roles.active_memberships(user)]
    return Partner.objects.filter(organization_id__in=organization_ids, kind__in=STATEWIDE_ORGANIZATION_KINDS).exists()


def may_see_incentives(user: Any) -> bool:
    return roles.is_system_admin(user) or roles.has_global_role(user, GlobalRole.Role.REVIEWER)


#: Statewide figures (docs/product.md 7.2).
statewide_required = user_passes(may_see_statewide, "statewide metrics are for state agencies and United Way")
#: The incentive report (docs/product.md 7.3).
incentives_required = user_passes(may_see_incentives, "the incentive report is for United Way reviewers")

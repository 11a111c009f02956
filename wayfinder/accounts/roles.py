"""Who may do what: role look-ups used by views, middleware and the audit log.

Kept in one place so the rule "every staff role requires MFA" and the menu a
person sees are computed the same way everywhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Value

from .models import GlobalRole, Membership, User


def _load_roles(user: User) -> None:
    """Both kinds of role in one query (a UNION ALL of their names), cached on the user
    for the request: every signed-in request asks ``requires_mfa`` first, and for a
    resident, who holds neither, that one query is all (docs/performance.md,
    "Suggested resources"). Someone with memberships has them loaded in full by
    ``active_memberships`` (their organizations too)."""
    kind = Value("m", output_field=CharField())
    memberships = Membership.objects.filter(user=user, is_active=True).annotate(row_kind=kind, row_name=F("role"))
    held = GlobalRole.objects.filter(user=user, is_active=True).annotate(
        row_kind=Value("g", output_field=CharField()), row_name=F("role")
    )
    columns = ("row_kind", "row_name")
    rows = list(memberships.order_by().values_list(*columns).union(held.order_by().values_list(*columns), all=True))
    user._wf_global_roles = {name for row_kind, name in rows if row_kind == "g"}  # type: ignore[attr-defined]
    if not any(row_kind == "m" for row_kind, _name in rows):
        user._wf_memberships = []  # type: ignore[attr-defined]


def active_memberships(user: User) -> list[Membership]:
    """The user's active organization roles (cached on the user object per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if getattr(user, "_wf_memberships", None) is None and getattr(user, "_wf_global_roles", None) is None:
        _load_roles(user)
    cached = getattr(user, "_wf_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True).select_related("organization").order_by("created_at")
        )
        user._wf_memberships = cached  # type: ignore[attr-defined]
    return cached


def global_roles(user: User) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "_wf_global_roles", None) is None:
        _load_roles(user)
    return user._wf_global_roles  # type: ignore[attr-defined]


def has_global_role(user: User, role: str) -> bool:
    return role in global_roles(user)


def is_system_admin(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_global_role(user, GlobalRole.Role.SYSTEM_ADMIN)


def requires_mfa(user: User) -> bool:
    """Every staff role (organization member, reviewer, specialist, system admin)
    must use MFA; residents may choose to."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(active_memberships(user) or global_roles(user) or user.is_staff or user.is_superuser)


def is_resident_user(user: User) -> bool:
    return getattr(user, "is_authenticated", False) and not requires_mfa(user)


def primary_role(user: User) -> tuple[str, str]:
    """(organization id, role) for the audit log: the first organization role,
    else the first global role."""
    memberships = active_memberships(user)
    if memberships:
        return str(memberships[0].organization_id), f"org_{memberships[0].role}"
    roles = sorted(global_roles(user))
    if roles:
        return "", roles[0]
    return "", "resident"


def forget_cached_roles(user: Any) -> None:
    for attribute in ("_wf_memberships", "_wf_global_roles"):
        if hasattr(user, attribute):
            delattr(user, attribute)

"""Granting and revoking roles: the most sensitive writes there are, so there is
one way to do each, atomic and audited, used by Django admin too.

A role is one of:
- an organization role (``Membership.Role``: admin, staff), with ``organization``;
- a global role (``GlobalRole.Role``: reviewer, specialist, system_admin);
- a Django flag: ``SUPERUSER`` (every permission in Django admin) or ``ADMIN_SITE``
  (may open Django admin, ``is_staff``).

The audit entry says who (the actor), whom (the target user, the entry's object)
and what (the role, the organization, what it was before).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from .models import GlobalRole, Membership, User
from .roles import forget_cached_roles

SUPERUSER = "superuser"
ADMIN_SITE = "admin_site"
ORGANIZATION_ROLES = frozenset(Membership.Role.values)
GLOBAL_ROLES = frozenset(GlobalRole.Role.values)
FLAGS = {SUPERUSER: "is_superuser", ADMIN_SITE: "is_staff"}


class RoleError(ValueError):
    """An unknown role, or an organization role without its organization."""


def _check(role: str, organization: Any) -> None:
    if role in ORGANIZATION_ROLES:
        if organization is None:
            raise RoleError(f"the organization role {role!r} needs an organization")
    elif role in GLOBAL_ROLES or role in FLAGS:
        if organization is not None:
            raise RoleError(f"{role!r} belongs to no organization")
    else:
        raise RoleError(f"unknown role {role!r}")


@transaction.atomic
def grant_role(*, actor: Any, user: User, role: str, organization: Any = None, via: str = "") -> bool:
    """Give ``user`` the role (an organization role replaces their earlier role at
    that organization). False when they held it already (nothing written)."""
    _check(role, organization)
    before: dict[str, Any] = {}
    if role in ORGANIZATION_ROLES:
        membership = Membership.objects.select_for_update().filter(user=user, organization=organization).first()
        if membership is not None and membership.is_active and membership.role == role:
            return False
        now = timezone.now()
        if membership is None:
            membership = Membership.objects.create(user=user, organization=organization, role=role)
        else:
            before = {"role": membership.role, "active": membership.is_active}
            membership.role, membership.is_active, membership.deactivated_at = role, True, None
            membership.role_changed_at = now
            membership.save(update_fields=["role", "is_active", "deactivated_at", "role_changed_at"])
    elif role in GLOBAL_ROLES:
        if GlobalRole.objects.select_for_update().filter(user=user, role=role, is_active=True).exists():
            return False
        GlobalRole.objects.create(user=user, role=role)
    else:
        attribute = FLAGS[role]
        locked = User.objects.select_for_update().get(pk=user.pk)
        if getattr(locked, attribute):
            return False
        User.objects.filter(pk=user.pk).update(**{attribute: True})
        setattr(user, attribute, True)
    _log(names.ACCOUNT_ROLE_GRANTED, actor, user, role, organization, before, via)
    return True


@transaction.atomic
def revoke_role(*, actor: Any, user: User, role: str, organization: Any = None, via: str = "") -> bool:
    """Take the role away at once (the row is kept: history stays attributable).
    False when they did not hold it."""
    _check(role, organization)
    now = timezone.now()
    if role in ORGANIZATION_ROLES:
        updated = Membership.objects.filter(user=user, organization=organization, role=role, is_active=True).update(
            is_active=False, deactivated_at=now
        )
    elif role in GLOBAL_ROLES:
        updated = GlobalRole.objects.filter(user=user, role=role, is_active=True).update(
            is_active=False, revoked_at=now
        )
    else:
        attribute = FLAGS[role]
        updated = User.objects.filter(pk=user.pk, **{attribute: True}).update(**{attribute: False})
        if updated:
            setattr(user, attribute, False)
    if not updated:
        return False
    _log(names.ACCOUNT_ROLE_REVOKED, actor, user, role, organization, {}, via)
    return True


def _log(action: str, actor: Any, user: User, role: str, organization: Any, before: dict, via: str) -> None:
    forget_cached_roles(user)
    data: dict[str, Any] = {"role": role, "user": user.email}
    if organization is not None:
        data["organization"] = str(getattr(organization, "pk", organization))
    if before:
        data["before"] = before
    if via:
        data["via"] = via
    log_action(actor, action, user, data=data)

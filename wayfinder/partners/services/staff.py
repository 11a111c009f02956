"""Partner admins managing their staff: add, change permission, deactivate, reactivate.

Deactivation keeps the membership row (history and authorship stay attributable)
and ends access at once: the person's sessions are deleted in the same request.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.accounts.models import GlobalRole, Membership
from wayfinder.audit.log import log_action
from wayfinder.audit.names import (
    PARTNER_STAFF_DEACTIVATED,
    PARTNER_STAFF_PERMISSION_CHANGED,
    PARTNER_STAFF_REACTIVATED,
)

from ..models import Invitation
from .invitations import IssuedInvitation, issue_invitation


class StaffError(Exception):
    """The change is not allowed; the message is shown as it is."""


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization_id=membership.organization_id, role="admin", is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def add_staff(organization, *, email: str, full_name: str, role: str, added_by) -> IssuedInvitation:
    """Invite a colleague; they receive the onboarding email and go through
    account (or role addition), MFA, agreement and training."""
    email = email.strip().lower()
    existing = Membership.objects.filter(organization=organization, user__email__iexact=email).first()
    if existing is not None and existing.is_active:
        raise StaffError(_("%(email)s is already on your staff.") % {"email": email})
    if existing is not None:
        raise StaffError(
            _("%(email)s used to be on your staff. Reactivate them from their staff page instead.") % {"email": email}
        )
    return issue_invitation(
        email=email,
        full_name=full_name,
        organization=organization,
        role=role,
        invited_by=added_by,
        purpose="staff added",
    )


@transaction.atomic
def resend_invitation(invitation: Invitation, sent_by) -> IssuedInvitation:
    if invitation.used_at is not None:
        raise StaffError(_("This person already accepted the invitation."))
    return issue_invitation(
        email=invitation.email,
        full_name=invitation.full_name,
        organization=invitation.organization,
        role=invitation.role,
        invited_by=sent_by,
        purpose="invitation resent",
    )


@transaction.atomic
def change_permission(membership: Membership, role: str, changed_by) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise StaffError(_("Choose Admin or Staff."))
    if membership.role == role:
        return membership
    if membership.role == "admin" and not _other_active_admins(membership):
        raise StaffError(_("Your organization needs at least one admin. Make someone else an admin first."))
    before = membership.role
    membership.role = role
    membership.role_changed_at = timezone.now()
    membership.save(update_fields=["role", "role_changed_at"])
    log_action(changed_by, PARTNER_STAFF_PERMISSION_CHANGED, membership, data={"before": before, "after": role})
    return membership


@transaction.atomic
def deactivate_staff(membership: Membership, deactivated_by) -> Membership:
    """End a person's access to the organization now. If they hold no other active
    role their account is disabled too; either way their sessions end."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not membership.is_active:
        return membership
    if membership.role == "admin" and not _other_active_admins(membership):
        if membership.user_id == deactivated_by.pk:
            raise StaffError(_("You are the last admin: make someone else an admin before deactivating yourself."))
        raise StaffError(_("Your organization needs at least one admin."))
    now = timezone.now()
    membership.is_active = False
    membership.deactivated_at = now
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    still_has_roles = (
        Membership.objects.filter(user=user, is_active=True).exists()
        or GlobalRole.objects.filter(user=user, is_active=True).exists()
    )
    if not still_has_roles:
        user.is_active = False
        user.deactivated_at = now
        user.save(update_fields=["is_active", "deactivated_at"])
    ended = end_sessions(user)
    log_action(
        deactivated_by,
        PARTNER_STAFF_DEACTIVATED,
        membership,
        data={"user": user.pk, "account_disabled": not still_has_roles, "sessions_ended": ended},
    )
    return membership


@transaction.atomic
def reactivate_staff(membership: Membership, reactivated_by) -> Membership:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    if not user.is_active:
        user.is_active = True
        user.deactivated_at = None
        user.save(update_fields=["is_active", "deactivated_at"])
    log_action(reactivated_by, PARTNER_STAFF_REACTIVATED, membership, data={"user": user.pk})
    return membership


def end_sessions(user) -> int:
    """Delete every database session signed in as ``user``. Django keeps no
    index from user to session, so unexpired sessions are decoded and matched;
    fine at partner scale (a per-user index is the upgrade path if it is not)."""
    user_id = str(user.pk)
    doomed = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        data = session.get_decoded()  # an undecodable session decodes to {} and belongs to nobody
        if str(data.get("_auth_user_id", "")) == user_id:
            doomed.append(session.session_key)
    if doomed:
        Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)

"""One-time, expiring links that make their holder admin or staff of an organization.

Only a SHA-256 of the token is stored. A person with no account gets a link that
creates one; a person who already has an account gets a different link that adds
the role to it after signing in, so nobody ends up with two accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wayfinder.accounts import sso
from wayfinder.accounts.models import Membership
from wayfinder.audit.log import log_action
from wayfinder.audit.names import ACCOUNT_CREATED, PARTNER_INVITATION_ACCEPTED, PARTNER_INVITATION_SENT
from wayfinder.notifications.services import queue_email

from ..models import Invitation, OnboardingProgress, Partner

INVITATION_LIFETIME = timedelta(days=7)


class InvitationError(Exception):
    """The link cannot be used; ``str(error)`` says why in words for the person holding it."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def long_date(value) -> str:
    """A date for a sentence, in the reader's language: "November 3, 2026", "3 de noviembre de 2026"."""
    return dateformat.format(timezone.localtime(value), pgettext("date in a sentence", "F j, Y"))


def account_exists(email: str) -> bool:
    """Whether someone already has an account with this email (a link then adds the role)."""
    return get_user_model().objects.filter(email__iexact=email).exists()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_path(invitation: Invitation, token: str) -> str:
    name = "partners:accept_new" if invitation.kind == Invitation.Kind.NEW_ACCOUNT else "partners:accept_existing"
    return reverse(name, args=[token])


@dataclass
class IssuedInvitation:
    invitation: Invitation
    token: str
    url: str


def issue_invitation(
    *, email: str, full_name: str, organization, role: str, invited_by, site_request=None, purpose: str = ""
) -> IssuedInvitation:
    """Create the link and queue the welcome email (sent once the transaction commits).
    Earlier unused links for the same person and organization stop working."""
    email = email.strip().lower()
    User = get_user_model()
    existing = User.objects.filter(email__iexact=email).first()
    kind = Invitation.Kind.ADD_ROLE if existing else Invitation.Kind.NEW_ACCOUNT
    now = timezone.now()
    Invitation.objects.filter(
        email__iexact=email, organization=organization, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        token_hash=hash_token(token),
        kind=kind,
        email=email,
        full_name=full_name,
        organization=organization,
        role=role,
        site_request=site_request,
        invited_by=invited_by,
        expires_at=now + INVITATION_LIFETIME,
    )
    url = settings.SITE_URL + invitation_path(invitation, token)
    context = {"invitation": invitation, "url": url, "organization": organization, "has_account": bool(existing)}
    one_time = [url, token]
    if sso.is_enabled() and not existing:
        # The seeds' "specific link for those who have an existing KOG account": they
        # sign in with the state account instead of creating a password, and the role
        # is added to the account that sign-in creates or links.
        context["state_url"] = settings.SITE_URL + reverse("partners:accept_existing", args=[token])
        context["provider_name"] = sso.provider_name()
        one_time.append(context["state_url"])
    queue_email(
        to=email,
        subject=_("Welcome to Wayfinder: finish joining %(name)s") % {"name": organization.name},
        body=render_to_string("partners/email/welcome.txt", context),
        kind="partner_welcome",
        one_time=one_time,
    )
    log_action(
        invited_by,
        PARTNER_INVITATION_SENT,
        invitation,
        purpose=purpose,
        data={"organization": str(organization.pk), "role": role, "kind": kind},
    )
    return IssuedInvitation(invitation, token, url)


def find_invitation(token: str, *, kind: str | None = None) -> Invitation:
    """The usable invitation for ``token``, or an ``InvitationError`` that says
    plainly whether the link is unknown, used, replaced or expired."""
    invitation = Invitation.objects.select_related("organization").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationError(_("This link is not valid. Check that you copied all of it."), code="unknown")
    if invitation.used_at is not None:
        raise InvitationError(
            _("This link was already used on %(date)s. Sign in with the account you created then.")
            % {"date": long_date(invitation.used_at)},
            code="used",
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            _("This link was replaced by a newer one. Use the link in the most recent email."), code="revoked"
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _(
                "This link expired on %(date)s. Ask your organization's admin (or, if you claimed the site, "
                "the United Way reviewer) to send a new one."
            )
            % {"date": long_date(invitation.expires_at)},
            code="expired",
        )
    if kind is not None and invitation.kind != kind:
        raise InvitationError(_("This link is for a different kind of sign-up."), code="kind")
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, user) -> Membership:
    """Give ``user`` the invited role and start their final onboarding. The
    conditional UPDATE makes the link single-use even when two tabs race."""
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True).update(
        used_at=timezone.now(), used_by=user
    )
    if not claimed:
        raise InvitationError(_("This link was already used."), code="used")
    Partner.objects.get_or_create(organization=invitation.organization)
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.deactivated_at = None
        membership.role_changed_at = timezone.now()
        membership.save(update_fields=["role", "is_active", "deactivated_at", "role_changed_at"])
    if not user.is_active:
        user.is_active = True
        user.deactivated_at = None
        user.save(update_fields=["is_active", "deactivated_at"])
    OnboardingProgress.objects.get_or_create(user=user)
    log_action(
        user,
        PARTNER_INVITATION_ACCEPTED,
        invitation,
        organization=invitation.organization,
        data={"membership": membership.pk, "role": invitation.role, "kind": invitation.kind},
    )
    return membership


@transaction.atomic
def create_account_from_invitation(invitation: Invitation, *, full_name: str, password: str):
    """The new-account link: create the account (email already proven by the link)
    and accept the invitation in one step."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.create_user(invitation.email, password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    log_action(user, ACCOUNT_CREATED, user, data={"via": "partner_invitation", "invitation": invitation.pk})
    accept_invitation(invitation, user)
    return user

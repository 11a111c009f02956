"""Recipient-light links (issue #21, docs/product.md 10.1): the receiving organization acts
on a referral from the email or text it received, without an account.

Why it is safe enough to need no sign-in:
- a link is signed (Django's signer, salted for this one purpose, so no other
  token of the site works here and a guessed token is refused before any look-up)
  and carries a random secret of which only a hash is stored;
- it is bound to one referral and to the contact it was sent to: it works only
  while that contact is still one of the referral's recipients at the organization
  that received it (a deactivated staff member, an address the organization
  changed, a referral that changed hands: the link stops working);
- it expires (``REFERRAL_LINK_DAYS``, 30 days by default) and once the referral is
  closed it shows nothing of the resident, so a forwarded old message reveals
  nothing;
- each state change (In Progress, Closed) is done once per link; the actions
  themselves also check the referral's version (no lost updates);
- the page shows only what the referral carries (service, sender, the resident's
  name and the sender's note), never the resident's record.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from wayfinder.accounts.access import is_onboarded
from wayfinder.accounts.models import Membership

from .models import Referral, ReferralLink, Status

SALT = "wayfinder.referrals.recipient-link"
# What the audit trail records as the actor of anything done through a link.
ACTOR_LABEL = "recipient_link"
# What the referral's events carry (``data["via"]``); metrics.definitions.closer_kind
# counts closures with it as the receiving organization's.
VIA = "recipient_link"
MAX_TOKEN_LENGTH = 200


class LinkRefused(Exception):
    """The link cannot do this (any more): expired, revoked, used for this step, or
    the referral is closed or changed hands."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


class LinkState:
    OPEN = "open"
    CLOSED = "closed"  # the referral is closed: the page says so and shows nothing else
    GONE = "gone"  # expired, revoked, changed hands or the contact is no longer a recipient


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def make_token(link_id: int, secret: str) -> str:
    return _signer().sign(f"{link_id}.{secret}")


def link_path(link_id: int, secret: str) -> str:
    return reverse("referrals:link", args=[make_token(link_id, secret)])


def valid_for() -> timedelta:
    return timedelta(days=settings.REFERRAL_LINK_DAYS)


# --- who the referral goes to ---------------------------------------------------------


def recipient_contacts(referral: Referral) -> dict[str, str]:
    """{contact: channel} the referral's notice goes to: every active staff member of
    the receiving organization, its referral text number, and, for an organization
    that had not onboarded when it was referred, the service's and organization's
    addresses in the directory (nobody there has an account to read it with)."""
    organization = referral.receiving_organization
    contacts: dict[str, str] = {}
    if referral.to_non_onboarded:
        for address in (referral.service.email, organization.email):
            address = (address or "").strip().lower()
            if "@" in address and len(address) <= 254:
                contacts.setdefault(address, ReferralLink.Channel.EMAIL)
    staff = Membership.objects.filter(organization=organization, is_active=True, user__is_active=True)
    for address in staff.values_list("user__email", flat=True):
        if address:
            contacts.setdefault(address.strip().lower(), ReferralLink.Channel.EMAIL)
    if is_onboarded(organization):
        partner = getattr(organization, "partner", None)
        number = getattr(partner, "referral_sms_number", "") if partner else ""
        if number:
            contacts.setdefault(number, ReferralLink.Channel.SMS)
    return contacts


def issue_link(referral: Referral, contact: str, channel: str, now: datetime | None = None) -> tuple[ReferralLink, str]:
    """A new link for ``contact``; returns it with its URL (absolute). The secret
    leaves this function only inside the URL."""
    now = now or timezone.now()
    secret = secrets.token_urlsafe(24)
    link = ReferralLink.objects.create(
        referral=referral,
        organization_id=referral.receiving_organization_id,
        channel=channel,
        contact=contact[:254],
        secret_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + valid_for(),
    )
    return link, settings.SITE_URL + link_path(link.pk, secret)


# --- opening a link ---------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    link: ReferralLink
    referral: Referral
    state: str


def find_link(token: str) -> ReferralLink | None:
    """The link behind ``token``, or None for anything not made by ``make_token``
    (a guessed or altered token never reaches the database)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    link_id, _dot, secret = value.partition(".")
    if not link_id.isdigit() or not secret:
        return None
    link = (
        ReferralLink.objects.select_related(
            "referral", "referral__service", "referral__receiving_organization", "referral__sending_organization"
        )
        .filter(pk=int(link_id))
        .first()
    )
    if link is None or not hmac.compare_digest(link.secret_hash, hash_secret(secret)):
        return None
    return link


def state_of(link: ReferralLink, referral: Referral, now: datetime | None = None) -> str:
    """What the link may still do with the referral as it is now (``LinkState``)."""
    now = now or timezone.now()
    if link.revoked_at is not None or link.expires_at <= now:
        return LinkState.GONE
    if referral.receiving_organization_id != link.organization_id:
        return LinkState.GONE  # changed hands
    if link.contact not in recipient_contacts(referral):
        return LinkState.GONE  # the contact no longer receives this organization's referrals
    if referral.status == Status.CLOSED:
        return LinkState.CLOSED
    return LinkState.OPEN


def open_link(token: str) -> Opened | None:
    link = find_link(token)
    if link is None:
        return None
    return Opened(link=link, referral=link.referral, state=state_of(link, link.referral))


def require_open(link: ReferralLink, referral: Referral) -> None:
    """For the actions: the link still works for this referral, or ``LinkRefused``."""
    if link.referral_id != referral.pk:
        raise LinkRefused(LinkState.GONE)
    state = state_of(link, referral)
    if state != LinkState.OPEN:
        raise LinkRefused(state)


def claim_step(link: ReferralLink, step: str, now: datetime) -> None:
    """Mark ``step`` ("started" or "closed") done through this link, once: the
    conditional UPDATE is the lock (of two identical requests exactly one matches);
    the other gets ``LinkRefused("used")``."""
    field = {"started": "started_at", "closed": "closed_at"}[step]
    updated = ReferralLink.objects.filter(pk=link.pk, **{f"{field}__isnull": True}).update(
        **{field: now, "last_used_at": now}
    )
    if not updated:
        raise LinkRefused("used")


def touch(link: ReferralLink, now: datetime) -> None:
    ReferralLink.objects.filter(pk=link.pk).update(last_used_at=now)


def revoke_links(referral: Referral, now: datetime | None = None) -> int:
    """End every link of ``referral`` (when it changes hands)."""
    return ReferralLink.objects.filter(referral=referral, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def masked_contact(contact: str) -> str:
    """ "s•••@hopestreet.org" / "•••0142": enough for staff to tell links apart."""
    if "@" in contact:
        name, _at, domain = contact.partition("@")
        return f"{name[:1]}•••@{domain}"
    return f"•••{contact[-4:]}"


# --- for the specialists' and staff's pages ---------------------------------------------------


def with_link_use(referrals: QuerySet) -> QuerySet:
    """Annotate ``handled_by_link``: the receiving organization acted on it from a link."""
    used = ReferralLink.objects.filter(referral=OuterRef("pk"), last_used_at__isnull=False)
    return referrals.annotate(handled_by_link=Exists(used))


def handled_by_link(referral_ids) -> set:
    """The ids among ``referral_ids`` that the organization acted on from a link."""
    return set(
        ReferralLink.objects.filter(referral_id__in=list(referral_ids), last_used_at__isnull=False).values_list(
            "referral_id", flat=True
        )
    )

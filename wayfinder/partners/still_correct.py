"""The one-click "still correct" link of the monthly reminder email (issue #21 item 3).

A partner admin confirms a service from the email itself, without signing in. Why it
is safe enough:
- single purpose: a token signed with a salt of its own (no other token of the site
  works here, and a guessed or altered one is refused before any look-up); it can do
  one thing, confirm one service's information as it is, which changes nothing in it;
- bound to the service and to the admin it was sent to: it carries the service's id and
  a keyed hash of the admin's address (nothing personal readable in the URL), and works
  only while that person is an active admin of the organization that still lists the
  service;
- it expires (``VALID_FOR``, past the next month's reminder) and is spent once the
  service has been confirmed after the email was sent (by this link or anyone else);
- opening it changes nothing (mail scanners fetch links): the page has the one button;
- the confirmation is audited as the admin's, "by the reminder email's link".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from wayfinder.accounts.models import Membership
from wayfinder.directory import actions as directory_actions
from wayfinder.directory.models import Service, ServiceStatus, ServiceVerification, Source

SALT = "wayfinder.partners.still-correct"
VALID_FOR = timedelta(days=45)
VIA = "reminder_email_link"
MAX_TOKEN_LENGTH = 300


class State:
    OPEN = "open"  # the button works
    DONE = "done"  # confirmed since the email was sent: nothing left to do
    GONE = "gone"  # expired, or the person is no longer the service's admin


@dataclass(frozen=True)
class Checked:
    state: str
    service: Service | None = None
    admin: Any = None
    issued_at: datetime | None = None
    confirmed: ServiceVerification | None = None


def _address_key(address: str) -> str:
    """A keyed hash of an address: binds the link without showing it."""
    key = f"{settings.SECRET_KEY}:{SALT}".encode()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


class _Signer(signing.TimestampSigner):
    """Django's timestamped signer, with the time of issue given (the email's send time)."""

    def __init__(self, issued_at: datetime | None = None) -> None:
        super().__init__(salt=SALT)
        self.issued_at = issued_at

    def timestamp(self) -> str:
        if self.issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.issued_at.timestamp()))


def make_token(service_id: Any, address: str, issued_at: datetime | None = None) -> str:
    """The token for ``service_id`` sent to ``address``, issued now (or at ``issued_at``)."""
    return _Signer(issued_at).sign_object({"s": str(service_id), "a": _address_key(address)})


def link_url(service_id: Any, address: str) -> str:
    """The absolute URL to put in the email sent to ``address``."""
    return settings.SITE_URL + reverse("partners:still_correct", args=[make_token(service_id, address)])


def check(token: str) -> Checked | None:
    """What the link behind ``token`` may do now; None for anything not made by
    ``make_token`` (a 404, whoever asks)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    signer = _Signer()
    try:
        value = signer.unsign_object(token, max_age=VALID_FOR)
    except signing.SignatureExpired:
        return Checked(State.GONE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("s"), str) or not isinstance(value.get("a"), str):
        return None
    issued_at = datetime.fromtimestamp(signing.b62_decode(token.rsplit(signer.sep, 2)[1]), tz=UTC)
    service = (
        Service.objects.filter(pk=value["s"], status=ServiceStatus.ACTIVE).select_related("organization").first()
        if _is_uuid(value["s"])
        else None
    )
    if service is None:
        return Checked(State.GONE)
    admins = Membership.objects.filter(
        organization_id=service.organization_id, role=Membership.Role.ADMIN, is_active=True, user__is_active=True
    ).select_related("user")
    admin = next((m.user for m in admins if hmac.compare_digest(_address_key(m.user.email), value["a"])), None)
    if admin is None:
        return Checked(State.GONE, service=service)
    since = ServiceVerification.objects.filter(service=service, at__gte=issued_at).order_by("at").first()
    state = State.DONE if since is not None else State.OPEN
    return Checked(state, service=service, admin=admin, issued_at=issued_at, confirmed=since)


def confirm(checked: Checked) -> ServiceVerification:
    """The one click: the admin confirms the service (audited as theirs, via the link)."""
    assert checked.state == State.OPEN and checked.service is not None
    return directory_actions.verify_service(
        service=checked.service, actor=checked.admin, source=Source.PARTNER, via=VIA
    )


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True

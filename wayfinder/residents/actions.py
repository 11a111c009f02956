"""The verbs of the resident record: create a client, add a note, link a resident
account to its eligibility identity. Each is atomic and writes its audit entry."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.names import (
    RESIDENT_ACCOUNT_LINKED,
    RESIDENT_CREATED,
    RESIDENT_LINK_FAILED,
    RESIDENT_LINK_THROTTLED,
    RESIDENT_NOTE_ADDED,
    RESIDENT_PRIVACY_UPDATED,
)

from .models import ContactPoint, EligibilityCase, Note, Resident, Source

LINK_ATTEMPTS = 5
LINK_WINDOW_SECONDS = 15 * 60


class ResidentError(Exception):
    """An action that cannot go ahead; the message is safe to show."""


@transaction.atomic
def create_client(
    *,
    organization,
    actor,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    email: str = "",
    phone: str = "",
) -> Resident:
    """A person not in the eligibility feed, entered by an organization. The caller
    shows possible duplicates first (``selectors.find_duplicates``)."""
    resident = Resident.objects.create(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        source=Source.ORGANIZATION,
        created_by_organization=organization,
    )
    for kind, value in ((ContactPoint.Kind.EMAIL, email), (ContactPoint.Kind.PHONE, phone)):
        if value.strip():
            ContactPoint.objects.create(
                resident=resident,
                kind=kind,
                value=value.strip(),
                source=Source.ORGANIZATION,
                organization=organization,
                entered_by=actor,
            )
    log_action(
        actor,
        RESIDENT_CREATED,
        resident,
        resident=resident,
        purpose="care_coordination",
        legal_basis="none",
        organization=organization,
    )
    return resident


@transaction.atomic
def add_note(*, resident: Resident, access, actor, body: str, part2: bool = False) -> Note:
    """Notes are for organizations with consent: only they see the record's notes."""
    if not access.full or access.is_self:
        raise ResidentError(_("Notes need the resident's consent."))
    if part2 and not access.part2:
        raise ResidentError(_("Part 2 information needs the resident's Part 2 consent."))
    note = Note.objects.create(
        resident=resident, organization=access.organization, author=actor, body=body.strip(), part2=part2
    )
    log_action(
        actor,
        RESIDENT_NOTE_ADDED,
        note,
        resident=resident,
        legal_basis=access.legal_basis,
        purpose="care_coordination",
        data={"part2": part2},
    )
    return note


def _throttle_key(user) -> str:
    return f"wf:link-account:{user.pk}"


def link_account(*, user, individual_id: str, date_of_birth: datetime.date, case_last4: str) -> Resident:
    """Connect a resident's account to their eligibility record by what only they
    know (individual id + date of birth + last 4 of a case number), never by name.
    Five tries per 15 minutes; every try is audited (failures too, so this is not
    one transaction: a refused try must leave its audit row)."""
    key = _throttle_key(user)
    attempts = cache.get(key, 0)
    if attempts >= LINK_ATTEMPTS:
        log_action(user, RESIDENT_LINK_THROTTLED, outcome=AuditEvent.Outcome.DENIED, purpose="account_link")
        raise ResidentError(_("Too many tries. Please wait 15 minutes and try again."))
    if Resident.objects.filter(user=user).exists():
        raise ResidentError(_("Your account is already connected to a record."))
    resident = Resident.objects.filter(
        individual_id=individual_id.strip().upper(),
        date_of_birth=date_of_birth,
        user__isnull=True,
        status=Resident.Status.ACTIVE,
    ).first()
    case_ok = (
        resident is not None
        and len(case_last4.strip()) == 4
        and EligibilityCase.objects.filter(resident=resident, case_number__endswith=case_last4.strip()).exists()
    )
    if resident is None or not case_ok:
        cache.set(key, attempts + 1, LINK_WINDOW_SECONDS)
        log_action(
            user,
            RESIDENT_LINK_FAILED,
            outcome=AuditEvent.Outcome.DENIED,
            purpose="account_link",
            data={"attempt": attempts + 1},
        )
        raise ResidentError(_("Those details do not match a record. Check them and try again."))
    with transaction.atomic():
        resident.user = user
        resident.linked_at = timezone.now()
        resident.updated_at = resident.linked_at
        resident.save(update_fields=["user", "linked_at", "updated_at"])
        log_action(
            user, RESIDENT_ACCOUNT_LINKED, resident, resident=resident, legal_basis="self", purpose="account_link"
        )
    cache.delete(key)
    return resident


@transaction.atomic
def update_privacy(*, resident: Resident, actor, notification_channel: str, language: str) -> Resident:
    resident.notification_channel = notification_channel
    resident.preferred_language = language
    resident.updated_at = timezone.now()
    resident.save(update_fields=["notification_channel", "preferred_language", "updated_at"])
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
    log_action(
        actor,
        RESIDENT_PRIVACY_UPDATED,
        resident,
        resident=resident,
        legal_basis="self",
        data={"notification_channel": notification_channel, "language": language},
    )
    return resident

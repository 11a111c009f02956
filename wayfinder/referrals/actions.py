"""The verbs of a referral: create, move, assign, note (closing: ``closing.py``).

Each action is atomic, writes a ``ReferralEvent`` and an audit entry, and queues
its messages in the outbox (sent once the transaction commits). Changes to an
existing referral carry the version the person saw: when someone else changed it
in the meantime, ``ReferralChanged`` is raised with the current state instead of
overwriting it (no lost updates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.accounts.access import NotOnboarded, is_onboarded
from wayfinder.accounts.models import Membership, User
from wayfinder.audit.log import log_action
from wayfinder.audit.names import (
    REFERRAL_ASSIGNED,
    REFERRAL_CREATED,
    REFERRAL_NOTE_ADDED,
    REFERRAL_STATUS_CHANGED,
)

from . import links, notify
from .events import record_event
from .models import FollowUp, Origin, Referral, ReferralEvent, ReferralLink, ReferralNote, Status

# Referrals to organizations that have not onboarded may be closed by a referral
# specialist once they are this old (docs/product.md 5.5).
NON_ONBOARDED_CLOSABLE_AFTER = timedelta(days=14)

_ALLOWED_MOVES: dict[str, set[str]] = {
    Status.NEW: {Status.IN_PROGRESS},
    Status.IN_PROGRESS: {Status.NEW},
}


class ReferralChanged(Exception):
    """Someone else changed the referral since the form was shown."""

    def __init__(self, current: Referral) -> None:
        super().__init__("This referral was changed by someone else.")
        self.current = current


@dataclass(frozen=True)
class ServiceChoice:
    service: object
    location: object | None = None


def resident_search_key(resident) -> str:
    """What the inbox's client search matches against (see Referral.resident_search)."""
    return resident.search_name


def resident_keys(resident) -> str:
    """Whole name words and sound-alike keys for the tolerant client search (Referral.resident_keys)."""
    from wayfinder.residents.names import search_keys

    return search_keys(f"{resident.first_name} {resident.last_name}")[:300]


def _membership_at(user: User, organization_id) -> Membership | None:
    return Membership.objects.filter(user=user, organization_id=organization_id, is_active=True).first()


def _in_onboarding(user: User) -> bool:
    """Still in final onboarding: they could not open the referral (partners middleware)."""
    from wayfinder.partners.models import OnboardingProgress

    return OnboardingProgress.objects.filter(user=user, completed_at__isnull=True).exists()


def by_link(link, referral: Referral, name: str = "") -> dict:
    """What an event and an audit entry record of a change made through the
    receiving organization's emailed or texted link (issue #21)."""
    links.require_open(link, referral)
    return {"via": links.VIA, "link": link.pk, "sent_to": links.masked_contact(link.contact), "name": name[:100]}


def require_receiver(user: User | None, referral: Referral) -> Membership:
    """Only the receiving organization moves or closes a referral (signed in here;
    from its link, see ``by_link``)."""
    membership = _membership_at(user, referral.receiving_organization_id) if user is not None else None
    if membership is None:
        raise PermissionDenied(_("Only the organization that received this referral can change it."))
    if not is_onboarded(referral.receiving_organization):
        raise NotOnboarded  # referral specialists work referrals to organizations not onboarded
    return membership


@transaction.atomic
def create_referral(
    *,
    actor: User,
    resident,
    service,
    location=None,
    sending_organization=None,
    note: str = "",
    pre_consent: bool = False,
    origin: str = Origin.STAFF,
    form_token: str = "",
    now: datetime | None = None,
) -> Referral:
    """Refer ``resident`` to ``service``. Consent is never needed to refer
    (docs/product.md 4.3). ``pre_consent``: a resident referring themselves also lets the
    receiving organization see their record; staff referring someone only *offer*
    it, through the resident's own contact on file (docs/product.md 4.4: pre-consent is the
    resident's step)."""
    now = now or timezone.now()
    if service.status != "active":
        raise ValidationError(_("This service is not currently active; choose another one."))
    if location is not None and not service.service_at_locations.filter(location=location).exists():
        raise ValidationError(_("This service is not offered at the chosen location."))
    if origin == Origin.STAFF and sending_organization is None:
        raise ValidationError(_("Choose the organization you are referring for."))
    # A FHIR-created referral (origin FHIR) speaks for the organization its
    # authenticated exchange client is registered for; it has no staff membership.
    if (
        sending_organization is not None
        and origin != Origin.FHIR
        and _membership_at(actor, sending_organization.pk) is None
    ):
        raise PermissionDenied(_("You are not a member of that organization."))

    receiving = service.organization
    referral = Referral.objects.create(
        resident=resident,
        service=service,
        location=location,
        receiving_organization=receiving,
        sending_organization=sending_organization,
        created_by=actor,
        origin=origin,
        resident_search=resident_search_key(resident),
        resident_keys=resident_keys(resident),
        note=note.strip(),
        to_non_onboarded=not is_onboarded(receiving),
        form_token=form_token,
        created_at=now,
        status_changed_at=now,
    )
    record_event(
        referral,
        ReferralEvent.Kind.CREATED,
        to_status=Status.NEW,
        actor=actor,
        actor_organization_id=referral.sending_organization_id,
        version=referral.version,
        at=now,
        data={"origin": origin},
    )
    if referral.to_non_onboarded:
        FollowUp.objects.create(
            referral=referral,
            kind=FollowUp.Kind.NON_ONBOARDED,
            created_at=now,
            closable_from=now + NON_ONBOARDED_CLOSABLE_AFTER,
        )
    if pre_consent:
        _pre_consent(resident, receiving, actor, origin, referral)
    log_action(
        actor,
        REFERRAL_CREATED,
        referral,
        resident=resident,
        legal_basis="referral",
        organization=sending_organization,
        data={"service": str(service.pk), "to_non_onboarded": referral.to_non_onboarded, "pre_consent": pre_consent},
    )
    notify.referral_created(referral)
    return referral


def create_referrals(
    *, actor: User, resident, choices: Sequence[ServiceChoice], sending_organization, note: str = "", **kwargs
) -> list[Referral]:
    """Several referrals in one step (from favorites): all are created, or none."""
    if not choices:
        raise ValidationError(_("Choose at least one service."))
    with transaction.atomic():
        return [
            create_referral(
                actor=actor,
                resident=resident,
                service=choice.service,
                location=choice.location,
                sending_organization=sending_organization,
                note=note,
                **kwargs,
            )
            for choice in choices
        ]


def create_referral_once(*, form_token: str, service, **kwargs) -> tuple[Referral, bool]:
    """``create_referral`` for a form: the same form (``form_token``, see
    form_tokens) sent again returns the referral it already made, with False."""
    existing = Referral.objects.filter(form_token=form_token, service=service).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return create_referral(service=service, form_token=form_token, **kwargs), True
    except IntegrityError:
        # The other submit of the same form won the race (unique form_token + service).
        return Referral.objects.get(form_token=form_token, service=service), False


def create_referrals_once(*, form_token: str, **kwargs) -> tuple[list[Referral], bool]:
    """``create_referrals`` for a form (favorites): sent again, it returns the
    referrals the first submit made, with False."""
    existing = list(Referral.objects.filter(form_token=form_token).order_by("created_at", "id"))
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return create_referrals(form_token=form_token, **kwargs), True
    except IntegrityError:
        return list(Referral.objects.filter(form_token=form_token).order_by("created_at", "id")), False


def _pre_consent(resident, organization, actor: User, origin: str, referral: Referral) -> None:
    from wayfinder.consent import actions as consent_actions

    try:
        if origin == Origin.SELF:
            consent_actions.grant_pre_consent(resident=resident, organization=organization, actor=actor)
        else:
            consent_actions.offer_pre_consent(
                resident=resident, organization=organization, actor=actor, referral=referral
            )
    except consent_actions.ConsentError as error:
        # The whole referral is refused (atomic), with the reason on the form.
        raise ValidationError(str(error)) from error


def apply_if_version(referral_id, expected_version: int, **changes) -> Referral:
    """Write ``changes`` only if the referral is still at ``expected_version``;
    otherwise raise ``ReferralChanged`` with what it is now. The conditional
    UPDATE is the lock: of two concurrent writers exactly one matches."""
    updated = Referral.objects.filter(pk=referral_id, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    current = Referral.objects.select_related("receiving_organization", "resident").get(pk=referral_id)
    if not updated:
        raise ReferralChanged(current)
    return current


@transaction.atomic
def change_status(
    *,
    actor: User | None,
    referral: Referral,
    to_status: str,
    expected_version: int,
    link: ReferralLink | None = None,
    name: str = "",
) -> Referral:
    """Move between New and In Progress (closing has its own action). With ``link``
    (no ``actor``): the receiving organization from its link, which moves a referral
    to In Progress once."""
    via = by_link(link, referral, name) if link is not None else {}
    organization_id = (
        referral.receiving_organization_id if link is not None else require_receiver(actor, referral).organization_id
    )
    if link is not None and to_status != Status.IN_PROGRESS:
        raise ValidationError(_("From this link a referral can only be set to In progress or closed."))
    if to_status == Status.CLOSED:
        raise ValidationError(_("Use “Close referral” to close it and record the outcome."))
    if to_status not in _ALLOWED_MOVES.get(referral.status, set()):
        raise ValidationError(
            _("A referral cannot move from %(old)s to %(new)s.")
            % {"old": Status(referral.status).label, "new": dict(Status.choices).get(to_status, to_status)}
        )
    now = timezone.now()
    if link is not None:
        links.claim_step(link, "started", now)
    updated = apply_if_version(referral.pk, expected_version, status=to_status, status_changed_at=now)
    if updated.status != to_status:  # pragma: no cover - guarded by the version check
        raise ReferralChanged(updated)
    record_event(
        updated,
        ReferralEvent.Kind.STATUS_CHANGED,
        from_status=referral.status,
        to_status=to_status,
        actor=actor,
        actor_organization_id=organization_id,
        version=updated.version,
        at=now,
        data=via,
    )
    log_action(
        actor,
        REFERRAL_STATUS_CHANGED,
        updated,
        resident=updated.resident_id,
        actor_label=links.ACTOR_LABEL if link is not None else "",
        data={"to": to_status, **via},
    )
    return updated


@transaction.atomic
def assign(*, actor: User, referral: Referral, assignee: User | None, expected_version: int) -> Referral:
    """Assign to a staff member of the receiving organization (or unassign)."""
    membership = require_receiver(actor, referral)
    if assignee is not None and _membership_at(assignee, referral.receiving_organization_id) is None:
        raise ValidationError(_("Referrals can only be assigned to staff of the receiving organization."))
    if assignee is not None and _in_onboarding(assignee):
        raise ValidationError(_("%(name)s has not finished onboarding yet.") % {"name": assignee.get_full_name()})
    if referral.status == Status.CLOSED:
        raise ValidationError(_("This referral is closed."))
    updated = apply_if_version(referral.pk, expected_version, assigned_to=assignee)
    record_event(
        updated,
        ReferralEvent.Kind.ASSIGNED,
        actor=actor,
        actor_organization_id=membership.organization_id,
        version=updated.version,
        data={"assignee": assignee.get_full_name() if assignee else ""},
    )
    log_action(actor, REFERRAL_ASSIGNED, updated, data={"assignee": assignee.pk if assignee else None})
    return updated


@transaction.atomic
def add_note(
    *,
    actor: User | None,
    referral: Referral,
    body: str,
    organization=None,
    link: ReferralLink | None = None,
    name: str = "",
) -> ReferralNote:
    """Notes only ever add: two people writing at once both keep their note. With
    ``link`` (no ``actor``): a note from the receiving organization's link; the same
    note sent twice from one link (a reload, a double tap) is kept once."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a note before saving."))
    if len(body) > 4000:
        raise ValidationError(_("Notes are limited to 4,000 characters."))
    via: dict = {}
    if link is not None:
        via = by_link(link, referral, name)
        organization = referral.receiving_organization
        sent_before = [
            data.get("note_id")
            for data in ReferralEvent.objects.filter(referral=referral, kind=ReferralEvent.Kind.NOTE_ADDED)
            .filter(actor=None)
            .values_list("data", flat=True)
            if (data or {}).get("link") == link.pk
        ]
        repeated = ReferralNote.objects.filter(pk__in=sent_before, body=body).first()
        if repeated is not None:
            return repeated
        links.touch(link, timezone.now())
    note = ReferralNote.objects.create(
        referral=referral, author=actor, author_name=name.strip()[:100], organization=organization, body=body
    )
    record_event(
        referral,
        ReferralEvent.Kind.NOTE_ADDED,
        actor=actor,
        actor_organization_id=organization.pk if organization is not None else None,
        version=referral.version,
        data={"note_id": note.pk, **via},
    )
    log_action(
        actor,
        REFERRAL_NOTE_ADDED,
        referral,
        resident=referral.resident_id,
        organization=organization,
        actor_label=links.ACTOR_LABEL if link is not None else "",
        data=via or None,
    )
    return note

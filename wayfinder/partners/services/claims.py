"""Site claims and "I can't find my organization" requests, and the reviewer's decision."""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.audit.log import log_action
from wayfinder.audit.names import (
    DIRECTORY_ORGANIZATION_CREATED,
    PARTNER_CLAIM_SUBMITTED,
    PARTNER_NEW_ORGANIZATION_REQUESTED,
    PARTNER_REQUEST_APPROVED,
    PARTNER_REQUEST_REJECTED,
)
from wayfinder.notifications.services import queue_email

from ..models import Partner, SiteRequest
from ..selectors import is_claimed
from .invitations import IssuedInvitation, issue_invitation, long_date


class ClaimError(Exception):
    """The request cannot be accepted; the message is shown as it is."""


REQUEST_FIELDS = (
    "requester_name",
    "requester_title",
    "requester_email",
    "requester_phone",
    "organization_name",
    "organization_description",
    "organization_website",
    "organization_phone",
    "address_1",
    "city",
    "state_province",
    "postal_code",
    "tax_status",
    "ein",
)


@transaction.atomic
def submit_claim(organization, details: dict, *, actor=None) -> SiteRequest:
    """Ask to become the admin of a listed organization. Refused when the
    organization is already claimed or this person already asked."""
    if is_claimed(organization.pk):
        raise ClaimError(_("%(name)s has already been claimed.") % {"name": organization.name})
    email = details["requester_email"].strip().lower()
    earlier = SiteRequest.objects.filter(
        organization=organization, requester_email__iexact=email, status=SiteRequest.Status.PENDING
    ).first()
    if earlier is not None:
        raise ClaimError(
            _("You already asked to claim %(name)s on %(date)s. A United Way reviewer will contact you.")
            % {"name": organization.name, "date": long_date(earlier.created_at)}
        )
    values = {key: details.get(key, "") for key in REQUEST_FIELDS}
    values.update(requester_email=email, organization_name=organization.name)
    request = SiteRequest.objects.create(kind=SiteRequest.Kind.CLAIM, organization=organization, **values)
    log_action(actor, PARTNER_CLAIM_SUBMITTED, request, data={"organization": str(organization.pk), "email": email})
    return request


@transaction.atomic
def submit_new_organization(details: dict, *, actor=None) -> SiteRequest:
    """Ask a reviewer to add an organization that is not in the directory yet."""
    email = details["requester_email"].strip().lower()
    name = details["organization_name"].strip()
    if SiteRequest.objects.filter(
        kind=SiteRequest.Kind.NEW_ORGANIZATION,
        status=SiteRequest.Status.PENDING,
        requester_email__iexact=email,
        organization_name__iexact=name,
    ).exists():
        message = _("You already asked us to add %(name)s. A United Way reviewer will contact you.")
        raise ClaimError(message % {"name": name})
    values = {key: details.get(key, "") for key in REQUEST_FIELDS}
    values.update(requester_email=email, organization_name=name)
    request = SiteRequest.objects.create(kind=SiteRequest.Kind.NEW_ORGANIZATION, **values)
    log_action(actor, PARTNER_NEW_ORGANIZATION_REQUESTED, request, data={"name": name, "email": email})
    return request


def _lock_pending(request_id: int) -> SiteRequest:
    """Re-read the request inside the transaction; a decided request is not decided twice."""
    request = SiteRequest.objects.select_for_update(of=("self",)).select_related("organization").get(pk=request_id)
    if request.status != SiteRequest.Status.PENDING:
        raise ClaimError(_("This request was already %(status)s.") % {"status": request.get_status_display().lower()})
    return request


@transaction.atomic
def approve_request(site_request: SiteRequest, reviewer) -> IssuedInvitation:
    """Approve a claim or a new-organization request: the organization (created
    now for a new one, source = reviewer) gets a Partner row, and the requester an
    admin invitation by email."""
    request = _lock_pending(site_request.pk)
    organization = request.organization
    if request.kind == SiteRequest.Kind.NEW_ORGANIZATION:
        organization = _create_organization(request, reviewer)
        request.organization = organization
    assert organization is not None  # a claim always names the organization claimed
    if request.kind != SiteRequest.Kind.NEW_ORGANIZATION and is_claimed(organization.pk):
        raise ClaimError(_("%(name)s has already been claimed by someone else.") % {"name": organization.name})
    partner, _created = Partner.objects.get_or_create(organization=organization)
    partner.tax_status = request.tax_status or partner.tax_status
    partner.ein = request.ein or partner.ein
    partner.save(update_fields=["tax_status", "ein"])
    request.status = SiteRequest.Status.APPROVED
    request.decided_at = timezone.now()
    request.decided_by = reviewer
    request.save(update_fields=["status", "decided_at", "decided_by", "organization"])
    log_action(
        reviewer, PARTNER_REQUEST_APPROVED, request, data={"organization": str(organization.pk), "kind": request.kind}
    )
    return issue_invitation(
        email=request.requester_email,
        full_name=request.requester_name,
        organization=organization,
        role="admin",
        invited_by=reviewer,
        site_request=request,
        purpose="site claim approved",
    )


@transaction.atomic
def reject_request(site_request: SiteRequest, reviewer, reason: str) -> SiteRequest:
    """Reject with a reason, which the requester receives by email."""
    reason = reason.strip()
    if not reason:
        raise ClaimError(_("Give a reason: the requester receives it."))
    request = _lock_pending(site_request.pk)
    request.status = SiteRequest.Status.REJECTED
    request.decided_at = timezone.now()
    request.decided_by = reviewer
    request.decision_reason = reason
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    queue_email(
        to=request.requester_email,
        subject=_("Your request to join Wayfinder for %(name)s") % {"name": request.organization_name},
        body=render_to_string("partners/email/rejected.txt", {"request": request}),
        kind="partner_request_rejected",
    )
    log_action(reviewer, PARTNER_REQUEST_REJECTED, request, data={"reason": reason})
    return request


def _create_organization(request: SiteRequest, reviewer):
    """The directory record for a new-organization request, marked as added by a reviewer."""
    from wayfinder.directory.models import Address, Location, Organization, Phone, Source

    today = timezone.localdate()
    organization = Organization.objects.create(
        name=request.organization_name,
        description=request.organization_description,
        website=request.organization_website,
        email="",
        tax_status=request.get_tax_status_display() if request.tax_status else "",
        tax_id=request.ein,
        source=Source.REVIEWER,
        last_verified=today,
    )
    if request.address_1 or request.city:
        location = Location.objects.create(
            organization=organization, name=request.organization_name, source=Source.REVIEWER, last_verified=today
        )
        Address.objects.create(
            location=location,
            address_1=request.address_1,
            city=request.city,
            state_province=request.state_province,
            postal_code=request.postal_code,
            country="US",
            source=Source.REVIEWER,
            last_verified=today,
        )
    if request.organization_phone:
        Phone.objects.create(organization=organization, number=request.organization_phone, source=Source.REVIEWER)
    log_action(
        reviewer, DIRECTORY_ORGANIZATION_CREATED, organization, data={"source": "reviewer", "request": request.pk}
    )
    return organization

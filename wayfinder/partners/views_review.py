"""United Way reviewers: the queue of join requests, decisions, partner edit history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wayfinder.accounts.access import reviewer_required

from . import selectors
from .forms import RejectForm
from .selectors import is_claimed, search_organizations
from .services.claims import ClaimError, approve_request, reject_request


@reviewer_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    pending = selectors.pending_requests()
    decided = selectors.decided_requests().order_by("-decided_at")[:20]
    return render(request, "partners/review_queue.html", {"pending": pending, "decided": decided})


@reviewer_required
@require_safe
def review_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _review_page(request, selectors.site_request_for_review(request_id))


def _review_page(request: HttpRequest, site_request, reject_form: RejectForm | None = None, status: int = 200):
    earlier = selectors.earlier_requests(site_request)
    organization = site_request.organization
    context = {
        "site_request": site_request,
        "organization": organization,
        "locations": organization.locations.prefetch_related("addresses") if organization else [],
        "claimed": is_claimed(organization.pk) if organization else False,
        "possible_matches": [] if organization else list(search_organizations(site_request.organization_name)[:5]),
        "earlier": earlier.order_by("-created_at"),
        "reject_form": reject_form or RejectForm(),
    }
    return render(request, "partners/review_detail.html", context, status=status)


@reviewer_required
@require_POST
def review_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    site_request = selectors.site_request_for_review(request_id)
    try:
        issued = approve_request(site_request, request.user)
    except ClaimError as error:
        messages.error(request, str(error))
        return redirect("partners:review_detail", request_id=site_request.pk)
    message = _("Approved. A welcome email was sent to %(email)s.")
    messages.success(request, message % {"email": issued.invitation.email})
    return redirect("partners:review_queue")


@reviewer_required
@require_POST
def review_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    site_request = selectors.site_request_for_review(request_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _review_page(request, site_request, reject_form=form)
    try:
        reject_request(site_request, request.user, form.cleaned_data["reason"])
    except ClaimError as error:
        messages.error(request, str(error))
        return redirect("partners:review_detail", request_id=site_request.pk)
    messages.success(request, _("Rejected. The requester was emailed the reason."))
    return redirect("partners:review_queue")


@reviewer_required
@require_safe
def change_history(request: HttpRequest) -> HttpResponse:
    """Partners' edits of directory records, newest first, with before and after."""
    changes = selectors.record_changes()
    organization_id = request.GET.get("organization", "")
    if organization_id:
        try:
            changes = changes.filter(organization_id=organization_id)
        except ValidationError:  # a malformed id simply matches nothing
            changes = changes.none()
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(request, "partners/change_history.html", {"page": page, "organization_id": organization_id})

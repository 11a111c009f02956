"""The United Way referral specialists' queue (product 5.5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wayfinder.accounts.models import GlobalRole
from wayfinder.accounts.roles import global_role_required

from . import actions, followups
from .forms import CloseForm, OutreachForm
from .models import FollowUp
from .views import add_errors

specialist_required = global_role_required(GlobalRole.Role.SPECIALIST)


@specialist_required
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    open_items = (
        FollowUp.objects.filter(state=FollowUp.State.OPEN)
        .select_related("referral", "referral__service", "referral__receiving_organization", "referral__resident")
        .order_by("created_at")
    )
    sections = []
    for kind, label in FollowUp.Kind.choices:
        items = list(open_items.filter(kind=kind)[:100])
        sections.append({"kind": kind, "label": label, "items": items})
    return render(
        request, "referrals/specialist_queue.html", {"sections": sections, "now": now, "form": OutreachForm()}
    )


@require_POST
@specialist_required
def record_outreach(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = FollowUp.objects.filter(pk=follow_up_id).select_related("referral").first()
    if follow_up is None:
        raise Http404
    form = OutreachForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how you reached out and what happened."))
        return redirect("referrals:specialist_queue")
    followups.record_outreach(specialist=request.user, follow_up=follow_up, **form.cleaned_data)
    messages.success(request, _("Outreach recorded."))
    return redirect("referrals:specialist_queue")


@specialist_required
def specialist_close(request: HttpRequest, referral_id) -> HttpResponse:
    """Close a referral to a non-onboarded organization once it is 14 days old."""
    follow_up = (
        FollowUp.objects.filter(referral_id=referral_id, kind=FollowUp.Kind.NON_ONBOARDED)
        .select_related("referral", "referral__service", "referral__receiving_organization")
        .first()
    )
    if follow_up is None:
        raise Http404
    referral = follow_up.referral
    form = CloseForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_referral(actor=request.user, referral=referral, as_specialist=True, **form.outcome())
        except actions.ReferralChanged:
            messages.warning(request, _("This referral changed or was already closed; nothing was saved."))
            return redirect("referrals:specialist_queue")
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Referral closed."))
            return redirect("referrals:specialist_queue")
    return render(
        request,
        "referrals/close.html",
        {"referral": referral, "form": form, "as_specialist": True, "follow_up": follow_up},
        status=400 if request.method == "POST" else 200,
    )

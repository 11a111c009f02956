"""The United Way referral specialists' queue (product 5.5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wayfinder.accounts.models import GlobalRole
from wayfinder.accounts.roles import global_role_required

from . import actions, contacts, followups
from .forms import CloseForm, OutreachForm
from .models import FollowUp, Outreach
from .views import add_errors

specialist_required = global_role_required(GlobalRole.Role.SPECIALIST)
# Items shown per section of the queue, oldest first.
QUEUE_SECTION_SIZE = 100


def _follow_ups():
    """Follow-ups with what the queue shows of each: the referral, the partner's
    public phones, and the outreach so far (no query per item)."""
    return FollowUp.objects.select_related(
        "referral",
        "referral__service",
        "referral__location",
        "referral__receiving_organization",
        "referral__sending_organization",
        "referral__resident",
    ).prefetch_related(
        "referral__service__phones",
        "referral__location__phones",
        "referral__receiving_organization__phones",
        Prefetch("outreach", queryset=Outreach.objects.select_related("specialist").order_by("-at")),
    )


@specialist_required
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    open_items = _follow_ups().filter(state=FollowUp.State.OPEN).order_by("created_at")
    sections = []
    for kind, label in FollowUp.Kind.choices:
        items = list(open_items.filter(kind=kind)[:QUEUE_SECTION_SIZE])
        for item in items:
            item.partner = contacts.partner_contacts(item.referral)
            item.outreach_form = _outreach_form(item)
        sections.append({"kind": kind, "label": label, "items": items})
    return render(request, "referrals/specialist_queue.html", {"sections": sections, "now": now})


def _outreach_form(item: FollowUp) -> OutreachForm:
    """One form per item on the queue page, with field ids of its own."""
    return OutreachForm(auto_id=f"id_%s_{item.pk}")


def _follow_up_for(follow_up_id: int) -> FollowUp:
    follow_up = _follow_ups().filter(pk=follow_up_id).first()
    if follow_up is None:
        raise Http404
    return follow_up


@specialist_required
def follow_up(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    """One item worked in full: the partner's contacts, the resident's contacts when
    the rule allows them (audited: referrals.contacts), the outreach history."""
    item = _follow_up_for(follow_up_id)
    item.outreach_form = _outreach_form(item)
    context = {
        "item": item,
        "referral": item.referral,
        "partner": contacts.partner_contacts(item.referral),
        "resident_contacts": contacts.resident_contacts_for_follow_up(request.user, item),
        "shows_resident_contacts": contacts.may_see_resident_contact(item),
        "now": timezone.now(),
    }
    return render(request, "referrals/follow_up.html", context)


@require_POST
@specialist_required
def record_outreach(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = FollowUp.objects.filter(pk=follow_up_id).select_related("referral").first()
    if follow_up is None:
        raise Http404
    back = "referrals:follow_up" if request.POST.get("from") == "item" else "referrals:specialist_queue"
    back_args = [follow_up.pk] if back == "referrals:follow_up" else []
    form = OutreachForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how you reached out and what happened."))
        return redirect(back, *back_args)
    followups.record_outreach(specialist=request.user, follow_up=follow_up, **form.cleaned_data)
    messages.success(request, _("Outreach recorded."))
    return redirect(back, *back_args)


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

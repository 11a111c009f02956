"""The United Way referral specialists' queue (docs/product.md 5.5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts.access import specialist_required

from . import actions, closing, contacts, followups, links, selectors
from .forms import CloseForm, OutreachForm
from .models import FollowUp
from .views import add_errors


@specialist_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    sections = []
    for kind, label in FollowUp.Kind.choices:
        items = selectors.open_follow_ups(request.user, kind)
        for item in items:
            item.partner = contacts.partner_contacts(item.referral)
            item.outreach_form = _outreach_form(item)
        sections.append({"kind": kind, "label": label, "items": items})
    selectors.log_list_read(request.user, "specialist_queue", [i.referral for s in sections for i in s["items"]])
    # The referrals the organization works from its emailed link (issue #21).
    handled = links.handled_by_link(i.referral_id for s in sections for i in s["items"])
    context = {"sections": sections, "now": now, "handled_by_link": handled}
    return render(request, "referrals/specialist_queue.html", context)


def _outreach_form(item: FollowUp) -> OutreachForm:
    """One form per item on the queue page, with field ids of its own."""
    return OutreachForm(auto_id=f"id_%s_{item.pk}")


@specialist_required
@require_safe
def follow_up(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    """One item worked in full: the partner's contacts, the resident's contacts when
    the rule allows them (audited: referrals.contacts), the outreach history."""
    item = selectors.follow_up_for(request.user, follow_up_id)
    item.outreach_form = _outreach_form(item)
    context = {
        "item": item,
        "referral": item.referral,
        "partner": contacts.partner_contacts(item.referral),
        "resident_contacts": contacts.resident_contacts_for_follow_up(request.user, item),
        "shows_resident_contacts": contacts.may_see_resident_contact(item),
        "now": timezone.now(),
    }
    # The page names the resident: one read on her "who viewed my record".
    selectors.log_detail_read(request.user, item.referral, "specialist")
    return render(request, "referrals/follow_up.html", context)


@require_POST
@specialist_required
def record_outreach(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = selectors.follow_up_for(request.user, follow_up_id)
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
@require_http_methods(["GET", "POST"])
def specialist_close(request: HttpRequest, referral_id) -> HttpResponse:
    """Close a referral to a non-onboarded organization once it is 14 days old."""
    follow_up = selectors.non_onboarded_follow_up_for(request.user, referral_id)
    referral = follow_up.referral
    form = CloseForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            closing.close_referral(actor=request.user, referral=referral, as_specialist=True, **form.outcome())
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

"""My Plan's page for the exchange (docs/security.md, "Sharing with the health
information exchange"): what is shared and with whom, in plain words, and the
resident's yes or no. A plain form: it works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wayfinder.accounts.access import ResidentRequest, resident_required
from wayfinder.accounts.middleware import resident_data

from ..models import SharingChoice
from ..sharing import shares_with_exchange
from .actions import set_sharing_choice
from .forms import DO_NOT_SHARE, SHARE, SharingChoiceForm
from .selectors import exchange_recipients


@resident_data
@resident_required()
@require_http_methods(["GET", "POST"])
def sharing(request: ResidentRequest) -> HttpResponse:
    """Only the signed-in resident's own choice: the record is the one linked to the
    account (``resident_required``), never one named in the URL or the form."""
    resident = request.resident
    assert resident is not None  # resident_required() sends an unconnected account to connect first
    shares = shares_with_exchange(resident)
    if request.method == "POST":
        form = SharingChoiceForm(request.POST)
        if form.is_valid():
            set_sharing_choice(resident=resident, actor=request.user, share=form.shares)
            if form.shares:
                saved = _("Saved. Your information is shared with the health information exchange.")
            else:
                saved = _("Saved. Your information is no longer shared with the health information exchange.")
            messages.success(request, saved)
            return redirect("hie_my_plan:sharing")
    else:
        form = SharingChoiceForm(initial={"share": SHARE if shares else DO_NOT_SHARE})
    changed_at = SharingChoice.objects.filter(resident=resident).values_list("changed_at", flat=True).first()
    context = {"form": form, "shares": shares, "changed_at": changed_at, "recipients": exchange_recipients()}
    return render(request, "hie/my_plan_sharing.html", context, status=400 if request.method == "POST" else 200)

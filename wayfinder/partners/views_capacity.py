"""Partners say whether each service takes referrals now (issue #21 item 2): accepting,
waitlist (with an estimated wait) or full. Any staff member of the organization may:
the front desk knows first when the beds are gone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wayfinder.accounts.access import StaffRequest, partner_member_required
from wayfinder.directory import actions as directory_actions
from wayfinder.directory import availability
from wayfinder.directory.models import AvailabilityStatus, Source

from .selectors import organization_service


class AvailabilityForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Is this service taking referrals?"),
        choices=AvailabilityStatus.choices,
        widget=forms.RadioSelect,
    )
    wait_weeks = forms.IntegerField(
        label=gettext_lazy("Estimated wait, in weeks (waitlist only, optional)"),
        required=False,
        min_value=1,
        max_value=directory_actions.MAX_WAIT_WEEKS,
    )


@partner_member_required
@require_http_methods(["GET", "POST"])
def service_availability(request: StaffRequest, service_id) -> HttpResponse:
    service = organization_service(request.organization, service_id)
    current = availability.of_service(service)
    initial = {"status": current.status, "wait_weeks": current.wait_weeks} if current else {}
    form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            directory_actions.set_availability(
                service=service,
                actor=request.user,
                status=form.cleaned_data["status"],
                wait_weeks=form.cleaned_data["wait_weeks"],
                source=Source.PARTNER,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Saved. Search results and referrals now show it."))
            return redirect("partners:organization")
    context = {"service": service, "form": form, "current": current}
    return render(request, "partners/availability.html", context, status=400 if form.errors else 200)

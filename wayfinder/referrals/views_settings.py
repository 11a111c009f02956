"""A partner admin opts in to a text message for every new referral."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wayfinder.accounts.access import StaffRequest, partner_admin_required
from wayfinder.partners.selectors import partner_of
from wayfinder.partners.services.notification_settings import set_referral_sms_number

from .forms import NotificationSettingsForm


@partner_admin_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: StaffRequest) -> HttpResponse:
    partner = partner_of(request.organization)
    form = NotificationSettingsForm(request.POST or None, initial={"referral_sms_number": partner.referral_sms_number})
    if request.method == "POST" and form.is_valid():
        set_referral_sms_number(partner, form.cleaned_data["referral_sms_number"], request.user)
        messages.success(request, _("Referral notifications saved."))
        return redirect("referrals:notification_settings")
    return render(request, "referrals/notification_settings.html", {"form": form, "organization": request.organization})

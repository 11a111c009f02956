"""A partner admin opts in to a text message for every new referral."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wayfinder.audit.log import log_action
from wayfinder.partners.access import member_required
from wayfinder.partners.models import Partner

from .forms import NotificationSettingsForm


@member_required(admin=True)
def notification_settings(request: HttpRequest) -> HttpResponse:
    partner = Partner.objects.get(organization=request.organization)
    form = NotificationSettingsForm(request.POST or None, initial={"referral_sms_number": partner.referral_sms_number})
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["referral_sms_number"]
        if number != partner.referral_sms_number:
            Partner.objects.filter(pk=partner.pk).update(referral_sms_number=number)
            log_action(request.user, "partner.referral_sms_changed", partner, data={"opted_in": bool(number)})
        messages.success(request, _("Referral notifications saved."))
        return redirect("referrals:notification_settings")
    return render(request, "referrals/notification_settings.html", {"form": form, "organization": request.organization})

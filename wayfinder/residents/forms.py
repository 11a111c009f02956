from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class ClientSearchForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput, help_text=_("For example 1988-04-12"))


class CreateClientForm(ClientSearchForm):
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    phone = forms.CharField(label=_("Mobile phone (optional)"), max_length=32, required=False)
    confirm_new = forms.BooleanField(
        label=_("I checked the possible matches and this is a different person"), required=False
    )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    part2 = forms.BooleanField(
        label=_("This note contains information from a substance use treatment program (42 CFR Part 2)"),
        required=False,
    )


class LinkAccountForm(forms.Form):
    individual_id = forms.CharField(
        label=_("Individual ID"),
        max_length=32,
        help_text=_("It is on your benefits letters (for example KY123456789)."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput)
    case_last4 = forms.CharField(
        label=_("Last 4 digits of one of your case numbers"),
        min_length=4,
        max_length=4,
        help_text=_("From a Medicaid, SNAP or K-TAP letter."),
    )


class PrivacyForm(forms.Form):
    notification_channel = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=[("email", _("Email")), ("sms", _("Text message"))],
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class AccessLogExportForm(forms.Form):
    resident = forms.CharField(label=_("Resident record id or eligibility individual id"), max_length=64)

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wayfinder.lib.phones import us_e164

# Nobody alive was born before this year; an earlier one is a typo (1898 for 1989).
EARLIEST_BIRTH_YEAR = 1900


class DateInput(forms.DateInput):
    input_type = "date"


def plausible_birth_date(value: datetime.date) -> datetime.date:
    """A date of birth that can be a living person's: not in the future, not
    before 1900. A typo there makes a record no search will find."""
    if value > timezone.localdate():
        raise forms.ValidationError(_("The date of birth cannot be in the future."))
    if value.year < EARLIEST_BIRTH_YEAR:
        raise forms.ValidationError(
            _("Check the year: a date of birth before %(year)d is not possible.") % {"year": EARLIEST_BIRTH_YEAR}
        )
    return value


class ClientSearchForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput, help_text=_("For example 1988-04-12"))

    def clean_date_of_birth(self) -> datetime.date:
        return plausible_birth_date(self.cleaned_data["date_of_birth"])


class CreateClientForm(ClientSearchForm):
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=32,
        required=False,
        help_text=_("A 10-digit US number, for example 859-555-0142."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    confirm_new = forms.BooleanField(
        label=_("I checked the possible matches and this is a different person"), required=False
    )

    def clean_phone(self) -> str:
        """Stored as +1XXXXXXXXXX (the form texts are sent to), or refused: a text
        to "12345" cannot reach anyone (issue #14)."""
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        number = us_e164(value)
        if not number:
            raise forms.ValidationError(_("Enter a 10-digit US phone number, for example 859-555-0142."))
        return number


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

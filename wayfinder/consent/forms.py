from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wayfinder.directory.models import Organization
from wayfinder.lib.phones import us_e164
from wayfinder.residents.models import ContactPoint

from .models import Scope
from .statements import VERBAL_STATEMENTS


class RequestConsentForm(forms.Form):
    """Where the request goes is chosen among the resident's contact details on file
    (``contacts.consent_destinations``); nothing can be typed here."""

    scope = forms.ChoiceField(
        label=_("What the resident is asked to share"),
        choices=Scope.choices,
        initial=Scope.GENERAL,
        widget=forms.RadioSelect,
        help_text=_("Part 2 consent is separate: ask for it only if your organization needs substance use records."),
    )
    contact = forms.ChoiceField(label=_("Send the request to"), widget=forms.RadioSelect)

    def __init__(self, *args, destinations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [(str(d.contact.pk), destination_label(d)) for d in destinations]
        if len(destinations) == 1:
            self.fields["contact"].initial = str(destinations[0].contact.pk)


def destination_label(destination) -> str:
    """ "Email j•••@example.com (state record)" and the like."""
    how = _("Email") if destination.channel == "email" else _("Text message")
    if destination.contact.source == "eligibility":
        origin = _("from the state's record")
    elif destination.contact.source == "resident":
        origin = _("entered by the resident")
    else:
        origin = _("confirmed by the resident; not for Part 2")
    return f"{how} {destination.masked} ({origin})"


class AddContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(ContactPoint.Kind.EMAIL, _("Email")), (ContactPoint.Kind.PHONE, _("Mobile phone (text message)"))],
        widget=forms.RadioSelect,
    )
    value = forms.CharField(label=_("Email address or mobile number"), max_length=254)

    def clean(self):
        data = super().clean()
        value = (data.get("value") or "").strip()
        if value and data.get("kind") == ContactPoint.Kind.EMAIL:
            forms.EmailField().clean(value)
        if value and data.get("kind") == ContactPoint.Kind.PHONE and not us_e164(value):
            raise forms.ValidationError(_("Enter a 10-digit US mobile number."))
        return data


class VerifyContactForm(forms.Form):
    decision = forms.ChoiceField(choices=[("mine", _("Yes, this is mine")), ("not_mine", _("No, this is not mine"))])


class VerbalConsentForm(forms.Form):
    """One checkbox per statement; all must be ticked."""

    def __init__(self, *args, statements: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for code, text in statements:
            self.fields[f"ack_{code}"] = forms.BooleanField(label=text, required=True)

    def acknowledged(self) -> list[str]:
        return [name.removeprefix("ack_") for name, value in self.cleaned_data.items() if value]


class RespondForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", _("Yes, I agree")), ("decline", _("No"))])
    signature_name = forms.CharField(label=_("Type your full name to sign"), max_length=200, required=False)


def _onboarded_organizations():
    return Organization.objects.filter(partner_since__isnull=False).order_by("name")


class ResidentGrantForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    scope = forms.ChoiceField(label=_("What it may see"), choices=Scope.choices, initial=Scope.GENERAL)
    signature_name = forms.CharField(
        label=_("Your full name, as your signature (needed for Part 2 consent)"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _onboarded_organizations()


__all__ = [
    "VERBAL_STATEMENTS",
    "AddContactForm",
    "RequestConsentForm",
    "ResidentGrantForm",
    "RespondForm",
    "VerbalConsentForm",
    "VerifyContactForm",
]

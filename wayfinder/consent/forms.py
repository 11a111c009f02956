from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wayfinder.directory.models import Organization

from .models import ConsentRequest, Scope
from .statements import VERBAL_STATEMENTS


class RequestConsentForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send the request by"), choices=ConsentRequest.Channel.choices, widget=forms.RadioSelect
    )
    scope = forms.ChoiceField(
        label=_("What the resident is asked to share"),
        choices=Scope.choices,
        initial=Scope.GENERAL,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Part 2 consent is separate: ask for it only if your organization needs substance use records."),
    )
    destination = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=254,
        required=False,
        help_text=_("Leave empty to use the contact on file."),
    )

    def clean(self):
        data = super().clean()
        destination = (data.get("destination") or "").strip()
        if destination and data.get("channel") == ConsentRequest.Channel.EMAIL:
            forms.EmailField().clean(destination)
        if destination and data.get("channel") == ConsentRequest.Channel.TEXT:
            digits = "".join(ch for ch in destination if ch.isdigit())
            if len(digits) not in (10, 11):
                raise forms.ValidationError(_("Enter a 10-digit mobile number."))
        return data


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


__all__ = ["VERBAL_STATEMENTS", "RequestConsentForm", "ResidentGrantForm", "RespondForm", "VerbalConsentForm"]

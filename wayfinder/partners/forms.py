"""Forms for joining, reviewing, staff and organization self-service.

Required fields are marked in the templates (``field.field.required``); every
form validates on the server and a failed form changes nothing.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from wayfinder.accounts.models import Membership

from .models import Partner, SiteRequest
from .services.claims import REQUEST_FIELDS

EIN_PATTERN = re.compile(r"^(\d{2})-?(\d{7})$")
PHONE_PATTERN = re.compile(r"^[0-9()+.\-\s]{7,25}(\s*(x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)
# IRS campus prefixes never issued (so a typo there is caught).
_UNUSED_EIN_PREFIXES = {
    *("00", "07", "08", "09", "17", "18", "19", "28", "29"),
    *("49", "69", "70", "78", "79", "89", "96", "97"),
}


def clean_ein(value: str) -> str:
    """NN-NNNNNNN (the dash may be left out); returned with the dash."""
    value = value.strip()
    match = EIN_PATTERN.match(value)
    if not match or match.group(1) in _UNUSED_EIN_PREFIXES:
        raise forms.ValidationError(_("Enter the EIN as 9 digits in the form NN-NNNNNNN, for example 61-1234567."))
    return f"{match.group(1)}-{match.group(2)}"


def clean_website(value: str) -> str:
    """An http(s) web address; "example.org" gets https:// in front. Anything else
    ("not a url") is refused with an example (issue #14)."""
    from django.core.validators import URLValidator

    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    try:
        URLValidator(schemes=["http", "https"])(value)
    except forms.ValidationError as error:
        raise forms.ValidationError(_("Enter a web address, for example https://www.example.org.")) from error
    return value


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and (not PHONE_PATTERN.match(value) or len(re.sub(r"\D", "", value)) < 7):
        raise forms.ValidationError(_("Enter a phone number, for example 859-555-0100."))
    return value


class SiteRequestForm(forms.ModelForm):
    """The claim form; ``new_organization=True`` asks for the organization's details too."""

    class Meta:
        model = SiteRequest
        fields = list(REQUEST_FIELDS)
        widgets = {
            "organization_website": forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
            "requester_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "requester_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "organization_phone": forms.TextInput(attrs={"type": "tel"}),
            "organization_description": forms.Textarea(attrs={"rows": 3}),
            "requester_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "requester_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }
        help_texts = {
            "ein": _("Employer Identification Number, NN-NNNNNNN. Required for not-for-profit organizations."),
            "requester_email": _("Use your work address at the organization; the welcome email goes here."),
            "organization_website": _("For example https://www.example.org"),
        }

    def __init__(self, *args, new_organization: bool = False, organization=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.new_organization = new_organization
        self.fields["tax_status"].choices = [("", _("Choose…")), *Partner.TaxStatus.choices]
        for name in (
            "organization_website",
            "organization_phone",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "organization_description",
            "ein",
        ):
            self.fields[name].required = False
        if new_organization:
            for name in (
                "organization_description",
                "address_1",
                "city",
                "state_province",
                "postal_code",
                "organization_phone",
            ):
                self.fields[name].required = True
        else:
            # The organization is the one chosen from the directory.
            del self.fields["organization_name"]
            self.organization = organization

    def clean_requester_phone(self) -> str:
        return clean_phone(self.cleaned_data["requester_phone"])

    def clean_organization_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("organization_phone", ""))

    def clean_organization_website(self) -> str:
        return clean_website(self.cleaned_data.get("organization_website", ""))

    def clean_state_province(self) -> str:
        value = self.cleaned_data.get("state_province", "").strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise forms.ValidationError(_("Use the two-letter state code, for example KY."))
        return value

    def clean_postal_code(self) -> str:
        value = self.cleaned_data.get("postal_code", "").strip()
        if value and not re.fullmatch(r"\d{5}(-\d{4})?", value):
            raise forms.ValidationError(_("Enter a 5-digit ZIP code."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        ein = (data.get("ein") or "").strip()
        if data.get("tax_status") == Partner.TaxStatus.NONPROFIT and not ein:
            self.add_error("ein", _("Not-for-profit organizations must give their EIN."))
        elif ein:
            try:
                data["ein"] = clean_ein(ein)
            except forms.ValidationError as error:
                self.add_error("ein", error)
        return data


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Organization name or city"),
        max_length=200,
        required=False,
        help_text=_(
            "Try the full name or an abbreviation, for example CHFS for Cabinet for Health and Family Services."
        ),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the requester)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class NewAccountForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 15 characters is best; a short phrase is easy to remember."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            from wayfinder.accounts.models import User

            probe = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AgreementForm(forms.Form):
    accept = forms.BooleanField(label=_("I have read the user agreement and I accept it."))


class StaffAddForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Work email"))
    role = forms.ChoiceField(
        label=_("Permission"),
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        initial=Membership.Role.STAFF,
        help_text=_("Admins can edit the organization and manage staff; staff can use every other tool."),
    )


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Permission"), choices=Membership.Role.choices, widget=forms.RadioSelect)

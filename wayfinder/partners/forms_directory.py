"""Partner self-service forms for directory records (HSDS fields)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from wayfinder.directory.models import Location, Organization, Service

from .forms import clean_ein, clean_phone

_ZIP = RegexValidator(r"^\d{5}(-\d{4})?$", _("Enter a 5-digit ZIP code."))
_STATE = RegexValidator(r"^[A-Za-z]{2}$", _("Use the two-letter state code, for example KY."))


def _url_or_blank(value: str) -> str:
    value = value.strip()
    if value and not value.startswith(("http://", "https://")):
        value = f"https://{value}"
    if value:
        forms.URLField(assume_scheme="https").clean(value)
    return value


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_id",
            "year_incorporated",
            "legal_status",
        ]
        labels = {
            "name": _("Name"),
            "alternate_name": _("Other name or abbreviation"),
            "description": _("What you do"),
            "email": _("Public email"),
            "website": _("Website"),
            "tax_id": _("EIN"),
            "year_incorporated": _("Year incorporated"),
            "legal_status": _("Legal status"),
        }
        widgets = {
            "alternate_name": forms.TextInput(),
            "email": forms.EmailInput(),
            "website": forms.TextInput(attrs={"type": "url"}),
            "tax_id": forms.TextInput(),
            "legal_status": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "").strip()
        if value:
            forms.EmailField().clean(value)
        return value

    def clean_website(self) -> str:
        return _url_or_blank(self.cleaned_data.get("website", ""))

    def clean_tax_id(self) -> str:
        value = self.cleaned_data.get("tax_id", "").strip()
        return clean_ein(value) if value else ""

    def clean_year_incorporated(self):
        value = self.cleaned_data.get("year_incorporated")
        if value is not None and not 1700 <= value <= 2100:
            raise forms.ValidationError(_("Enter a year such as 1985."))
        return value


class LocationForm(forms.ModelForm):
    address_1 = forms.CharField(label=_("Street address"), max_length=300)
    address_2 = forms.CharField(label=_("Suite or floor"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=120)
    state_province = forms.CharField(label=_("State"), max_length=2, validators=[_STATE], initial="KY")
    postal_code = forms.CharField(label=_("ZIP code"), max_length=10, validators=[_ZIP])
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )

    ADDRESS_FIELDS = ("address_1", "address_2", "city", "state_province", "postal_code")

    class Meta:
        model = Location
        fields = ["name", "description", "transportation"]
        labels = {"name": _("Location name"), "description": _("Description"), "transportation": _("Getting there")}
        widgets = {
            "name": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "transportation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        if self.instance.pk:
            address = self.instance.addresses.first()
            if address is not None:
                for name in self.ADDRESS_FIELDS:
                    self.initial.setdefault(name, getattr(address, name))
            phone = self.instance.phones.first()
            if phone is not None:
                self.initial.setdefault("phone", phone.number)

    def clean_state_province(self) -> str:
        return self.cleaned_data["state_province"].upper()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def location_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def address_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.ADDRESS_FIELDS}


class ServiceForm(forms.ModelForm):
    locations = forms.ModelMultipleChoiceField(
        label=_("Offered at"), queryset=Location.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "alternate_name",
            "description",
            "status",
            "url",
            "email",
            "application_process",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "fees_description",
            "wait_time",
        ]
        labels = {
            "name": _("Service name"),
            "alternate_name": _("Other name"),
            "description": _("Description"),
            "status": _("Status"),
            "url": _("Web page"),
            "email": _("Email"),
            "application_process": _("How to apply"),
            "eligibility_description": _("Who can get it"),
            "minimum_age": _("Minimum age"),
            "maximum_age": _("Maximum age"),
            "fees_description": _("Fees"),
            "wait_time": _("Wait time"),
        }
        widgets = {
            "name": forms.TextInput(),
            "alternate_name": forms.TextInput(),
            "url": forms.TextInput(attrs={"type": "url"}),
            "email": forms.EmailInput(),
            "wait_time": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organization=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
        self.fields["locations"].queryset = Location.objects.filter(organization=organization).order_by("name")
        if self.instance.pk:
            self.initial["locations"] = list(self.instance.service_at_locations.values_list("location_id", flat=True))

    def clean_url(self) -> str:
        return _url_or_blank(self.cleaned_data.get("url", ""))

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "").strip()
        if value:
            forms.EmailField().clean(value)
        return value

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("minimum_age"), data.get("maximum_age")
        for name in ("minimum_age", "maximum_age"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 130:
                self.add_error(name, _("Enter an age from 0 to 130."))
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age must not be below the minimum age."))
        return data

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

"""Partner self-service forms for directory records (HSDS fields)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from wayfinder.directory.models import Location, Organization, Service
from wayfinder.lib import geo

from .forms import clean_ein, clean_phone
from .geocoding import MAX_PICK_DISTANCE_KM, address_point

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
    # The point on the map (the map only shows where the deployment has map tiles, and needs
    # JavaScript); without it the location is placed from its address.
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

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
        self.stored_point = None
        if self.instance.pk:
            address = self.instance.addresses.first()
            if address is not None:
                for name in self.ADDRESS_FIELDS:
                    self.initial.setdefault(name, getattr(address, name))
            phone = self.instance.phones.first()
            if phone is not None:
                self.initial.setdefault("phone", phone.number)
            if geo.valid_coordinates(self.instance.latitude, self.instance.longitude):
                self.stored_point = (self.instance.latitude, self.instance.longitude)
                self.initial.setdefault("latitude", self.instance.latitude)
                self.initial.setdefault("longitude", self.instance.longitude)

    def clean_state_province(self) -> str:
        return self.cleaned_data["state_province"].upper()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict:
        """Where the location is: the point picked on the map, else the address's.

        A stored point is kept while the address stays the same (a 2-1-1 record's
        coordinates are more precise than a ZIP code's centre); a new address is placed
        anew. A location that cannot be placed is refused: without a point nobody
        searching near it would ever find its services.
        """
        data = super().clean()
        self.point = None
        if any(name in self.errors for name in self.ADDRESS_FIELDS):
            return data
        picked = (data.get("latitude"), data.get("longitude"))
        if not geo.valid_coordinates(*picked):
            picked = None
        from_address = address_point(data["postal_code"], data["city"], data["state_province"])
        if picked is not None and _moved(picked, self.stored_point):
            if from_address is not None and _km(picked, from_address) > MAX_PICK_DISTANCE_KM:
                self.add_error(
                    None,
                    _("The point on the map is far from this address. Check the ZIP code or move the point."),
                )
                return data
            self.point = picked
        elif self.stored_point is not None and not self._address_changed():
            self.point = self.stored_point
        elif from_address is not None:
            self.point = from_address
        else:
            self.add_error(
                "postal_code",
                _("We could not find this ZIP code and city. Check them so people nearby can find this location."),
            )
        return data

    def _address_changed(self) -> bool:
        return any(
            str(self.cleaned_data.get(name) or "").strip().casefold()
            != str(self.initial.get(name) or "").strip().casefold()
            for name in self.ADDRESS_FIELDS
        )

    def location_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["latitude"], values["longitude"] = self.point
        return values

    def address_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.ADDRESS_FIELDS}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return geo.haversine_m(a[0], a[1], b[0], b[1]) / 1000


def _moved(point: tuple[float, float], stored: tuple[float, float] | None) -> bool:
    """A posted point other than the stored one (to about a metre) was picked on the map."""
    return stored is None or _km(point, stored) > 0.001


class CategoryCheckboxes(forms.CheckboxSelectMultiple):
    """The SDoH categories as one group of checkboxes per category (a details element each,
    open when something in it is chosen), so eighty choices stay easy to scan."""

    template_name = "partners/widgets/category_checkboxes.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["category_groups"] = [
            (label, options, any(option["selected"] for option in options))
            for label, options, _index in context["widget"]["optgroups"]
        ]
        return context


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(category, [(slug, label), ...]) in the page's language: the category itself first."""
    from wayfinder.directory.categories import CATEGORIES
    from wayfinder.directory.pages import label

    return [
        (
            label(category.slug),
            [(category.slug, _("%(name)s (general)") % {"name": label(category.slug)})]
            + [(sub[0], label(sub[0])) for sub in category.subcategories],
        )
        for category in CATEGORIES
    ]


class ServiceForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        help_text=_("Choose every kind of help this service gives: people find it by these categories."),
        widget=CategoryCheckboxes,
        error_messages={"required": _("Choose at least one category, so people can find this service.")},
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Offered at"),
        queryset=Location.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one location where people can get this service.")},
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

    field_order = ["name", "alternate_name", "description", "categories", "locations"]

    def __init__(self, *args, organization=None, **kwargs) -> None:
        from .services.service_categories import chosen_slugs, imported_slugs

        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
        self.fields["categories"].choices = category_choices()
        self.fields["locations"].queryset = Location.objects.filter(organization=organization).order_by("name")
        self.has_locations = self.fields["locations"].queryset.exists()
        if not self.has_locations:
            self.fields["locations"].help_text = _("Add a location first: a service is offered somewhere.")
        # Categories from the 2-1-1 record stay whatever is ticked here (a reviewer changes those).
        self.imported_categories = imported_slugs(self.instance)
        if self.imported_categories:
            self.fields["categories"].required = False
        if self.instance.pk:
            self.initial["locations"] = list(self.instance.service_at_locations.values_list("location_id", flat=True))
            self.initial["categories"] = chosen_slugs(self.instance)

    @property
    def imported_category_labels(self) -> list[str]:
        from wayfinder.directory.pages import label

        return [label(slug) for slug in self.imported_categories]

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

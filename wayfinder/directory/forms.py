"""Forms of the public directory pages: search, share, report a problem."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wayfinder.lib import geo
from wayfinder.lib.phones import us_e164

from .categories import LABELS, SITUATIONS
from .models import DidNotWork

MILES_TO_KM = 1.609344
DISTANCE_CHOICES = [
    ("", _("Any distance")),
    ("5", _("5 miles")),
    ("10", _("10 miles")),
    ("25", _("25 miles")),
    ("50", _("50 miles")),
    ("100", _("100 miles")),
]
LANGUAGE_CHOICES = [
    ("", _("Any language")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("sw", _("Swahili")),
    ("vi", _("Vietnamese")),
    ("zh", _("Chinese")),
    ("ne", _("Nepali")),
    ("asl", _("American Sign Language")),
]
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose choices are a module constant, shared by every form instead of
    deep-copied into each: the two copies were half of the search form's cost on every
    results page (about 130 µs of 330)."""

    def __deepcopy__(self, memo: dict) -> FixedChoiceField:
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What do you need?"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": _("food pantry, rent help, diapers…")}
        ),
    )
    where = forms.CharField(
        label=_("Where? (ZIP code or city)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "placeholder": "40601"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    category = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    situation = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    distance = FixedChoiceField(label=_("Distance"), required=False, choices=DISTANCE_CHOICES)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    lang = FixedChoiceField(label=_("Language spoken"), required=False, choices=LANGUAGE_CHOICES)
    free = forms.BooleanField(label=_("Free only"), required=False)
    age = forms.IntegerField(label=_("Age of the person who needs help"), required=False, min_value=0, max_value=120)
    page = forms.IntegerField(required=False, min_value=1, max_value=50, widget=forms.HiddenInput)

    def clean_category(self) -> str:
        slug = self.cleaned_data["category"].strip()
        if slug and slug not in LABELS:
            raise forms.ValidationError(_("Unknown category."))
        return slug

    def clean_situation(self) -> str:
        slug = self.cleaned_data["situation"].strip()
        if slug and slug not in SITUATIONS:
            raise forms.ValidationError(_("Unknown situation."))
        return slug

    def clean(self) -> dict:
        data = super().clean()
        data["point"] = None
        if data.get("lat") is not None and data.get("lon") is not None:
            data["point"] = (data["lat"], data["lon"])
        where = (data.get("where") or "").strip()
        if where and data["point"] is None:
            data["point"] = resolve_place(where)
            if data["point"] is None:
                self.add_error("where", _("We could not find that place. Try a 5-digit ZIP code or a city name."))
        data["radius_km"] = float(data["distance"]) * MILES_TO_KM if data.get("distance") else None
        return data


class PlaceForm(forms.Form):
    """The category page's place box: a ZIP code or city, or a browser position."""

    where = forms.CharField(
        label=_("Where? (ZIP code or city)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "placeholder": "40601"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        where = (data.get("where") or "").strip()
        data["where"] = where
        positioned = data.get("lat") is not None and data.get("lon") is not None
        if where and not positioned and resolve_place(where) is None:
            self.add_error("where", _("We could not find that place. Try a 5-digit ZIP code or a city name."))
        return data

    def place_query(self) -> dict[str, str]:
        """The query-string keys a results link needs for this place (empty: no place)."""
        data = self.cleaned_data
        if data.get("lat") is not None and data.get("lon") is not None:
            return {"lat": f"{data['lat']:.5f}", "lon": f"{data['lon']:.5f}"}
        return {"where": data["where"]} if data.get("where") else {}


def resolve_place(text: str) -> tuple[float, float] | None:
    """ZIP code, "City" or "City, ST" → (lat, lon). Offline (zipcodes table)."""
    text = text.strip()
    if _ZIP.match(text):
        return geo.zip_centroid(text)
    city, _sep, state = text.partition(",")
    words = city.split()
    if not state and len(words) > 1 and len(words[-1]) == 2 and words[-1].isalpha():
        city, state = " ".join(words[:-1]), words[-1]
    return geo.city_centroid(city.strip(), state.strip()[:2] or settings.WAYFINDER_STATE)


class ShareForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone number (for a text message)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    note = forms.CharField(
        label=_("Add a note (optional)"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, allow_note: bool = False, **kwargs) -> None:
        """Free text only for signed-in staff (``sharing.may_add_note``): an
        anonymous share is not a way to send anyone any words."""
        super().__init__(*args, **kwargs)
        if not allow_note:
            del self.fields["note"]

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        if not any(ch.isdigit() for ch in value):
            return ""
        number = us_e164(value)
        if not number:
            raise forms.ValidationError(_("Enter a 10-digit US phone number."))
        return number

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(_("Enter an email address or a phone number."))
        return data


class ProblemReportForm(forms.Form):
    KIND_CHOICES = [
        ("closed", _("This service has closed")),
        ("phone", _("The phone number is wrong")),
        ("address", _("The address is wrong")),
        ("hours", _("The hours are wrong")),
        ("other", _("Something else")),
    ]
    kind = forms.ChoiceField(label=_("What is wrong?"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    details = forms.CharField(
        label=_("Tell us more (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact = forms.CharField(
        label=_("Your email or phone, if you want us to follow up (optional)"), required=False, max_length=200
    )


class DidNotWorkForm(forms.Form):
    reason = forms.ChoiceField(label=_("What happened?"), choices=DidNotWork.Reason.choices, widget=forms.RadioSelect)
    where = forms.ChoiceField(
        choices=[("service_page", "service_page"), ("referral", "referral")],
        initial="service_page",
        required=False,
        widget=forms.HiddenInput,
    )

"""The date-range filter of the dashboards."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .periods import DEFAULT_PRESET, LONGEST_CUSTOM_SPAN, PRESETS, Period, preset, today
from .queries import EPOCH


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[*PRESETS.items(), ("custom", gettext_lazy("Dates I choose"))],
        required=False,
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if not start or not end:
            raise forms.ValidationError(_("Choose both dates, or one of the periods."))
        if end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        if start < EPOCH or end - start > LONGEST_CUSTOM_SPAN:
            raise forms.ValidationError(_("Choose dates within ten years, from 2000 on."))
        return data

    def chosen(self) -> Period:
        """The period asked for; the default (last 30 days) when the form is empty
        or wrong (the form then shows its error)."""
        if not self.is_bound or not self.is_valid():
            return preset(DEFAULT_PRESET)
        key = self.cleaned_data.get("period") or DEFAULT_PRESET
        if key == "custom":
            end = min(self.cleaned_data["end"], today())
            return Period(self.cleaned_data["start"], max(end, self.cleaned_data["start"]), "custom")
        return preset(key)


def period_form(request) -> PeriodForm:
    keys = {"period", "start", "end"}
    data = {key: request.GET[key] for key in keys if key in request.GET}
    return PeriodForm(data if data else None)

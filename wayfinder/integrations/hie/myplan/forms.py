"""The sharing choice form: two large radio choices, required (docs/security.md,
"Sharing with the health information exchange")."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SHARE = "share"
DO_NOT_SHARE = "do_not_share"


class SharingChoiceForm(forms.Form):
    share = forms.ChoiceField(
        label=_("Share my information with the health information exchange?"),
        choices=[
            (SHARE, _("Yes, share it with the doctors, clinics and hospitals I see")),
            (DO_NOT_SHARE, _("No, do not share it")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose Yes or No."),
            "invalid_choice": _("Choose Yes or No."),
        },
    )

    @property
    def shares(self) -> bool:
        """The cleaned choice as a yes or no (call after ``is_valid``)."""
        return self.cleaned_data["share"] == SHARE

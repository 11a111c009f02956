"""The forms of the link pages (issue #21): the inbox's questions, plus an optional
name so the sender and the audit trail know who at the organization acted."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import CloseForm, VersionedForm

NAME_LABEL = _("Your name (optional)")
NAME_HELP = _("Shown to the organization that sent the referral.")


def _name_field() -> forms.CharField:
    return forms.CharField(label=NAME_LABEL, help_text=NAME_HELP, required=False, max_length=100)


class LinkStartForm(VersionedForm):
    name = _name_field()


class LinkNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Add a note (shared with the organization that sent it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    name = _name_field()


class LinkCloseForm(CloseForm):
    name = _name_field()

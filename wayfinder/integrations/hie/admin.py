"""Django admin for exchange clients: a system administrator registers each clinical
system, its public keys and the scopes it may ask for. Every change is audited
(AuditedAdmin). Issued tokens and used assertions are not shown: they are secrets'
hashes and replay bookkeeping, nothing an administrator edits."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wayfinder.audit.admin_mixins import AuditedAdmin

from .fhir.jwks import check_url_shape
from .models import ExchangeClient


class ExchangeClientForm(forms.ModelForm):
    """A ``jwks_url`` must be one the token endpoint will fetch (fhir/jwks.py): https, a
    host, no credentials or fragment. Whether the host's addresses are public is checked
    at every fetch (a name can move), not here."""

    jwks_url = forms.URLField(label=_("JWK Set URL"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = ExchangeClient
        fields = [
            "name",
            "client_id",
            "jwks",
            "jwks_url",
            "allowed_scopes",
            "participant_name",
            "organization",
            "active",
        ]

    def clean_jwks_url(self) -> str:
        url = (self.cleaned_data.get("jwks_url") or "").strip()
        if url:
            problem = check_url_shape(url)
            if problem:
                raise forms.ValidationError(_("Not a usable JWK Set URL: %(problem)s.") % {"problem": problem})
        return url


@admin.register(ExchangeClient)
class ExchangeClientAdmin(AuditedAdmin):
    form = ExchangeClientForm
    list_display = ("name", "client_id", "participant_name", "organization", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "client_id", "participant_name")
    readonly_fields = ("created_at",)
    raw_id_fields = ("organization",)

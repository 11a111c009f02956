"""Django admin for exchange clients: a system administrator registers each clinical
system, its public keys and the scopes it may ask for. Every change is audited
(AuditedAdmin). Issued tokens and used assertions are not shown: they are secrets'
hashes and replay bookkeeping, nothing an administrator edits."""

from __future__ import annotations

from django.contrib import admin

from wayfinder.audit.admin_mixins import AuditedAdmin

from .models import ExchangeClient


@admin.register(ExchangeClient)
class ExchangeClientAdmin(AuditedAdmin):
    list_display = ("name", "client_id", "participant_name", "organization", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "client_id", "participant_name")
    readonly_fields = ("created_at",)
    raw_id_fields = ("organization",)

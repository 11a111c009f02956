"""Django admin for the directory: search and fix records; provenance fields are shown read-only."""

from __future__ import annotations

from django.contrib import admin

from wayfinder.audit.admin_mixins import AuditedAdmin

from . import models as m
from . import search_hooks

PROVENANCE = ("source", "last_verified", "partner_owned_fields", "created_at", "updated_at")


class RecordAdmin(AuditedAdmin):
    """Every save or delete is audited (AuditedAdmin) and re-indexes the services whose
    search documents show the row, as they were before the change and after it (a phone
    moved from one service to another)."""

    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    show_full_result_count = False  # counting a million rows on every page is slow

    def save_model(self, request, obj, form, change) -> None:
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        before = search_hooks.services_showing(stored) if stored is not None else set()
        super().save_model(request, obj, form, change)
        search_hooks.after_import(before | search_hooks.services_showing(obj))

    def delete_model(self, request, obj) -> None:
        services = search_hooks.services_showing(obj)
        super().delete_model(request, obj)
        search_hooks.after_import(services)

    def delete_queryset(self, request, queryset) -> None:
        services = set().union(*(search_hooks.services_showing(obj) for obj in queryset))
        super().delete_queryset(request, queryset)
        search_hooks.after_import(services)


@admin.register(m.Organization)
class OrganizationAdmin(RecordAdmin):
    list_display = ("name", "source", "last_verified", "updated_at")
    search_fields = ("name",)
    raw_id_fields = ("parent_organization",)


@admin.register(m.Service)
class ServiceAdmin(RecordAdmin):
    list_display = ("name", "organization", "status", "source", "last_verified")
    list_filter = ("status", "source")
    search_fields = ("name", "organization__name")
    raw_id_fields = ("organization", "program")
    list_select_related = ("organization",)


@admin.register(m.Location)
class LocationAdmin(RecordAdmin):
    list_display = ("name", "organization", "latitude", "longitude", "source")
    search_fields = ("name",)
    raw_id_fields = ("organization",)
    list_select_related = ("organization",)


@admin.register(m.TaxonomyTerm)
class TaxonomyTermAdmin(RecordAdmin):
    list_display = ("code", "name", "taxonomy_ref", "parent")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "taxonomy_ref")
    list_select_related = ("taxonomy_ref", "parent")


for model in (
    m.Program,
    m.ServiceAtLocation,
    m.Address,
    m.Phone,
    m.Contact,
    m.Schedule,
    m.ServiceArea,
    m.Language,
    m.Accessibility,
    m.CostOption,
    m.RequiredDocument,
    m.Funding,
    m.Taxonomy,
    m.Attribute,
    m.Metadata,
    m.OrganizationIdentifier,
    m.Url,
    m.Unit,
    m.ServiceCapacity,
):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (RecordAdmin,),
            {
                "raw_id_fields": tuple(f.name for f in model._meta.concrete_fields if f.is_relation),
            },
        ),
    )


@admin.register(m.ProblemReport)
class ProblemReportAdmin(AuditedAdmin):
    """Reports from the public, for reviewers to check and close."""

    list_display = ("created_at", "kind", "service", "status")
    list_filter = ("status", "kind")
    search_fields = ("details", "service__name")
    raw_id_fields = ("service",)
    list_select_related = ("service",)

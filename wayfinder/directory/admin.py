"""Django admin for the directory: search and fix records; provenance fields are shown read-only."""

from __future__ import annotations

from django.contrib import admin

from . import models as m

PROVENANCE = ("source", "last_verified", "partner_owned_fields", "created_at", "updated_at")


class RecordAdmin(admin.ModelAdmin):
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    show_full_result_count = False  # counting a million rows on every page is slow


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
class ProblemReportAdmin(admin.ModelAdmin):
    """Reports from the public, for reviewers to check and close."""

    list_display = ("created_at", "kind", "service", "status")
    list_filter = ("status", "kind")
    search_fields = ("details", "service__name")
    raw_id_fields = ("service",)
    list_select_related = ("service",)

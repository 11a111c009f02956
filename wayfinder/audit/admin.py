from django.contrib import admin

from .admin_mixins import ReadOnlyAdmin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail can be searched, never edited."""

    list_display = ("seq", "occurred_at", "action", "outcome", "actor_label", "object_type", "object_id")
    list_filter = ("action", "outcome")
    search_fields = ("action", "actor_label", "object_id", "resident_id", "request_id")
    ordering = ("-seq",)

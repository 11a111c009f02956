from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched, never edited."""

    list_display = ("seq", "occurred_at", "action", "outcome", "actor_label", "object_type", "object_id")
    list_filter = ("action", "outcome")
    search_fields = ("action", "actor_label", "object_id", "resident_id", "request_id")
    ordering = ("-seq",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

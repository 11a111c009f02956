from django.contrib import admin

from wayfinder.audit.admin_mixins import ReadOnlyAdmin

from .models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """The outbox as sent: shown, never edited (retries are the worker's)."""

    list_display = ("created_at", "channel", "to", "subject", "kind", "status", "attempts", "next_attempt_at")
    list_filter = ("channel", "status", "kind")
    # The copy without one-time links is internal: never shown (it holds nothing
    # secret, but the admin shows what was sent).
    # A webhook's headers may carry the subscriber's own credential: never shown.
    readonly_fields = [
        f.name for f in OutboundMessage._meta.fields if f.name not in ("redacted_body", "redacted_html", "headers")
    ]
    exclude = ("redacted_body", "redacted_html", "headers")

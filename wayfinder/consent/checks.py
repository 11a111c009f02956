"""System checks for consent by text."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Backends that send nothing to a real phone: no replies can come back from them.
_OFFLINE_SMS_BACKENDS = {
    "wayfinder.notifications.sms.ConsoleSmsBackend",
    "wayfinder.notifications.sms.MemorySmsBackend",
}


@register(Tags.security)
def check_sms_inbound_secret(app_configs, **kwargs):
    """Texts go out through a real provider but replies cannot come in: residents
    get the link only, and POST /sms/inbound/ refuses everything."""
    if settings.SMS_INBOUND_SECRET or settings.SMS_BACKEND in _OFFLINE_SMS_BACKENDS:
        return []
    return [
        Warning(
            "SMS_INBOUND_SECRET is not set: text consent requests carry no reply code and "
            "POST /sms/inbound/ answers 503.",
            hint="Set SMS_INBOUND_SECRET (32+ characters) and give the same secret to the SMS provider "
            "(docs/operations.md, 'Inbound text messages').",
            id="consent.W001",
        )
    ]

"""Filling and reading the demo mailbox (see ``models.DemoMessage``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from .models import DemoMessage


def copy_to_mailbox(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """``post_save`` of an outbox row: in demo mode, a new message is copied with
    its links (the outbox itself redacts them after delivery)."""
    if not created or raw or not settings.DEMO_MODE:
        return
    DemoMessage.objects.get_or_create(
        outbound_id=instance.pk,
        defaults={
            "channel": instance.channel,
            "kind": instance.kind,
            "to": instance.to,
            "subject": instance.subject,
            "body": instance.body,
            "created_at": instance.created_at,
        },
    )


def messages() -> QuerySet[DemoMessage]:
    """Every message the demo sent, newest first."""
    return DemoMessage.objects.order_by("-created_at", "-id")

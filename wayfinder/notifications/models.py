"""The outbox: every email, text message and webhook call is a row before it is sent.

A message is written in the same transaction as the action that caused it, then
delivered by a task; a failed delivery is retried with back-off until it succeeds
or runs out of attempts (then it stays visible as failed, never dropped).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class OutboundMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email"
        SMS = "sms"
        # An HTTP POST of ``body`` to the URL in ``to`` (FHIR rest-hook Subscription
        # notifications, docs/exchange.md "Referrals as Task"), with ``headers``.
        WEBHOOK = "webhook"

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        # Withdrawn before it was sent (a deleted FHIR Subscription's pending notifications).
        CANCELLED = "cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=64, blank=True, help_text="What the message is, e.g. password_reset_key")
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    html = models.TextField(blank=True)
    # Webhook only: the HTTP headers to send (Content-Type, a subscriber's own header).
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # A message carrying one-time links or codes (welcome links, consent links and
    # codes, revocation links, password resets) also keeps a copy with them cut
    # out; once delivered (or given up) that copy replaces the message, so the
    # outbox never holds usable links (issue #13).
    redacted_body = models.TextField(blank=True)
    redacted_html = models.TextField(blank=True)
    redact_on_delivery = models.BooleanField(default=False)
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.subject or self.body[:40]}"

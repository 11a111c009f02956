"""The demo mailbox: a copy of every email and text the demo sends (demo mode only).

The outbox cuts one-time links (welcome, consent, password reset) out of its own
rows once a message is delivered (docs/security.md, "Input and transport"). The demo's personas have no real
inboxes, so in demo mode each message is also copied here as it is queued, links
included, for the mailbox page (``/demo/mailbox/``). Outside demo mode nothing is
ever written to this table.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class DemoMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The outbox row it copies (not a foreign key: the outbox may be pruned).
    outbound_id = models.UUIDField(unique=True)
    channel = models.CharField(max_length=8)
    kind = models.CharField(max_length=64, blank=True)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.subject or self.kind}"

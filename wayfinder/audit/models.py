"""The append-only, hash-chained audit trail (docs/security.md, "Audit log"; HIPAA 164.312(b), ASTM E2147).

Each row stores the hash of the row before it, so changing or removing any row
breaks every later link and ``manage.py verify_audit_log`` names the first break.
The hash is an HMAC keyed with ``AUDIT_HMAC_KEY``, which lives outside the
database: someone who can write to the table cannot re-hash an edited chain.
Signed checkpoints kept outside the table (``audit/checkpoints.py``) reveal the
removal of the newest rows. The application cannot update or delete rows (the
model and queryset refuse), database triggers refuse UPDATE, DELETE and TRUNCATE,
and on PostgreSQL the application's role has neither the privileges nor the
ownership to change that (``audit/roles.py``).
"""

from __future__ import annotations

import uuid

from django.db import models


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit row."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self):  # type: ignore[override]
        raise AppendOnlyError("audit events cannot be deleted")

    _raw_delete = delete  # type: ignore[assignment]


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success"
        DENIED = "denied"
        FAILURE = "failure"

    # seq orders the chain; one row per number, assigned under a lock.
    seq = models.BigIntegerField(unique=True, editable=False)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(editable=False)
    action = models.CharField(max_length=100, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254, blank=True)
    actor_organization_id = models.CharField(max_length=64, blank=True)
    actor_role = models.CharField(max_length=64, blank=True)
    auth_level = models.CharField(max_length=16, blank=True)  # "mfa", "password", "none"
    session_hash = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)  # ours, generated per request
    client_request_id = models.CharField(max_length=64, blank=True)  # the client's X-Request-ID, if well formed
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    resident_id = models.CharField(max_length=64, blank=True, db_index=True)
    legal_basis = models.CharField(max_length=128, blank=True)  # consent id or other basis
    purpose = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)
    # Which HMAC key hashed the row ("" = the unkeyed SHA-256 of rows written before keys).
    key_id = models.CharField(max_length=16, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

"""What every directory record carries besides its HSDS fields.

HSDS says what a record is; Wayfinder also has to know where each record came
from (so the 2-1-1 importer does not undo a partner's correction), when a human
last confirmed it, and which fields a partner has taken over.
"""

from __future__ import annotations

import uuid

from django.db import models


class Source(models.TextChoices):
    TWO11 = "211", "2-1-1 feed"
    PARTNER = "partner", "Partner edit"
    REVIEWER = "reviewer", "Reviewer"


class Record(models.Model):
    """Abstract base: UUID id (HSDS 3.0 ids are UUIDs) plus provenance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.TWO11)
    last_verified = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Field names (HSDS names) a partner took over: the importer keeps these and reports a conflict.
    partner_owned_fields = models.JSONField(default=list, blank=True)
    # Digest of the last imported feed version of this record: equal digest means "unchanged".
    feed_hash = models.CharField(max_length=32, blank=True, editable=False)

    # HSDS field name -> model attribute name, where they differ (filled per model).
    HSDS_RENAMES: dict[str, str] = {}

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "name", "") or self.id)


BASE_FIELDS = frozenset(
    {
        "source",
        "last_verified",
        "created_at",
        "updated_at",
        "partner_owned_fields",
        "feed_hash",
        "categories",
        "partner_since",
    }
)


def hsds_fields(model: type[models.Model]) -> list[tuple[str, str]]:
    """(HSDS name, model attname) for the model's HSDS columns, in declaration order."""
    renames = {v: k for k, v in getattr(model, "HSDS_RENAMES", {}).items()}
    out = []
    for field in model._meta.concrete_fields:
        if field.name in BASE_FIELDS:
            continue
        out.append((renames.get(field.attname, field.attname), field.attname))
    return out


def text() -> models.TextField:
    return models.TextField(blank=True, default="")


def number() -> models.FloatField:
    return models.FloatField(null=True, blank=True)


def fk(to: str, related_name: str, *, required: bool = False, **kwargs) -> models.ForeignKey:
    """A foreign key following the HSDS ``<object>_id`` naming; optional links are SET_NULL."""
    if required:
        return models.ForeignKey(to, on_delete=models.CASCADE, related_name=related_name, **kwargs)
    return models.ForeignKey(to, on_delete=models.SET_NULL, null=True, blank=True, related_name=related_name, **kwargs)

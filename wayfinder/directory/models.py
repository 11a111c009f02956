"""HSDS 3.0 directory models (the organization record; the full model follows)."""

import uuid

from django.db import models


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name

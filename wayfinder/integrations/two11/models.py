"""Import bookkeeping: the ids a feed gave its records before they had UUIDs."""

from __future__ import annotations

from django.db import models


class FeedIdentifier(models.Model):
    """A record whose feed id is not a UUID (HSDS 1.x/2.0, some 3.x feeds) is stored under a stable
    UUID derived from the feed name, the table and that id (``checker.IdMap``). The original id is
    kept here, so a person can find the record the 2-1-1 calls "123" and tools can match on it."""

    feed = models.CharField(max_length=200)
    table = models.CharField(max_length=40)
    original = models.CharField(max_length=500)
    record_id = models.UUIDField(db_index=True)
    first_seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "table", "original"], name="two11_feed_id_unique")]

    def __str__(self) -> str:
        return f"{self.feed}/{self.table}/{self.original}"

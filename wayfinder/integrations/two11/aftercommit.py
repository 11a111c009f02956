"""Work the importer does once the rows are written: categories and, for full feeds, deactivation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Attribute, Service, ServiceStatus, Source, TaxonomyTerm

from .sqlwrite import update_column

BATCH = 2000


def refresh_categories(service_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Recompute Service.categories (SDoH slugs from the services' taxonomy terms); returns the changed ids."""
    terms = {
        t: cats.categories_for_term(c, tax)
        for t, c, tax in TaxonomyTerm.objects.values_list("id", "code", "taxonomy_ref_id")
    }
    ids, changed = sorted(service_ids), set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found: dict[uuid.UUID, set[str]] = defaultdict(set)
        for link_id, term_id in Attribute.objects.filter(link_id__in=chunk).values_list("link_id", "taxonomy_term_id"):
            found[link_id] |= terms.get(term_id, set())
        stale = []
        for service_id, current in Service.objects.filter(id__in=chunk).values_list("id", "categories"):
            new = sorted(found.get(service_id, ()))
            if new != current:
                stale.append((service_id, new))
        update_column(Service, "categories", stale)
        changed.update(i for i, _ in stale)
    return changed


def deactivate_missing(feed_service_ints: set[int], now: dt.datetime) -> list[uuid.UUID]:
    """--full: 2-1-1 services the feed no longer lists become inactive (never deleted); returns their ids."""
    active = Service.objects.filter(source=Source.TWO11).exclude(
        status__in=[ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT]
    )
    missing = [i for i in active.values_list("id", flat=True).iterator() if i.int not in feed_service_ints]
    for start in range(0, len(missing), BATCH):
        # feed_hash cleared: if the service comes back in a later feed it is rewritten (reactivated)
        Service.objects.filter(id__in=missing[start : start + BATCH]).update(
            status=ServiceStatus.INACTIVE, updated_at=now, feed_hash=""
        )
    return missing

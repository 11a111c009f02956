"""How the rest of the directory tells search that services changed.

The importer calls ``after_import`` with the ids it wrote; partner edits call
``service_changed``; an administrator's fix to any directory row in the Django admin
calls ``after_import`` with ``services_showing`` of that row. All queue the ``update_search_index`` task once the
surrounding transaction commits, so the index never shows a row that was rolled
back, and the page that saved the change does not wait for the index.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

BATCH = 5000
# Above this many changed services a full rebuild (a fresh generation, written once)
# is cheaper than deleting and re-adding documents service by service.
REBUILD_ABOVE = 50_000


def _queue(service_ids: list[str]) -> None:
    from .search.tasks import update_search_index

    for start in range(0, len(service_ids), BATCH):
        batch = service_ids[start : start + BATCH]
        transaction.on_commit(lambda batch=batch: update_search_index.enqueue(batch))


def after_import(service_ids: Iterable[object]) -> None:
    """Queue re-indexing of the services an import created or changed."""
    ids = sorted({str(s) for s in service_ids})
    if len(ids) > REBUILD_ABOVE:
        from .search.tasks import rebuild_search_index

        transaction.on_commit(rebuild_search_index.enqueue)
    elif ids:
        _queue(ids)


def service_changed(service_id: object) -> None:
    """Queue re-indexing of one service (a partner edit, a reviewer's change)."""
    _queue([str(service_id)])


def services_showing(record: models.Model) -> set:
    """The services whose search document shows something of ``record``, any directory row.

    A service shows its organization's name, its places and their addresses and hours,
    its phones, languages and costs, and the names of the taxonomy terms it is filed under.
    """
    from .models import Attribute, Location, Organization, Service, ServiceAtLocation, TaxonomyTerm

    if isinstance(record, Service):
        return {record.pk}
    if isinstance(record, Organization):
        return set(Service.objects.filter(organization_id=record.pk).values_list("id", flat=True))
    if isinstance(record, TaxonomyTerm):
        filed = Attribute.objects.filter(taxonomy_term_id=record.pk, link_entity="service")
        return set(filed.values_list("link_id", flat=True))
    if isinstance(record, Attribute):
        return {record.link_id} if record.link_entity == "service" else set()
    services = set()
    if (service_id := getattr(record, "service_id", None)) is not None:
        services.add(service_id)
    if (sal_id := getattr(record, "service_at_location_id", None)) is not None:
        services |= set(ServiceAtLocation.objects.filter(id=sal_id).values_list("service_id", flat=True))
    location_id = record.pk if isinstance(record, Location) else getattr(record, "location_id", None)
    if location_id is not None:
        services |= set(ServiceAtLocation.objects.filter(location_id=location_id).values_list("service_id", flat=True))
    return services

"""How the rest of the directory tells search that services changed.

The importer calls ``after_import`` with the ids it wrote; partner edits call
``service_changed``. Both queue the ``update_search_index`` task once the
surrounding transaction commits, so the index never shows a row that was rolled
back, and the page that saved the change does not wait for the index.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

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

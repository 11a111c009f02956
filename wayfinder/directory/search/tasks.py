"""Background task keeping the index in step with the database."""

from __future__ import annotations

from django_tasks import task


@task()
def update_search_index(service_ids: list[str]) -> int:
    """Re-index services after they changed (import, partner edit, status change).

    Runs in the worker, the index's single writer in normal operation; a rebuild
    running at the same time replays these ids after it swaps generations.
    """
    from .indexing import reindex_services

    return reindex_services(service_ids)


@task()
def rebuild_search_index() -> int:
    """Full rebuild in the worker (after an import too large to apply service by service)."""
    from .indexing import rebuild

    return rebuild().documents

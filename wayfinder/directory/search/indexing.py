"""Building and updating the index from the database."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from . import engine, parallel, store
from .documents import iter_documents


@dataclass
class RebuildReport:
    documents: int
    seconds: float
    replayed: int


def _active_count() -> int:
    from ..models import Service, ServiceStatus

    return Service.objects.filter(status=ServiceStatus.ACTIVE).count()


def rebuild(*, threads: int = 2, workers: int = 2, progress=None) -> RebuildReport:
    """Write every active service into a new generation, publish it, then replay
    the incremental updates that arrived meanwhile (they went to the old one)."""
    started = time.monotonic()
    offset = store.journal_offset()
    docs: Iterable[str] = (engine.document_json(doc) for doc in iter_documents())
    if workers > 1 and parallel.can_fork() and _active_count() > parallel.PARALLEL_ABOVE:
        docs = parallel.iter_documents_parallel(workers)
    if progress is not None:
        docs = progress(docs)
    generation, count = engine.write_generation(docs, threads=threads)
    store.publish(generation)
    missed = store.journal_since(offset)
    if missed:
        reindex_services(missed)
    store.journal_truncate()
    return RebuildReport(count, time.monotonic() - started, len(missed))


def reindex_services(service_ids: Iterable[str]) -> int:
    """Re-read these services from the database and replace their documents."""
    ids = sorted({str(s) for s in service_ids})
    if not ids:
        return 0
    if store.current_generation() is None:
        # No index yet: a partial one would hide every other service, so build it whole.
        return rebuild(workers=1).documents
    docs = list(iter_documents(ids))
    engine.update(docs, ids)
    return len(docs)


def service_ids_matching(query: str, *, limit: int | None = None) -> list[str]:
    """Ids of active services matching ``query`` (typos, stems, synonyms), best first, each once.

    For the HSDS API's ``search`` parameter, in place of a database LIKE filter.
    """
    from .engine import SearchParams, search

    wanted = min(limit or 1000, 1000)
    ids: list[str] = []
    page = 1
    while len(ids) < wanted:
        result = search(SearchParams(text=query, size=100, page=page))
        for hit in result.hits:
            if hit.service_id not in ids:
                ids.append(hit.service_id)
        if not result.has_next:
            break
        page += 1
    return ids[:wanted]

"""Reading services for a full rebuild in worker processes.

Turning rows into documents is Python work bound by one core; at a million
services it, not Tantivy, decides the build time. Worker processes (forked, each
with its own database connection) build the documents of successive id ranges,
already encoded as the JSON Tantivy parses (strings cross the process boundary
cheaply), while this process feeds them to the index writer, in id order, so the
index is the same as a single-process build.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator

from django.db import connection, connections

from ..models import Service, ServiceStatus
from . import documents, engine

PARALLEL_ABOVE = 20_000
_partners: set[str] = set()
_locations: dict = {}  # documents.location_table(), read once before the workers fork


def can_fork() -> bool:
    """Not for an in-memory SQLite database (tests): a forked child would not see it."""
    name = str(connection.settings_dict.get("NAME") or "")
    test_name = str((connection.settings_dict.get("TEST") or {}).get("NAME") or "")
    return ":memory:" not in name and "mode=memory" not in name and "memory" not in test_name


def _boundaries(chunk: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {connection.ops.quote_name(Service._meta.db_table)} "  # noqa: S608 - model meta name
            "WHERE status = %s ORDER BY id",
            [ServiceStatus.ACTIVE],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return [(ids[i], ids[min(i + chunk, len(ids)) - 1]) for i in range(0, len(ids), chunk)]


def _reader_setup() -> None:
    """Tune each worker's connection for reading its chunks at random.

    SQLite reads through its small page cache with a system call per page; mapping the
    file instead halved a worker's time at a million services (the reads are random).
    PostgreSQL planned about half of the chunk queries at a million services with two
    parallel workers each: extra processes competing for the cores the rebuild's own
    workers already keep busy. And with its default cost of a random read (4.0, a
    spinning disk's) it joined half of the chunks' service-at-locations to their
    schedules by reading all 1.5 million schedules (the uuid range estimates vary from
    chunk to chunk): 450 ms a chunk instead of 65 ms by key. The rebuild's reads hit
    memory (or an SSD), for which 1.1 is the usual setting.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA mmap_size = 8589934592")
        elif connection.vendor == "postgresql":
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SET random_page_cost = 1.1")


def _range_documents(bounds: tuple) -> list[str]:
    first, last = bounds
    with connection.cursor() as cursor:
        documents.ids_as_text(cursor)
        cursor.execute(documents._service_sql("s.id BETWEEN %s AND %s"), [first, last])
        rows = documents._active(cursor.fetchall())
        docs = documents._chunk_documents(cursor, rows, "BETWEEN", [first, last], _partners, _locations)
        return [engine.document_json(doc) for doc in docs]


def iter_documents_parallel(workers: int = 2, chunk: int = documents.CHUNK) -> Iterator[str]:
    """``engine.document_json`` strings of every active service, in id order."""
    global _partners, _locations
    _partners = documents._partner_ids()
    _locations = documents.location_table()
    ranges = _boundaries(chunk)
    connections.close_all()  # each worker opens its own connection
    # The table is read-only from here: outside the garbage collector's generations, its
    # half a million entries are not walked by every full collection in three processes
    # (nor copied into the workers' memory by the walk, which writes to each object).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_reader_setup) as pool:
            for docs in pool.imap(_range_documents, ranges):
                yield from docs
    finally:
        gc.unfreeze()
        _locations = {}

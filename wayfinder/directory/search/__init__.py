"""The directory search index (Tantivy). The database is the source of truth; this
package owns the only copy of the index and everything that reads or writes it.

Public entry points: ``search`` (one page of results), ``rebuild`` (full rebuild
into a new generation, then an atomic swap), ``reindex_services`` (incremental,
used by the ``update_search_index`` task).
"""

from __future__ import annotations

from .engine import Hit, SearchPage, SearchParams, search
from .indexing import rebuild, reindex_services, service_ids_matching

__all__ = ["Hit", "SearchPage", "SearchParams", "rebuild", "reindex_services", "search", "service_ids_matching"]

"""Rows of a JSON feed, held per table until every table is read (a nested document mixes them).

Up to ``IN_MEMORY_BYTES`` of text stays in memory; past it, rows spill to temporary files in chunks
of at most ``CHUNK_ROWS`` rows or ``CHUNK_BYTES``, so memory stays flat however big the feed is.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator
from typing import IO

from .readers import Row

IN_MEMORY_BYTES = 32 << 20
CHUNK_BYTES = 8 << 20
CHUNK_ROWS = 2000
ROW_OVERHEAD, VALUE_OVERHEAD = 400, 100


class Spool:
    def __init__(self) -> None:
        self.pending: dict[str, list[Row]] = {}
        self.files: dict[str, IO[bytes]] = {}
        self.sizes: Counter[str] = Counter()
        self.total = 0

    def add(self, row: Row) -> None:
        rows = self.pending.setdefault(row.table, [])
        rows.append(row)
        # rough size in memory: the text plus Python's per-object overhead (measured ~100 B a value)
        size = ROW_OVERHEAD + sum(len(v) if type(v) is str else VALUE_OVERHEAD for v in row.data.values())
        self.total += size
        self.sizes[row.table] += size
        if self.total > IN_MEMORY_BYTES and (len(rows) >= CHUNK_ROWS or self.sizes[row.table] > CHUNK_BYTES):
            self.flush(row.table)

    def flush(self, table: str) -> None:
        if table not in self.files:
            self.files[table] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        pickle.dump(self.pending[table], self.files[table], protocol=pickle.HIGHEST_PROTOCOL)
        self.total -= self.sizes[table]
        self.sizes[table] = 0
        self.pending[table] = []

    def has(self, table: str) -> bool:
        return bool(self.pending.get(table)) or table in self.files

    def rows(self, table: str) -> Iterator[Row]:
        fh = self.files.pop(table, None)
        if fh is not None:
            fh.seek(0)
            while True:
                try:
                    chunk = pickle.load(fh)  # noqa: S301 - our own temporary spool file
                except EOFError:
                    break
                yield from chunk
            fh.close()
        yield from self.pending.pop(table, [])

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()
        self.files.clear()

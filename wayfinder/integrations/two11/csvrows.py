"""A CSV file's rows as the importer takes them: ``TabularBatch`` (consecutive rows as their cells,
line numbers and digests: no object per row) and ``TabularRow`` (one new or changed record, its
``data`` dict made only when asked)."""

from __future__ import annotations

from typing import Any

from .readers import Row


class TabularRow(Row):
    """A CSV row: its cells, made into ``data`` only when asked for (an unchanged record never is)."""

    def __init__(
        self,
        table: str,
        cells: list[str],
        mapping: list[tuple[int, str]],
        id_at: int,
        where: str,
        lists: frozenset[str],
        digest: str,
        size: int,
    ) -> None:
        # Row's fields set directly (not through the dataclass __init__ and the data setter): one is
        # made for every new or changed row of a CSV file.
        self._cells, self._mapping, self._id_at, self._data = cells, mapping, id_at, None
        self.table, self.where, self.from_text, self.nested = table, where, True, False
        self.lists, self.digest, self.size = lists, digest, size

    @property  # type: ignore[override]
    def data(self) -> dict[str, Any]:
        if self._data is None:
            cells = self._cells
            self._data = {key: cells[i] for i, key in self._mapping}
        return self._data

    @data.setter
    def data(self, value: dict[str, Any] | None) -> None:
        self._data = value

    def record_id(self) -> Any:
        if self._data is None:
            return self._cells[self._id_at] if self._id_at >= 0 else None
        return self._data.get("id")


def tabular_columns(rows: list[Row]) -> tuple[list[str], list[list[str]]] | None:
    """(field names, their columns) of CSV rows of one file whose ``data`` was never made (so never
    changed): the cells transposed by one C loop. None for any other rows."""
    if not rows or any(row.__class__ is not TabularRow or row._data is not None for row in rows):
        return None
    mapping = rows[0]._mapping  # type: ignore[attr-defined]
    if any(row._mapping is not mapping for row in rows):  # type: ignore[attr-defined]
        return None
    transposed = list(zip(*(row._cells for row in rows), strict=True))  # type: ignore[attr-defined]
    return [key for _, key in mapping], [list(transposed[i]) for i, _ in mapping]


class TabularBatch:
    """Consecutive rows of one CSV file as their cells, line numbers and digests. The importer accepts
    the unchanged ones (the digest stored for their id is theirs) a batch at a time; a ``TabularRow``
    is made only for a record that is new or changed (``row``)."""

    __slots__ = ("_id_at", "_mapping", "_name", "cells", "digests", "lines", "lists", "size", "table")

    def __init__(
        self, table: str, mapping: list[tuple[int, str]], id_at: int, name: str, lists: frozenset[str]
    ) -> None:
        self.table, self._mapping, self._id_at, self._name, self.lists = table, mapping, id_at, name, lists
        self.cells: list[list[str]] = []
        self.lines: list[int] = []
        self.digests: list[str] = []
        self.size = 0

    def __len__(self) -> int:
        return len(self.cells)

    def record_ids(self) -> list[Any]:
        at = self._id_at
        return [c[at] for c in self.cells] if at >= 0 else [None] * len(self.cells)

    def row(self, k: int) -> TabularRow:
        cells = self.cells[k]
        where = f"{self._name}:{self.lines[k]}"
        return TabularRow(self.table, cells, self._mapping, self._id_at, where, self.lists, self.digests[k], 0)

    def rows(self) -> list[Row]:
        return [self.row(k) for k in range(len(self.cells))]

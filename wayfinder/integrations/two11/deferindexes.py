"""SQLite, a table's first import: its secondary indexes are built once its rows are in, not row by row.

Why: HSDS ids are random UUIDs, so each new row lands on a random page of every index of its table
(a phone has six). Building an index after the load reads the table once and sorts. Measured at
100,000 services (1.1 million rows, 40 secondary indexes), run by turns with the code before it:
8 to 11% less time in each of five pairs, the rebuilding (1.8 s) included.

Only where it cannot change an answer or a guarantee:
- only a table that held no row when the import reached it, and only until its last row is written:
  the import's reads of a table while it is written go by primary key;
- only non-unique indexes: unique ones (the primary keys among them) keep enforcing what they enforce;
- only on SQLite, whose DDL is part of the transaction: an import that fails leaves the indexes as they
  were. On PostgreSQL the role the application runs as owns no table (docs/operations.md), and only an
  owner may drop an index, so its import writes through them.
"""

from __future__ import annotations

from django.db import connection, models


class DeferredIndexes:
    def __init__(self) -> None:
        self.aside: dict[str, list[str]] = {}  # table name -> the statements that rebuild its indexes

    def set_aside(self, model: type[models.Model]) -> None:
        """Drop the non-unique indexes of ``model``'s table, which holds no row (see the module docstring)."""
        table = model._meta.db_table
        if connection.vendor != "sqlite" or table in self.aside:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            indexes = [(name, sql) for name, sql in cursor.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.aside[table] = [sql for _, sql in indexes]

    def rebuild(self, model: type[models.Model]) -> None:
        """Build again the indexes set aside for ``model``'s table, now that its rows are in."""
        self._run(self.aside.pop(model._meta.db_table, []))

    def rebuild_all(self) -> None:
        """Before the work after the last table, which reads the tables by their links."""
        while self.aside:
            self._run(self.aside.popitem()[1])

    @staticmethod
    def _run(statements: list[str]) -> None:
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


__all__ = ["DeferredIndexes"]

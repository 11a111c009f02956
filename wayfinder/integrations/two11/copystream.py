"""New rows into PostgreSQL with COPY, one COPY kept open across batches.

Measured (100,000 services, PostgreSQL): a COPY per batch of 2,000 rows made the import wait for the
server at the end of every batch, 22.6 s of an 80 s first import, while the server's core waited for
the next batch in turn. A COPY left open streams: the server places the rows (tables, indexes,
constraint triggers) on its own core while the import reads and checks the next batch.

What keeps it correct:
- the same statement, values and constraints as a COPY per batch, on the import's own connection
  and in its transaction;
- a connection in COPY cannot run another query, so every query the import makes through Django
  first ends the open COPY (``before_query``): each read sees every earlier write, in order;
- an error of the COPY (a duplicate key, a bad value) is raised in the import when the COPY ends:
  at its next query, at a write to another table or at the end, inside the transaction, which then
  rolls the whole import back; ``streaming_copy`` always ends it before the transaction ends.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import cache
from typing import Any

from django.db import connection, models

_active: ContextVar[CopyStream | None] = ContextVar("two11_copy_stream", default=None)


class CopyStream:
    """At most one COPY open on the import's connection, for one table and column list."""

    def __init__(self) -> None:
        self.key: tuple[type[models.Model], tuple[str, ...]] | None = None
        self.cursor: Any = None
        self.opened: Any = None  # the context manager of the open COPY
        self.copy: Any = None
        self.json_at: tuple[int, ...] = ()
        self.texts: dict[int, tuple[Any, str]] = {}

    def write(self, model: type[models.Model], attnames: tuple[str, ...], rows: list[list[Any]]) -> None:
        if self.key != (model, attnames):
            self.end()
            sql, self.json_at = copy_statement(model, attnames)
            self.cursor = connection.connection.cursor()  # psycopg's own: Django's wrapper has no copy()
            self.opened = self.cursor.copy(sql)
            self.copy = self.opened.__enter__()
            self.key = (model, attnames)
        copy_rows(self.copy, rows, self.json_at, self.texts)

    def end(self, error: BaseException | None = None) -> None:
        """End the open COPY: raises its error, if the server found one (``error``: abandon it)."""
        if self.opened is None:
            return
        opened, cursor = self.opened, self.cursor
        self.key = self.opened = self.copy = self.cursor = None
        self.texts = {}
        try:
            if error is None:
                opened.__exit__(None, None, None)
            else:
                opened.__exit__(type(error), error, error.__traceback__)
        finally:
            cursor.close()

    def before_query(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        """Django execute wrapper: a query of the import runs once the open COPY has ended."""
        self.end()
        return execute(sql, params, many, context)


def active() -> CopyStream | None:
    return _active.get()


@contextmanager
def streaming_copy() -> Iterator[CopyStream | None]:
    """Inside the import's transaction: its new rows on PostgreSQL go through one open COPY at a time."""
    if connection.vendor != "postgresql":
        yield None
        return
    connection.ensure_connection()
    stream = CopyStream()
    token = _active.set(stream)
    try:
        with connection.execute_wrapper(stream.before_query):
            yield stream
            stream.end()
    except BaseException as exc:
        with suppress(Exception):  # the first error is the one to report; the import rolls back
            stream.end(exc)
        raise
    finally:
        _active.reset(token)


@cache
def copy_statement(model: type[models.Model], attnames: tuple[str, ...]) -> tuple[str, tuple[int, ...]]:
    """(the COPY statement for ``attnames`` of ``model``, the positions of its JSON columns)."""
    qn = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    cols = ", ".join(qn(fields[a].column) for a in attnames)
    json_at = tuple(i for i, a in enumerate(attnames) if fields[a].get_internal_type() == "JSONField")
    return f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN", json_at


def copy_rows(copy: Any, rows: list[list[Any]], json_at: tuple[int, ...], texts: dict[int, tuple[Any, str]]) -> None:
    """Write ``rows`` to an open COPY. JSON values go as their text (COPY's text format: the column
    parses it). Most are the same adapted object in every row (an empty list): dumped once, not once
    a row as psycopg would (``texts``: id -> (the value, kept alive so its id stays its own; text))."""
    write_row = copy.write_row
    for row in rows:
        for i in json_at:
            value = row[i]
            if value is not None:
                known = texts.get(id(value))
                if known is None:
                    known = texts[id(value)] = (value, _json_text(value))
                row[i] = known[1]
        write_row(row)


def _json_text(value: Any) -> str:
    """The JSON text of an adapted value (psycopg's Jsonb wrapper, or already text)."""
    if isinstance(value, str):
        return value
    return (getattr(value, "dumps", None) or json.dumps)(value.obj)

"""Raw bulk INSERT / UPSERT for the importer.

Measured: Django's bulk_create spends most of an import compiling SQL and
preparing each value through every field (≈60% of a 12,000-service import).
Here the statement is built once per table and values are converted with one
precomputed function per column, then sent with ``executemany``. The SQL
(``INSERT ... ON CONFLICT (id) DO UPDATE``) is the same on SQLite and PostgreSQL.
New rows on PostgreSQL go through ``COPY ... FROM STDIN`` instead: a round trip
per batch rather than per row, which made a first import there twice as slow as
on SQLite.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from operator import eq, itemgetter
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

from wayfinder.audit.roles import indexed_columns


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """The cheapest correct conversion for this column on this database (see module docstring);
    None when the value goes as it is (text, numbers, and ids, which the importer keeps as the
    32-digit hex SQLite stores and PostgreSQL reads as a UUID)."""
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField", "FloatField", "IntegerField"):
        return None
    target = field.target_field if kind == "ForeignKey" else field
    if target.get_internal_type() == "UUIDField":
        return None
    if kind == "JSONField":
        empty = connection.ops.adapt_json_value([], field.encoder)  # most rows carry []: adapt it once
        return lambda v: empty if v == [] else connection.ops.adapt_json_value(v, field.encoder)
    # dates and datetimes repeat a lot (import time, verified dates): memoise Django's own conversion
    return lru_cache(maxsize=8192)(lambda v: field.get_db_prep_save(v, connection))


@cache
def plan(model: type[models.Model], attnames: tuple[str, ...], update: tuple[str, ...]) -> tuple[str, str, list]:
    """(insert SQL, upsert SQL, converters) for writing ``attnames`` of ``model``."""
    qn = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    cols = ", ".join(qn(fields[a].column) for a in attnames)
    marks = ", ".join(["%s"] * len(attnames))
    table = qn(model._meta.db_table)
    insert = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 - names come from model metadata
    sets = ", ".join(f"{qn(fields[a].column)} = excluded.{qn(fields[a].column)}" for a in update)
    upsert = f"{insert} ON CONFLICT ({qn(model._meta.pk.column)}) DO UPDATE SET {sets}"
    return insert, upsert, [_converter(fields[a]) for a in attnames]


@cache
def converters(model: type[models.Model], attnames: tuple[str, ...]) -> tuple[tuple[int, Callable], ...]:
    """(position, conversion) of the columns whose values need one."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return tuple((i, c) for i, a in enumerate(attnames) if (c := _converter(fields[a])) is not None)


def write(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: list[list[Any]],
    *,
    update: Sequence[str] = (),
    chunk: int = 1000,
    prepared: bool = False,
) -> None:
    """Insert rows (lists of values in ``attnames`` order); with ``update``, upsert those columns by id.
    ``prepared``: the rows are already in the database's form (``converters`` applied); if not, they
    are converted in place."""
    if not rows:
        return
    if not prepared:
        convs = converters(model, tuple(attnames))
        for row in rows:
            for i, c in convs:
                row[i] = c(row[i])
    if update:
        sql = plan(model, tuple(attnames), tuple(update))[1]
    else:
        present, rows = _with_values(model, tuple(attnames), rows)
        if connection.vendor == "postgresql":
            _temporal_as_text(model, present, rows)
            # in an import: a COPY per batch, not waited for (pgbulk)
            _copy(model, present, rows, unawaited=_current() is not None)
            return
        sql = plan(model, present, ())[0]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[start : start + chunk])


@cache
def _nullable(model: type[models.Model], attnames: tuple[str, ...]) -> tuple[int, ...]:
    """Positions of the columns an INSERT may leave out: nullable, with no database default, so a
    column left out is NULL, as the None it would have been sent."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return tuple(i for i, a in enumerate(attnames) if fields[a].null and fields[a].db_default is NOT_PROVIDED)


def _with_values(
    model: type[models.Model], attnames: tuple[str, ...], rows: list[list[Any]]
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """New rows without the nullable columns none of them has a value in (``_nullable``).

    Real feeds leave many columns empty (the Kentucky generator's feed: 47% of its cells, and 15 of a
    schedule's 23 columns in every row), and every value sent costs the driver: on SQLite a NULL
    parameter is a failed adapter lookup, on PostgreSQL a field of the COPY. Measured at 100,000
    services: binding was a quarter of SQLite's insert time."""
    empty = {i for i in _nullable(model, attnames) if list(map(itemgetter(i), rows)).count(None) == len(rows)}
    if not empty:
        return attnames, rows
    keep = [i for i in range(len(attnames)) if i not in empty]
    if len(keep) == 1:
        return (attnames[keep[0]],), [[row[keep[0]]] for row in rows]
    pick = itemgetter(*keep)
    return tuple(attnames[i] for i in keep), [list(pick(row)) for row in rows]


def _copy(
    model: type[models.Model], attnames: Sequence[str], rows: list[list[Any]], *, unawaited: bool = False
) -> None:
    """New rows into a PostgreSQL table with COPY (same values, same constraints as INSERT)."""
    from .pgbulk import UnawaitedWriter, copy_rows, copy_statement, settle

    sql, json_at = copy_statement(model, tuple(attnames))
    settle()  # the previous COPY's result (this cursor bypasses the execute wrappers)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        with raw.copy(sql, writer=UnawaitedWriter(raw) if unawaited else None) as copy:
            copy_rows(copy, rows, json_at, {})


_TEMPORAL = frozenset({"DateTimeField", "DateField", "TimeField"})


@cache
def _temporal_at(model: type[models.Model], attnames: tuple[str, ...]) -> tuple[int, ...]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return tuple(i for i, a in enumerate(attnames) if fields[a].get_internal_type() in _TEMPORAL)


def _temporal_as_text(model: type[models.Model], attnames: tuple[str, ...], rows: list[list[Any]]) -> None:
    """Dates and times of rows bound for COPY as the text psycopg's text dumpers make of them (str():
    ISO 8601, which the server reads whatever its DateStyle), once per distinct value. Measured:
    dumping the three date and time columns every row has (the import's own time, repeated) was 4.5
    of the 6 µs a row cost in ``write_row``."""
    at = _temporal_at(model, attnames)
    if not at:
        return
    texts: dict[Any, str] = {}
    for row in rows:
        for i in at:
            value = row[i]
            if value is not None and value.__class__ is not str:
                text = texts.get(value)
                if text is None:
                    text = texts[value] = str(value)
                row[i] = text


def update_column(model: type[models.Model], attname: str, pairs: list[tuple[Any, Any]]) -> None:
    """UPDATE one column for many ids: pairs of (id, value)."""
    if not pairs:
        return
    qn = connection.ops.quote_name
    field = model._meta.get_field(attname)
    pk = model._meta.pk
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET {qn(field.column)} = %s "  # noqa: S608
        f"WHERE {qn(pk.column)} = %s"
    )
    params = [(field.get_db_prep_save(v, connection), pk.get_db_prep_save(i, connection)) for i, v in pairs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _key_select(model: type[models.Model], n: int, columns: str) -> str:
    qn = connection.ops.quote_name
    pk = qn(model._meta.pk.column)
    test = f"{pk} = ANY(%s::uuid[])" if n < 0 else f"{pk} IN ({', '.join(['%s'] * n)})"
    return f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE {test}"  # noqa: S608 - model metadata


def _by_key(model: type[models.Model], hex_ids: list[str], columns: str) -> list[tuple]:
    """Rows (id as 32-digit hex first) of ``model`` whose id is one of ``hex_ids``, in chunks."""
    out: list[tuple] = []
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for start in range(0, len(hex_ids), 2000):
            chunk = hex_ids[start : start + 2000]
            if pg:
                cursor.execute(_key_select(model, -1, columns), [chunk])
            else:
                cursor.execute(_key_select(model, len(chunk), columns), chunk)
            out += cursor.fetchall()
    return out


class _Snapshot:
    """The (id, digest) pairs of the table an import is reading, read once (``pgbulk.table_digests``)
    instead of probed batch by batch, once the feed has asked for a tenth of the table's rows: a
    handful of records against a big directory keeps the probes. One table at a time (the
    importer reads a table's rows together), so the memory is that of the largest table (about
    25 MB for 150,000 rows). Rows this import writes in the table after the snapshot are not in
    it, and need not be: the importer takes each id once (a second copy is a duplicate, found
    before any digest is compared)."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner  # the import's transaction (an Atomic): the snapshot is valid only inside it
        self.model: type[models.Model] | None = None
        self.rows: dict[str, str] | None = None
        self.asked = 0
        self.estimate = 0


_import = threading.local()  # the import this thread's connection is running (Django's are per thread)


def begin_import() -> None:
    """Called at the start of an import, inside its transaction, on PostgreSQL: until that transaction
    ends, digests may be read a table at a time (``_Snapshot``)."""
    blocks = connection.atomic_blocks if connection.in_atomic_block else []
    _import.snapshot = _Snapshot(blocks[-1]) if connection.vendor == "postgresql" and blocks else None


def _current() -> _Snapshot | None:
    """This thread's import, if its transaction is still the connection's."""
    snap = getattr(_import, "snapshot", None)
    if snap is None or not any(b is snap.owner for b in connection.atomic_blocks):
        return None
    return snap


def _whole_table(model: type[models.Model], asked: int) -> dict[str, str] | None:
    """The stored digests of ``model``'s every row, when reading them all is cheaper than probing."""
    snap = _current()
    if snap is None:
        return None
    if snap.model is not model:
        snap.model, snap.rows, snap.asked, snap.estimate = model, None, 0, estimated_rows(model) or 0
    if snap.rows is None:
        snap.asked += asked
        if snap.asked * 10 < snap.estimate:
            return None
        from .pgbulk import table_digests

        snap.rows = table_digests(model)
    return snap.rows


def stored_hashes(model: type[models.Model], hex_ids: list[str]) -> dict[str, str]:
    """id (hex) -> feed digest of the stored rows among ``hex_ids``: one query per 2,000 ids, no
    UUID objects made (this runs for every row of every feed); on PostgreSQL from the table's
    snapshot once there is one (``_Snapshot``)."""
    if not hex_ids:
        return {}
    whole = _whole_table(model, len(hex_ids))
    if whole is not None:
        return {h: d for h in hex_ids if (d := whole.get(h)) is not None}
    qn = connection.ops.quote_name
    pk, digest = qn(model._meta.pk.column), qn(model._meta.get_field("feed_hash").column)
    if connection.vendor == "postgresql":
        rows = _by_key(model, hex_ids, f"replace({pk}::text, '-', ''), {digest}")
    else:
        rows = _by_key(model, hex_ids, f"{pk}, {digest}")
    return dict(rows)


def unchanged_mask(
    model: type[models.Model], hex_ids: list[str], digests: list[str]
) -> tuple[list[bool], dict[str, str]]:
    """For a batch of distinct ids: whether each row's stored digest is ``digests``' (unchanged), and
    the stored digests among ``hex_ids`` (``stored_hashes``) when some row is not unchanged.

    The database counts the (id, digest) pairs it holds first: when all match (an unchanged
    re-import, batch after batch) that one row is all that comes back. Measured: fetching and
    parsing the 2,000 stored digests of every batch was half of an unchanged re-import on
    PostgreSQL."""
    whole = _whole_table(model, len(hex_ids))
    if whole is not None:
        return list(map(eq, map(whole.get, hex_ids), digests)), whole
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    digest = qn(model._meta.get_field("feed_hash").column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A scalar subquery per id is an index probe each; as a filter on the table the planner
            # chose a (parallel) sequential scan of the whole table for every batch (measured at 100,000).
            cursor.execute(
                f"SELECT count(*) FROM unnest(%s::uuid[], %s::text[]) AS v(id, h) "  # noqa: S608 - model metadata
                f"WHERE (SELECT t.{digest} FROM {table} t WHERE t.{pk} = v.id) = v.h",
                [hex_ids, digests],
            )
        else:
            pairs = [h + d for h, d in zip(hex_ids, digests, strict=True)]
            marks = ", ".join(["%s"] * len(hex_ids))
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE {pk} IN ({marks}) AND {pk} || {digest} IN ({marks})",  # noqa: S608
                [*hex_ids, *pairs],
            )
        matched = cursor.fetchone()[0]
    if matched == len(hex_ids):
        return [True] * len(hex_ids), {}
    stored = stored_hashes(model, hex_ids)
    return list(map(eq, map(stored.get, hex_ids), digests)), stored


def stored_ids(model: type[models.Model], hex_ids: Iterable[str]) -> set[str]:
    """The ids (hex) among ``hex_ids`` that the table holds."""
    items = sorted(set(hex_ids))
    if not items:
        return set()
    pk = connection.ops.quote_name(model._meta.pk.column)
    column = f"replace({pk}::text, '-', '')" if connection.vendor == "postgresql" else pk
    return {row[0] for row in _by_key(model, items, column)}


def db_uuids(values: Iterable[int]) -> list[Any]:
    """UUIDs given as 128-bit ints, as this database's driver takes them (hex text on SQLite)."""
    if connection.features.has_native_uuid_field:
        return [uuid.UUID(int=v) for v in values]
    return [f"{v:032x}" for v in values]


@lru_cache(maxsize=256)
def _select_ids(model: type[models.Model], attname: str, n: int) -> str:
    qn = connection.ops.quote_name
    column = qn(model._meta.get_field(attname).column)
    # PostgreSQL: one array parameter; planning an IN list of 2,000 values costs more than running it
    test = f"{column} = ANY(%s)" if n < 0 else f"{column} IN ({', '.join(['%s'] * n)})"
    return f"SELECT {qn(model._meta.pk.column)} FROM {qn(model._meta.db_table)} WHERE {test}"  # noqa: S608 - meta


def ids_where_in(model: type[models.Model], attname: str, values: list[Any]) -> list[int]:
    """Ids (as ints) of the rows whose UUID column ``attname`` is one of ``values`` (from db_uuids).

    Raw SQL: the ORM would build a UUID object per id returned, and this reads every child of every
    parent in a feed."""
    native = connection.features.has_native_uuid_field
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_select_ids(model, attname, -1), [values])
        else:
            cursor.execute(_select_ids(model, attname, len(values)), values)
        rows = cursor.fetchall()
    if native:
        return [r[0].int for r in rows]
    return [int(r[0], 16) for r in rows]


def estimated_rows(model: type[models.Model]) -> int | None:
    """A cheap guess at a table's size: on SQLite never below it (the largest rowid); on PostgreSQL the
    planner's estimate or the live row count of the statistics, whichever is larger (this transaction's
    own writes are not in either)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT max(rowid) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - model meta
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0)) FROM pg_class c "
                "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
                [table],
            )
        else:
            return None
        row = cursor.fetchone()
    return int(row[0] or 0) if row else None


def refresh_statistics(tables: Iterable[type[models.Model]]) -> None:
    """Give the query planner statistics for tables a bulk load just filled.

    Without them SQLite (which keeps none until ANALYZE) guesses, and guessed wrong
    at a million services: an equality on a low-selectivity column beat a primary-key
    range, and every chunk of a search index rebuild read the whole table. Sampled
    (``analysis_limit`` on SQLite, PostgreSQL's default sample), so a few seconds at most.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
        elif connection.vendor != "postgresql":
            return
        # The application's role owns no table, and PostgreSQL 15 lets only the owner
        # ANALYZE: the owner's wayfinder_analyze() does it (audit/roles.py), of the indexed
        # columns (audit/roles.py says why); an owner without it does the same here.
        by_function = False
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regprocedure('wayfinder_analyze(regclass)') IS NOT NULL")
            by_function = cursor.fetchone()[0]
        for model in tables:
            table = model._meta.db_table
            if by_function:
                cursor.execute("SELECT wayfinder_analyze(%s::regclass)", [table])
                continue
            indexed = None
            if connection.vendor == "postgresql":
                cursor.execute(indexed_columns(f"'{qn(table)}'::regclass"))
                indexed = cursor.fetchone()[0]
            cursor.execute(f"ANALYZE {qn(table)}" + (f" ({indexed})" if indexed else ""))

"""Turn an HSDS feed (JSON, NDJSON, tabular JSON, CSV datapackage folder or zip) into flat table rows.

Everything is a generator so big feeds stream: NDJSON line by line, CSV row by
row. A plain JSON document has to be parsed whole (no streaming JSON parser is a
dependency); operators with big feeds use NDJSON or CSV (docs/formats/hsds-import.md).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from wayfinder.lib.csv_safe import unneutralize

from .tables import BY_CSV, TABLES

csv.field_size_limit(50_000_000)


class FeedError(Exception):
    """The feed as a whole cannot be read (bad JSON document, broken CSV, not UTF-8, empty)."""


class RecordError(Exception):
    """One record cannot be read; the rest of the feed can."""

    def __init__(self, where: str, reason: str, table: str = "", record_id: str = "") -> None:
        super().__init__(reason)
        self.where, self.reason, self.table, self.record_id = where, reason, table, record_id


@dataclass
class Row:
    table: str
    data: dict[str, Any]
    where: str  # file:line or file[index] path
    from_text: bool  # values are CSV strings
    nested: bool = False  # inside another document: the same object may legitimately appear again
    # The child lists this record states (nest keys such as "phones"): in JSON the list keys present on
    # it ("phones": [] says "no phones", a missing key says nothing); in a tabular feed the keys whose
    # table file is present. The importer removes 2-1-1 children the feed no longer lists (children.py).
    lists: frozenset[str] = frozenset()


_LISTS = ("child", "link")


@cache
def tabular_lists(table: str, present: frozenset[str]) -> frozenset[str]:
    """The child lists a tabular feed states for every row of ``table``: those whose table file it carries."""
    return frozenset(key for key, child, kind, _ in TABLES[table].nest if kind in _LISTS and child in present)


def kind_of(doc: dict[str, Any]) -> str | None:
    """Which HSDS object a JSON document is (None for the API root document)."""
    keys = set(doc)
    if "openapi_url" in keys and "id" not in keys:
        return None
    if "status" in keys:
        return "service"
    if "location_type" in keys:
        return "location"
    if "service" in keys or "location" in keys or ("service_id" in keys and "location_id" in keys):
        return "service_at_location"
    if keys & {"code", "parent_id", "taxonomy", "taxonomy_id", "taxonomy_detail", "term_uri"}:
        return "taxonomy_term"
    if "version" in keys or (keys <= {"id", "name", "description", "uri"} and "uri" in keys):
        return "taxonomy"
    return "organization"


def flatten(
    table: str, doc: Any, where: str, parent: tuple[str, str] | None = None, nested: bool = False
) -> Iterator[Row]:
    """Rows of one nested HSDS document: referenced objects first, then the record, then its children."""
    if not isinstance(doc, dict):
        raise RecordError(where, f"expected a JSON object for {table}, got {type(doc).__name__}", table)
    spec = TABLES[table]
    own = {k: v for k, v in doc.items() if not isinstance(v, dict | list)}
    own_id = own.get("id") if isinstance(own.get("id"), str) else ""
    if parent and table == "attribute":
        own.setdefault("link_id", parent[1])
        own.setdefault("link_entity", parent[0])
    elif parent and table == "metadata":
        own.setdefault("resource_id", parent[1])
        own.setdefault("resource_type", parent[0])
    children: list[Row] = []
    lists = frozenset(key for key, _, kind, _ in spec.nest if kind in _LISTS and isinstance(doc.get(key), list))
    for key, child_table, kind, fk in spec.nest:
        value = doc.get(key)
        if value is None:
            continue
        path = f"{where}.{key}"
        if kind == "ref":
            if isinstance(value, dict):
                if child_table == "program" and "organization_id" not in value and own.get("organization_id"):
                    value = {**value, "organization_id": own["organization_id"]}
                yield from flatten(child_table, value, path, None, nested=True)
                if isinstance(value.get("id"), str):
                    own.setdefault(fk, value["id"])
            continue
        if not isinstance(value, list):
            raise RecordError(path, f"expected a list, got {type(value).__name__}", table, own_id)
        for i, item in enumerate(value):
            if kind == "child" and isinstance(item, dict) and own_id:
                item = {**item}
                item.setdefault(fk, own_id)
                if child_table == "service" and "organization" not in item:
                    item.setdefault("organization_id", own_id)
            children.extend(flatten(child_table, item, f"{path}[{i}]", (table, own_id) if own_id else None, True))
    yield Row(table, own, where, False, nested, lists)
    yield from children


def merge_repeats(rows: Iterator[Row]) -> list[Row]:
    """One document may nest the same object several times (a phone under its organization and under
    its service), each copy linked to a different parent: merge the copies so no link is lost."""
    out: list[Row] = []
    seen: dict[tuple[str, Any], Row] = {}
    for row in rows:
        key = (row.table, row.data.get("id"))
        first = seen.get(key) if isinstance(key[1], str) else None
        if first is None:
            seen[key] = row
            out.append(row)
            continue
        for name, value in row.data.items():
            if first.data.get(name) in (None, ""):
                first.data[name] = value
        first.lists |= row.lists
    return out


def _documents(value: Any, where: str) -> Iterator[tuple[str, Any, str]]:
    """(table, document, where) for a parsed JSON value: object, list, API page, or tabular JSON."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _documents(item, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        raise RecordError(where, f"expected a JSON object, got {type(value).__name__}")
    if "contents" in value and isinstance(value["contents"], list):
        yield from _documents(value["contents"], f"{where}.contents")
        return
    if value and all(k.endswith(".csv") for k in value):
        for name, rows in value.items():
            spec = BY_CSV.get(name)
            if spec is None:
                raise RecordError(where, f"unknown table {name}")
            for i, row in enumerate(rows):
                yield spec.name, row, f"{where}.{name}[{i}]"
        return
    kind = kind_of(value)
    if kind is not None:
        yield kind, value, where


def _rows_from_value(value: Any, where: str, flat: bool = False) -> Iterator[Row | RecordError]:
    present = frozenset(BY_CSV[k].name for k in value if k in BY_CSV) if flat else frozenset()
    try:
        for table, doc, path in _documents(value, where):
            try:
                if flat:
                    own = {k: v for k, v in doc.items() if not isinstance(v, dict | list)}
                    yield Row(table, own, path, False, lists=tabular_lists(table, present))
                else:
                    yield from merge_repeats(flatten(table, doc, path))
            except RecordError as exc:
                yield exc
    except RecordError as exc:
        yield exc


def read_json(path: Path, name: str) -> Iterator[Row | RecordError]:
    with path.open("rb") as fh:
        head = fh.read(1 << 16).lstrip()
    if not head:
        raise FeedError(f"{name}: the file is empty")
    first = head.split(b"\n", 1)[0].strip()
    is_ndjson = path.suffix.lower() in (".ndjson", ".jsonl")
    if not is_ndjson and first.startswith(b"{") and b"\n" in head.strip():
        try:
            json.loads(first)
            is_ndjson = True
        except ValueError:
            is_ndjson = False
    if is_ndjson:
        yield from read_ndjson(path, name)
        return
    try:
        value = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise FeedError(f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise FeedError(f"{name}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    flat = isinstance(value, dict) and bool(value) and all(k.endswith(".csv") for k in value)
    yield from _rows_from_value(value, name, flat)


def read_ndjson(path: Path, name: str) -> Iterator[Row | RecordError]:
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{name}:{lineno}"
            try:
                value = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield RecordError(where, f"not UTF-8 text (byte {exc.start}: {exc.reason})")
                continue
            except json.JSONDecodeError as exc:
                yield RecordError(where, f"malformed JSON at column {exc.colno}: {exc.msg}")
                continue
            yield from _rows_from_value(value, where)


def _csv_rows(fh: IO[bytes], name: str, table: str, present: frozenset[str]) -> Iterator[Row]:
    lists = tabular_lists(table, present)
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        width = len(header)
        for values in reader:
            if not values:
                continue
            where = f"{name}:{reader.line_num}"
            if len(values) != width:
                raise FeedError(f"{where}: expected {width} columns, found {len(values)} (broken quoting?)")
            cells = [unneutralize(value) for value in values]
            yield Row(table, dict(zip(header, cells, strict=True)), where, True, lists=lists)
    except UnicodeDecodeError as exc:
        raise FeedError(f"{name}:{reader.line_num + 1}: not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise FeedError(f"{name}:{reader.line_num}: broken CSV ({exc})") from None


def read_datapackage(path: Path) -> Iterator[Row | RecordError]:
    """Rows of a tabular datapackage (folder or zip), tables in dependency order, by file name."""
    if path.is_dir():
        files = {p.name: p for p in path.iterdir() if p.suffix == ".csv"}
        unknown = sorted(set(files) - set(BY_CSV))
        if not files:
            raise FeedError(f"{path}: no HSDS CSV files found")
        if unknown:
            raise FeedError(f"{path}: unknown CSV files {', '.join(unknown)}")
        present = frozenset(BY_CSV[name].name for name in files)
        for spec in TABLES.values():
            if spec.csv in files:
                with files[spec.csv].open("rb") as fh:
                    yield from _csv_rows(fh, spec.csv, spec.name, present)
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise FeedError(f"{path}: not a zip file") from None
    with archive:
        members = {Path(n).name: n for n in archive.namelist() if n.endswith(".csv")}
        if not members:
            raise FeedError(f"{path}: no HSDS CSV files in the zip")
        present = frozenset(BY_CSV[name].name for name in members if name in BY_CSV)
        for spec in TABLES.values():
            if spec.csv in members:
                with archive.open(members[spec.csv]) as fh:
                    yield from _csv_rows(fh, spec.csv, spec.name, present)


def read_feed(path: Path) -> Iterator[Row | RecordError]:
    """Every row of the feed at ``path``, whatever its form. Raises FeedError for unreadable feeds."""
    if not path.exists():
        raise FeedError(f"{path}: no such file or directory")
    if path.is_dir() or path.suffix.lower() == ".zip":
        yield from read_datapackage(path)
    elif path.suffix.lower() == ".csv":
        spec = BY_CSV.get(path.name)
        if spec is None:
            raise FeedError(f"{path.name}: not an HSDS table file name (e.g. services.csv)")
        if path.stat().st_size == 0:
            raise FeedError(f"{path.name}: the file is empty")
        with path.open("rb") as fh:
            yield from _csv_rows(fh, path.name, spec.name, frozenset([spec.name]))
    else:
        if path.stat().st_size == 0:
            raise FeedError(f"{path.name}: the file is empty")
        yield from read_json(path, path.name)


def parse_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None

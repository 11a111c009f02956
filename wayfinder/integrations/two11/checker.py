"""The per-row check: one flat HSDS row → model-ready values, normalized, or a ``RowError``.

Compiled once per table from ``tables.columns`` (the official schema's rules) and run on every new
or changed record; an unchanged record (same content digest as stored) is never checked again.

The partial-record rule (docs/formats/hsds-import.md): only the fields a row carries are in the
result. A field given empty (an empty CSV cell, JSON ``null`` or ``""``, ``NULL`` in CSV) is in it
with its empty value, and empties the stored field; a field the row leaves out (a column the file
does not have, a key the JSON object does not have) is not, and the stored value stays.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from wayfinder.directory.categories import NAMESPACE

from . import normalize as n
from .tables import TABLES, Column, columns, required

UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
WS = n.WHITESPACE
EXAMPLES = 3


class RowError(ValueError):
    def __init__(self, field: str, reason: str, value: Any = "") -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.value = field, reason, value


@dataclass
class Notes:
    """Normalizations, counted per (table, field, what was done), with the first few examples."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[tuple[str, str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    first: dict[tuple[str, str, str], str] = field(default_factory=dict)  # where it was first seen

    def add(self, table: str, fld: str, what: str, where: str, before: Any, after: Any) -> None:
        key = (table, fld, what)
        self.counts[key] += 1
        self.first.setdefault(key, where)
        if len(self.examples[key]) < EXAMPLES:
            shown = after if after not in (None, "") else "(empty)"
            self.examples[key].append(f"{where}: {_short(before)!r} → {_short(shown)!r}")


def _short(value: Any) -> Any:
    return value[:60] + "…" if isinstance(value, str) and len(value) > 60 else value


class IdMap:
    """HSDS ids are UUIDs; older feeds (and some 3.x ones) use others ("123", "org-7"). Those map to
    a stable UUID per feed and table (uuid5 of the feed name, the table and the id), so every import
    of the feed gives the record the same id; the original is kept (``FeedIdentifier``)."""

    def __init__(self, feed: str) -> None:
        self.namespace = uuid.uuid5(NAMESPACE, f"feed:{feed}")
        self.feed = feed
        self.mapped: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.originals: dict[str, tuple[str, str]] = {}  # hex -> (table, original) for ids of records

    def __call__(self, table: str, value: str, *, own: bool = False) -> str:
        if len(value) == 36 and UUID_TEXT.match(value):
            return value.replace("-", "").lower()
        value = value.strip(WS)
        if not value:
            return ""
        try:
            return uuid.UUID(value).hex
        except ValueError:
            pass
        hexid = uuid.uuid5(self.namespace, f"{table}\x1f{value}").hex
        if own:
            self.mapped[table] += 1
            example = f"{value!r} → {uuid.UUID(hexid)}"
            if len(self.examples[table]) < EXAMPLES and example not in self.examples[table]:
                self.examples[table].append(example)
            self.originals[hexid] = (table, value)
        return hexid


Converter = Callable[[Any, bool], tuple[Any, str]]


def _converter(table: str, col: Column) -> Converter:
    kind = col.kind
    if kind == "number":
        return n.number
    if kind == "date":
        return lambda v, _t: n.date(_text(v))
    if kind == "datetime":
        return lambda v, _t: n.datetime(_text(v))
    if kind == "time":
        return lambda v, _t: n.time(_text(v))
    if col.enum:
        match = n.enum_matcher(col.enum)
        return lambda v, _t: match(_text(v))
    if col.fmt == "uri":
        return lambda v, _t: n.url(_text(v))
    if col.fmt == "email":
        return lambda v, _t: n.email(_text(v))
    if table == "address" and col.name == "country":
        return lambda v, _t: n.country(_text(v))
    return lambda v, _t: (_text(v), "")


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise n.Invalid(f"expected a string, got {type(value).__name__}")
    return value if isinstance(value, str) else str(value)  # tabular JSON writes some ids as numbers


@dataclass(frozen=True)
class Plan:
    by_name: dict[str, tuple[Column, Converter | None, Any]]  # None: a plain string column
    required: tuple[tuple[str, str], ...]
    id_targets: dict[str, str]  # uuid column -> table it points at ("" for link_id/resource_id)


@cache
def plan(table: str) -> Plan:
    model_fields = {f.attname: f for f in TABLES[table].model._meta.concrete_fields}
    by_name = {}
    for col in columns(table):
        plain = col.kind == "str" and not col.enum and not col.fmt and not (table == "address" and col.name == "country")
        model_field = model_fields[col.attname]
        if model_field.null:
            empty = None
        elif model_field.get_internal_type() in ("CharField", "TextField"):
            empty = ""  # not the field's default ("physical"): an empty required field is missing
        else:
            empty = model_field.get_default()
        by_name[col.name] = (col, None if plain else _converter(table, col), empty)
    attname = {c.name: c.attname for c in columns(table)}
    targets = {c.name: c.target for c in columns(table) if c.kind == "uuid"}
    return Plan(by_name, tuple((name, attname.get(name, name)) for name in required(table)), targets)


ENTITY_KEYS = {"link_id": "link_entity", "resource_id": "resource_type"}


def check_row(
    table: str, raw: dict[str, Any], *, from_text: bool, where: str, notes: Notes, ids: IdMap
) -> dict[str, Any]:
    """Validate and normalize one flat row; return model-ready values by attname (see module doc)."""
    p = plan(table)
    values: dict[str, Any] = {}
    hook = PRE.get(table)
    if hook is not None:
        raw = hook(raw, where, notes)
    for name, value in raw.items():
        entry = p.by_name.get(name)
        if entry is None:
            continue
        col, conv, empty = entry
        if value is None:
            values[col.attname] = empty
            continue
        if type(value) is str:
            if "\x00" in value:
                raise RowError(name, "contains a NUL byte", value.replace("\x00", "\\0"))
            if value and (value[0] in WS or value[-1] in WS):
                before, value = value, value.strip(WS)
                what = "surrounding spaces removed" if value else "only spaces: read as empty"
                notes.add(table, name, what, where, before, value)
            if not value or (from_text and n.is_null_text(value)):
                if value:
                    notes.add(table, name, f"{value!r} read as empty", where, value, "")
                values[col.attname] = empty
                continue
            if conv is None:
                if len(value) > col.max_length:
                    raise RowError(name, f"longer than {col.max_length:,} characters ({len(value):,})", value)
                values[col.attname] = value
                continue
        if conv is None:  # a plain text column given a JSON number (tabular JSON writes some so)
            try:
                values[col.attname] = _text(value)
            except n.Invalid as exc:
                raise RowError(name, str(exc), value) from None
            continue
        if col.kind == "uuid":
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise RowError(name, f"expected an id, got {type(value).__name__}", value)
            target = p.id_targets.get(name) or str(raw.get(ENTITY_KEYS.get(name, ""), "")).strip() or table
            values[col.attname] = ids(target, str(value))
            continue
        try:
            out, note = conv(value, from_text)
        except n.Invalid as exc:
            raise RowError(name, str(exc), value) from None
        except n.Unusable as exc:
            notes.add(table, name, f"{str(exc).split(' is ', 1)[-1]}: left empty", where, value, "")
            values[col.attname] = empty
            continue
        if note:
            notes.add(table, name, note, where, value, out)
        if type(out) is str and len(out) > col.max_length:
            raise RowError(name, f"longer than {col.max_length:,} characters ({len(out):,})", value)
        values[col.attname] = out
    for name, attname in p.required:
        if values.get(attname) in (None, ""):
            if name == "id" and raw.get("id") not in (None, ""):
                raise RowError("id", "not an id", raw.get("id"))
            raise RowError(name, "required field is missing", raw.get(name, ""))
    return values


WEEK = "MO,TU,WE,TH,FR,SA,SU"


def _schedule(raw: dict[str, Any], where: str, notes: Notes) -> dict[str, Any]:
    """HSDS 3.0 schedules repeat WEEKLY or MONTHLY; RFC 5545's DAILY (allowed by HSDS 2.0) is every
    day of the week; YEARLY has no 3.0 form and is left out (the description keeps its text)."""
    freq = raw.get("freq")
    if not isinstance(freq, str) or freq.strip().upper() not in ("DAILY", "YEARLY"):
        return raw
    raw = dict(raw)
    if freq.strip().upper() == "DAILY":
        raw["freq"] = "WEEKLY"
        if not str(raw.get("byday") or "").strip():
            raw["byday"] = WEEK
        notes.add("schedule", "freq", "DAILY written as WEEKLY on every day", where, freq, "WEEKLY")
    else:
        raw["freq"] = None
        notes.add("schedule", "freq", "YEARLY has no HSDS 3.0 form: left empty", where, freq, "")
    return raw


PRE: dict[str, Callable[[dict[str, Any], str, Notes], dict[str, Any]]] = {"schedule": _schedule}

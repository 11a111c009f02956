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


PLAIN, ID, CONVERTED = 0, 1, 2


@dataclass(frozen=True)
class Plan:
    # HSDS name -> (attname, how, converter, empty value, longest value, table an id points at)
    by_name: dict[str, tuple[str, int, Converter | None, Any, int, str]]
    required: tuple[tuple[str, str], ...]


@cache
def plan(table: str) -> Plan:
    model_fields = {f.attname: f for f in TABLES[table].model._meta.concrete_fields}
    by_name = {}
    for col in columns(table):
        plain = (
            col.kind == "str" and not col.enum and not col.fmt and not (table == "address" and col.name == "country")
        )
        model_field = model_fields[col.attname]
        if model_field.null:
            empty = None
        elif model_field.get_internal_type() in ("CharField", "TextField"):
            empty = ""  # not the field's default ("physical"): an empty required field is missing
        else:
            empty = model_field.get_default()
        how = ID if col.kind == "uuid" else PLAIN if plain else CONVERTED
        conv = None if how != CONVERTED else _converter(table, col)
        by_name[col.name] = (col.attname, how, conv, empty, col.max_length, col.target)
    attname = {c.name: c.attname for c in columns(table)}
    return Plan(by_name, tuple((name, attname.get(name, name)) for name in required(table)))


ENTITY_KEYS = {"link_id": "link_entity", "resource_id": "resource_type"}
NULL_TEXT = frozenset({"NULL", "null", "Null"})
match_uuid = UUID_TEXT.match


def check_row(
    table: str, raw: dict[str, Any], *, from_text: bool, where: str, notes: Notes, ids: IdMap
) -> dict[str, Any]:
    """Validate and normalize one flat row; return model-ready values by attname (see module doc).

    The loop is the import's hottest code (every value of every new or changed record): the
    common cases (an empty cell, plain text, a canonical UUID) are decided in a few operations."""
    p = plan(table)
    values: dict[str, Any] = {}
    hook = PRE.get(table)
    if hook is not None:
        raw = hook(raw, where, notes)
    by_name = p.by_name
    for name, value in raw.items():
        entry = by_name.get(name)
        if entry is None:
            continue
        attname, how, conv, empty, limit, target = entry
        if value is None or value == "":
            values[attname] = empty
            continue
        if value.__class__ is str:
            if "\x00" in value:
                raise RowError(name, "contains a NUL byte", value.replace("\x00", "\\0"))
            if value[0] in WS or value[-1] in WS:
                before, value = value, value.strip(WS)
                what = "surrounding spaces removed" if value else "only spaces: read as empty"
                notes.add(table, name, what, where, before, value)
                if not value:
                    values[attname] = empty
                    continue
            if from_text and value in NULL_TEXT:
                notes.add(table, name, f"{value!r} read as empty", where, value, "")
                values[attname] = empty
                continue
            if how == PLAIN:
                if len(value) > limit:
                    raise RowError(name, f"longer than {limit:,} characters ({len(value):,})", value)
                values[attname] = value
                continue
            if how == ID:
                if len(value) == 36 and match_uuid(value):
                    values[attname] = value.replace("-", "").lower()
                else:
                    where_to = target or str(raw.get(ENTITY_KEYS.get(name, ""), "")).strip() or table
                    values[attname] = ids(where_to, value)
                continue
        elif how == PLAIN:  # a plain text column given a JSON number (tabular JSON writes some so)
            try:
                values[attname] = _text(value)
            except n.Invalid as exc:
                raise RowError(name, str(exc), value) from None
            continue
        elif how == ID:
            if not isinstance(value, int) or isinstance(value, bool):
                raise RowError(name, f"expected an id, got {type(value).__name__}", value)
            values[attname] = ids(target or table, str(value))
            continue
        try:
            out, note = conv(value, from_text)
        except n.Invalid as exc:
            raise RowError(name, str(exc), value) from None
        except n.Unusable as exc:
            notes.add(table, name, f"{str(exc).split(' is ', 1)[-1]}: left empty", where, value, "")
            values[attname] = empty
            continue
        if note:
            notes.add(table, name, note, where, value, out)
        if out.__class__ is str and len(out) > limit:
            raise RowError(name, f"longer than {limit:,} characters ({len(out):,})", value)
        values[attname] = out
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
# Whether the table's PRE hook would change the row, from the one field it looks at (such rows go
# through check_row).
PRE_FIELD = {"schedule": "freq"}
PRE_CHANGES: dict[str, Callable[[Any], bool]] = {
    "schedule": lambda freq: isinstance(freq, str) and freq.strip().upper() in ("DAILY", "YEARLY")
}

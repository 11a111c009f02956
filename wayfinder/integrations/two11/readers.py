"""What the readers hand the importer (``Row``), and the JSON side: JSON documents, HSDS API pages,
tabular JSON and NDJSON, flattened into table rows.

NDJSON streams line by line; a plain JSON document is parsed whole (operators with big feeds use
NDJSON or CSV: docs/formats/hsds-import.md). A record that cannot be read (deeper than the parser
goes, a lone surrogate, not an object) is that record's error; the others still land.
"""

from __future__ import annotations

import codecs
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from .legacy_json import needs_upgrade, upgrade
from .report import WARNING, Report, first_few
from .sources import FeedError, Member, detect_encoding
from .tables import BY_CSV, CSV_ALIASES, TABLES, known_fields

MAX_DEPTH = 64  # an HSDS record nests a handful of levels; deeper is not a record


class RecordError(Exception):
    """One record cannot be read; the rest of the feed can."""

    def __init__(
        self, where: str, reason: str, table: str = "", record_id: str = "", field: str = "", value: str = ""
    ) -> None:
        super().__init__(reason)
        self.where, self.reason, self.table, self.record_id = where, reason, table, record_id
        self.field, self.value = field, value


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
    digest: str = ""  # of the record as the feed gives it (set by tabular readers; else computed)
    size: int = 0  # characters of text it holds, roughly (bounds the memory of a batch)

    def record_id(self) -> Any:
        return self.data.get("id")


BATCH = 2000  # rows the importer takes at a time
BATCH_BYTES = 8 << 20  # and at most this much text: bounded memory, however long the values


_LISTS = ("child", "link")
# Other keys publishers use for a list (HSDS 3.1 names an organization's extra urls additional_websites).
KEY_ALIASES = {
    "organization": {"additional_urls": "additional_websites", "urls": "additional_websites"},
    "service": {"urls": "additional_urls", "service_capacities": "capacities"},
}


@cache
def tabular_lists(table: str, present: frozenset[str]) -> frozenset[str]:
    """The child lists a tabular feed states for every row of ``table``: those whose table file it carries."""
    return frozenset(key for key, child, kind, _ in TABLES[table].nest if kind in _LISTS and child in present)


@cache
def nest_keys(table: str) -> frozenset[str]:
    return frozenset(key for key, *_ in TABLES[table].nest)


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
    if keys & {"code", "parent_id", "taxonomy", "taxonomy_id", "taxonomy_detail", "term_uri", "parent"}:
        return "taxonomy_term"
    if "version" in keys or (keys <= {"id", "name", "description", "uri"} and "uri" in keys):
        return "taxonomy"
    return "organization"


class JsonReader:
    """Rows of a JSON or NDJSON member; unknown keys are counted and reported by name at the end."""

    def __init__(self, member: Member, report: Report) -> None:
        self.member, self.report = member, report
        self.unknown: Counter[tuple[str, str]] = Counter()
        self.first_seen: dict[tuple[str, str], str] = {}
        self.blank: list[str] = []  # where each blank object was (is_blank)
        self.upgraded: Counter[tuple[str, str, str]] = Counter()  # (table, 2.0 key, what it became): records

    def rows(self) -> Iterator[Row | RecordError]:
        encoding = detect_encoding(self.member)
        if encoding.note:
            self.report.add(WARNING, f"{self.member.name}:{encoding.first_bad_line}", "", "", "", encoding.note)
        with self.member.open() as fh:
            head = fh.read(1 << 16)
        head_text = head.decode(encoding.name, errors="replace").lstrip("\ufeff \t\r\n")
        if not head_text:
            raise FeedError(f"{self.member.name}: the file is empty")
        if self._is_ndjson(head_text):
            yield from self._ndjson(encoding.name)
        else:
            yield from self._document(encoding.name)
        if self.blank:
            shown = first_few(self.blank)
            what = "1 object" if len(self.blank) == 1 else f"{len(self.blank):,} objects"
            reason = f"{what} with no value ({shown}): nothing to import, skipped"
            self.report.add(WARNING, self.blank[0], "", "", "", reason)
        for (table, key, what), count in sorted(self.upgraded.items()):
            reason = f"{what} ({count:,} record{'s' * (count != 1)})"
            self.report.add(WARNING, self.member.name, table, "", key, reason)
        for (table, key), count in sorted(self.unknown.items()):
            self.report.add(
                WARNING,
                self.first_seen[(table, key)],
                table,
                "",
                key,
                f"not an HSDS field of {table}: ignored ({count:,} record{'s' * (count != 1)})",
            )

    def _is_ndjson(self, head: str) -> bool:
        if self.member.name.lower().endswith((".ndjson", ".jsonl")):
            return True
        first = head.split("\n", 1)[0].strip()
        if first.startswith("{") and "\n" in head.strip():
            try:
                json.loads(first)
            except (ValueError, RecursionError):
                return False
            return True
        return False

    def _document(self, encoding: str) -> Iterator[Row | RecordError]:
        name = self.member.name
        with self.member.open() as fh:
            data = fh.read()
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise FeedError(f"{name}: not readable text (byte {exc.start}: {exc.reason})") from None
        text = text.lstrip("\ufeff")
        try:
            value = json.loads(text)
        except RecursionError:
            yield from self._elements(text)
            return
        except json.JSONDecodeError as exc:
            raise FeedError(f"{name}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        flat = isinstance(value, dict) and bool(value) and all(k.endswith(".csv") for k in value)
        yield from self.from_value(value, name, flat)

    def _elements(self, text: str) -> Iterator[Row | RecordError]:
        """A document too deep to parse whole: a top-level array is read element by element."""
        name = self.member.name
        if not text.lstrip().startswith("["):
            raise FeedError(f"{name}: the JSON document is nested too deep to read")
        for index, start, end in split_array(text):
            where = f"{name}[{index}]"
            try:
                value = json.loads(text[start:end])
            except RecursionError:
                yield RecordError(where, f"nested more than {MAX_DEPTH} levels deep")
                continue
            except json.JSONDecodeError as exc:
                raise FeedError(f"{name}: malformed JSON near character {start + exc.pos}: {exc.msg}") from None
            yield from self.from_value(value, where)

    def _ndjson(self, encoding: str) -> Iterator[Row | RecordError]:
        decoder = codecs.getincrementaldecoder(encoding)("replace")
        with self.member.open() as fh:
            for lineno, raw in enumerate(fh, 1):
                text = decoder.decode(raw)
                if lineno == 1:
                    text = text.lstrip("\ufeff")
                if not text.strip():
                    continue
                where = f"{self.member.name}:{lineno}"
                try:
                    value = json.loads(text)
                except RecursionError:
                    yield RecordError(where, f"nested more than {MAX_DEPTH} levels deep")
                    continue
                except json.JSONDecodeError as exc:
                    yield RecordError(where, f"malformed JSON at column {exc.colno}: {exc.msg}")
                    continue
                yield from self.from_value(value, where)

    def from_value(self, value: Any, where: str, flat: bool = False) -> Iterator[Row | RecordError]:
        present = frozenset(BY_CSV[k].name for k in value if k in BY_CSV) if flat else frozenset()
        try:
            for table, doc, path in documents(value, where):
                if not table:
                    self.blank.append(path)
                    continue
                problem = hostile(doc)
                if problem:
                    yield RecordError(path, problem[1], table, _id_of(doc), problem[0])
                    continue
                try:
                    if flat:
                        own = {k: v for k, v in doc.items() if not isinstance(v, dict | list)}
                        yield Row(table, own, path, False, lists=tabular_lists(table, present))
                    else:
                        yield from merge_repeats(self.flatten(table, doc, path))
                except RecordError as exc:
                    yield exc
                except RecursionError:
                    yield RecordError(path, f"nested more than {MAX_DEPTH} levels deep", table, _id_of(doc))
        except RecordError as exc:
            yield exc

    def flatten(
        self, table: str, doc: Any, where: str, parent: tuple[str, str] | None = None, nested: bool = False
    ) -> Iterator[Row]:
        """Rows of one nested HSDS document: referenced objects first, then the record, then its children."""
        if not isinstance(doc, dict):
            raise RecordError(where, f"expected a JSON object for {table}, got {type(doc).__name__}", table)
        spec = TABLES[table]
        if needs_upgrade(table, doc):  # HSDS 2.0 keys (legacy_json.py)
            doc = upgrade(table, doc, self.upgraded)
        aliases = KEY_ALIASES.get(table)
        if aliases and any(k in doc for k in aliases):
            doc = {aliases.get(k, k): v for k, v in doc.items()}
        own = {k: v for k, v in doc.items() if not isinstance(v, dict | list)}
        own_id = own.get("id") if isinstance(own.get("id"), str | int) else ""
        own_id = str(own_id) if own_id != "" else ""
        known, nests = known_fields(table), nest_keys(table)
        for key in doc:
            if key not in known and key not in nests:
                self.unknown[(table, key)] += 1
                self.first_seen.setdefault((table, key), where)
                own.pop(key, None)
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
                    yield from self.flatten(child_table, value, path, None, nested=True)
                    if isinstance(value.get("id"), str | int):
                        own.setdefault(fk, str(value["id"]))
                continue
            if not isinstance(value, list):
                raise RecordError(path, f"expected a list, got {type(value).__name__}", table, own_id)
            for i, item in enumerate(value):
                if kind == "child" and isinstance(item, dict) and own_id:
                    item = {**item}
                    item.setdefault(fk, own_id)
                    if child_table == "service" and "organization" not in item:
                        item.setdefault("organization_id", own_id)
                child_parent = (table, own_id) if own_id else None
                children.extend(self.flatten(child_table, item, f"{path}[{i}]", child_parent, True))
        yield Row(table, own, where, False, nested, lists)
        yield from children


def _id_of(doc: Any) -> str:
    return str(doc.get("id", "")) if isinstance(doc, dict) else ""


def hostile(doc: Any) -> tuple[str, str] | None:
    """(field, reason) when a record holds what no database column can: a lone surrogate (JSON
    can escape one, UTF-8 cannot hold it) or nesting deeper than any HSDS record."""
    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while stack:
        value, key, depth = stack.pop()
        if depth > MAX_DEPTH:
            return key, f"nested more than {MAX_DEPTH} levels deep"
        if isinstance(value, dict):
            stack.extend((v, k if depth == 0 else key, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, key, depth + 1) for v in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return key, "contains a lone surrogate (\\ud800-\\udfff), which is not text"
    return None


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


def is_blank(doc: dict[str, Any]) -> bool:
    """``{}``, or an object whose every value is null, blank text or an empty list or object: the JSON
    form of a spreadsheet's empty row, with nothing to import or reject."""
    return all(
        v is None or (v.__class__ is str and not v.strip()) or (isinstance(v, list | dict) and not v)
        for v in doc.values()
    )


def documents(value: Any, where: str) -> Iterator[tuple[str, Any, str]]:
    """(table, document, where) for a parsed JSON value: object, list, API page, or tabular JSON;
    table "" for a blank object (``is_blank``)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from documents(item, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        raise RecordError(where, f"expected a JSON object, got {type(value).__name__}")
    for page in ("contents", "content"):  # an HSDS API page; "content" in the Open Referral UK 1.0 API's
        if page in value and isinstance(value[page], list) and "id" not in value:
            yield from documents(value[page], f"{where}.{page}")
            return
    if value and all(k.endswith(".csv") for k in value):
        for name, rows in value.items():
            spec = BY_CSV.get(name) or TABLES.get(CSV_ALIASES.get(name, ""))
            if spec is None or not isinstance(rows, list):
                raise RecordError(where, f"unknown table {name}")
            for i, row in enumerate(rows):
                yield ("" if isinstance(row, dict) and is_blank(row) else spec.name), row, f"{where}.{name}[{i}]"
        return
    if is_blank(value):
        yield "", value, where
        return
    kind = kind_of(value)
    if kind is not None:
        yield kind, value, where


def split_array(text: str) -> Iterator[tuple[int, int, int]]:
    """(index, start, end) of each element of the top-level JSON array in ``text``, found by counting
    brackets outside strings (for documents too deep for the parser)."""
    i = text.index("[") + 1
    n, index = len(text), 0
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n or text[i] == "]":
            return
        start, depth, in_string = i, 0, False
        while i < n:
            ch = text[i]
            if in_string:
                if ch == "\\":
                    i += 1
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch in "[{":
                depth += 1
            elif ch in "]}":
                if depth == 0:
                    break
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            elif ch == "," and depth == 0:
                break
            i += 1
        yield index, start, i
        index += 1

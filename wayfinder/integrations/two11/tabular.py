"""The CSV datapackage reader (a folder, a zip or one table file): rows of each table, in commit order.

Files are matched by name whatever their case; headers are matched case-insensitively (spaces and
hyphens read as underscores). Files and columns HSDS does not define are listed in the report by
name and not read. A 1.x or 2.0 datapackage is detected and read through ``legacy.py``. Each row
carries a digest of its cells as the file gives them, so an unchanged record can be recognised
before any of its fields is looked at.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from wayfinder.lib.csv_safe import unneutralize

from . import legacy
from .checker import Notes
from .csvrows import TabularBatch
from .readers import BATCH, BATCH_BYTES, RecordError, Row, tabular_lists
from .report import WARNING, Report, first_few
from .sources import Encoding, Feed, FeedError, Member, csv_records, detect_encoding
from .tables import BY_CSV, CSV_ALIASES, HSDS_31_TABLES, ORDER, TABLES, columns

DIGEST_VERSION = "wayfinder-hsds-1"  # part of every digest: bump when reading a row changes
_HEADER_SEP = re.compile(r"[\s\-]+")


def header_key(name: str) -> str:
    return _HEADER_SEP.sub("_", name.strip(" \t\r\n\ufeff\"'").lower())


class TabularReader:
    def __init__(self, feed: Feed, report: Report, notes: Notes) -> None:
        self.feed, self.report, self.notes = feed, report, notes
        self.encodings: dict[str, Encoding] = {}
        self.headers: dict[str, list[str]] = {}
        self.version = ""
        self.sources: dict[str, list[tuple[legacy.Source | None, Member]]] = {}
        self.ctx = legacy.Context(notes)

    # --- planning ---------------------------------------------------------------------
    def encoding(self, member: Member) -> Encoding:
        key = member.name.lower()
        if key not in self.encodings:
            enc = self.encodings[key] = detect_encoding(member)
            if enc.note:
                self.report.add(WARNING, f"{member.name}:{enc.first_bad_line}", "", "", "", enc.note)
        return self.encodings[key]

    def header(self, member: Member) -> list[str]:
        """The file's header keys, read once (planning asks for some files' headers more than once)."""
        key = member.name.lower()
        if key not in self.headers:
            first = next(csv_records(member, self.encoding(member)), None)
            self.headers[key] = [header_key(c) for c in first[1]] if first else []
        return self.headers[key]

    def plan(self) -> None:
        csvs = {name: m for name, m in self.feed.members.items() if name.endswith(".csv")}
        if not csvs:
            raise FeedError(f"{self.feed.path.name}: no HSDS CSV files found")
        headers = {
            name: self.header(csvs[name])
            for name in ("organizations.csv", "taxonomy_terms.csv", "services.csv")
            if name in csvs
        }
        self.version = legacy.version(set(csvs), headers, self.feed.datapackage)
        where = self.feed.path.name
        if self.version:
            self.report.add(
                WARNING, where, "", "", "", f"an HSDS {self.version} datapackage: read as HSDS 3.0 (see the report)"
            )
        by_file: dict[str, list[legacy.Source]] = {}
        if self.version:
            for source in legacy.SOURCES:
                by_file.setdefault(source.file, []).append(source)
        for name, member in csvs.items():
            if name in legacy.DROPPED and self.version:
                self.report.add(WARNING, member.name, "", "", "", f"not read: {legacy.DROPPED[name]}")
            elif name == "eligibility.csv" and self.version:
                self.read_eligibility(member)
            elif name in by_file:
                for source in by_file[name]:
                    if source.name and (source.reads - {"id"}).isdisjoint(self.header(member)):
                        continue  # rows this file could imply (a phone's languages), but it has no such column
                    self.sources.setdefault(source.table, []).append((source, member))
            elif (spec := BY_CSV.get(name) or TABLES.get(CSV_ALIASES.get(name, ""))) is not None:
                self.sources.setdefault(spec.name, []).append((None, member))
            else:
                self.report.add(WARNING, member.name, "", "", "", "not an HSDS table file: not read")
        if self.version and "locations.csv" in csvs and "location_id" in headers.get("services.csv", []):
            self.read_location_organizations(csvs["locations.csv"])
        for found in self.sources.values():  # a table's own files before the rows other files imply
            found.sort(key=lambda pair: bool(pair[0] is not None and pair[0].name))
        for name, member in self.feed.members.items():
            if not name.endswith(".csv") and name != "datapackage.json":
                self.report.add(WARNING, member.name, "", "", "", "not an HSDS table file: not read")

    def column_pairs(self, member: Member, first: str, second: str) -> Iterator[tuple[str, str]]:
        """(``first``, ``second``) cells of each record of a file, unchecked, for what one file tells
        the reading of another; nothing when its header lacks either column."""
        records = csv_records(member, self.encoding(member))
        head = next(records, None)
        keys = [header_key(h) for h in head[1]] if head else []
        if first not in keys or second not in keys:
            return
        at, to = keys.index(first), keys.index(second)
        width = max(at, to)
        for _, cells in records:
            if len(cells) > width:
                yield cells[at], cells[to]

    def read_eligibility(self, member: Member) -> None:
        """1.x's eligibility.csv holds text for its services: it becomes their eligibility_description."""
        for service, text in self.column_pairs(member, "service_id", "eligibility"):
            if text.strip():
                self.ctx.eligibility.setdefault(service.strip(), []).append(text.strip())

    def read_location_organizations(self, member: Member) -> None:
        """HSDS 1.0's services.csv has no organization_id: each service is its location's (legacy._service)."""
        for location, organization in self.column_pairs(member, "id", "organization_id"):
            if organization.strip():
                self.ctx.location_organization[location.strip()] = organization.strip()

    # --- reading ----------------------------------------------------------------------
    def tables(self) -> Iterator[tuple[str, Iterator[Row | TabularBatch | RecordError]]]:
        """(table, its rows) for every table the feed carries, parents first."""
        self.plan()
        present = frozenset(self.sources)
        for table in ORDER:
            if table in self.sources:
                yield table, self.rows(table, present)

    def rows(self, table: str, present: frozenset[str]) -> Iterator[Row | TabularBatch | RecordError]:
        lists = tabular_lists(table, present)
        for source, member in self.sources[table]:
            yield from self.file_rows(table, source, member, lists)

    def file_rows(
        self, table: str, source: legacy.Source | None, member: Member, lists: frozenset[str]
    ) -> Iterator[Row | TabularBatch | RecordError]:
        blank: list[int] = []
        records = csv_records(member, self.encoding(member), blank)
        first = next(records, None)
        if first is None:
            self.report.add(WARNING, member.name, table, "", "", "the file is empty")
            return
        yield from self.file_records(table, source, member, lists, first[1], records)
        if blank and (source is None or not source.name):  # once per file, not per table read from it
            shown = first_few(blank)
            what = (
                f"1 row with every cell blank (line {shown})"
                if len(blank) == 1
                else (f"{len(blank):,} rows with every cell blank (lines {shown})")
            )
            reason = f"{what}: nothing to import, skipped"
            self.report.add(WARNING, f"{member.name}:{blank[0]}", table, "", "", reason)

    def file_records(
        self,
        table: str,
        source: legacy.Source | None,
        member: Member,
        lists: frozenset[str],
        header: list[str],
        records: Iterator[tuple[int, list[str]]],
    ) -> Iterator[Row | TabularBatch | RecordError]:
        keys = [header_key(h) for h in header]
        wanted = {c.name for c in columns(table)} if source is None else source.reads
        mapping, seen = [], set()
        for i, key in enumerate(keys):
            if not key:
                continue
            if key in seen:
                if source is not None and source.name:
                    continue  # said once, by the file's own table
                self.report.add(
                    WARNING, f"{member.name}:1", table, "", header[i], "a second column of this name: ignored"
                )
            elif key in wanted:
                mapping.append((i, key))
            elif source is None:
                self.report.add(WARNING, f"{member.name}:1", table, "", header[i], f"{self._unknown(table)}: ignored")
            elif not source.name and key not in legacy_reads(member.name.lower()):
                self.report.add(WARNING, f"{member.name}:1", table, "", header[i], "not mapped to HSDS 3.0: dropped")
            seen.add(key)
        tag = f"{DIGEST_VERSION}\x1e{table}\x1e{source.file + source.name if source else ''}\x1e"
        prefix = hashlib.md5((tag + "\x1f".join(keys)).encode(), usedforsecurity=False)
        width = len(header)
        name = member.name
        id_at = next((i for i, key in mapping if key == "id"), -1)
        if source is None:
            yield from self.batches(table, records, width, prefix, mapping, id_at, name, lists)
            return
        for line, cells in records:
            where = f"{name}:{line}"
            fitted = _fit_width(cells, width)
            if fitted is None:
                yield RecordError(where, f"expected {width} columns, found {len(cells)}", table, cells[0])
                continue
            cells, digest, joined = _digested(fitted, prefix)
            data = {key: cells[i] for i, key in mapping}
            self.ctx.where = where
            for index, out in enumerate(source.convert(data, self.ctx)):
                if index:
                    digest = digest.copy()
                    digest.update(str(index).encode())
                yield Row(table, _as_text(out), where, True, lists=lists, digest=digest.hexdigest(), size=len(joined))

    def attribute_links(self) -> Iterator[tuple[str, str]]:
        """(link_id, taxonomy_term_id) cells of every HSDS 3.x attribute row, read ahead of the
        tables' order and without any check: a hint (``Writer.category_hint``) that the attributes'
        own import then confirms or corrects, so nothing is reported from here and a file that
        cannot be read gives no hint (its own reading reports why)."""
        for source, member in self.sources.get("attribute", []):
            if source is not None:
                continue
            try:
                yield from self.column_pairs(member, "link_id", "taxonomy_term_id")
            except FeedError:
                return

    @staticmethod
    def batches(
        table: str,
        records: Iterator[tuple[int, list[str]]],
        width: int,
        prefix: Any,
        mapping: list[tuple[int, str]],
        id_at: int,
        name: str,
        lists: frozenset[str],
    ) -> Iterator[TabularBatch | RecordError]:
        """The rows of an HSDS 3.x file, a batch at a time (csvrows.TabularBatch): no object per row."""
        batch = TabularBatch(table, mapping, id_at, name, lists)
        cells_of, lines, digests = batch.cells.append, batch.lines.append, batch.digests.append
        size = 0
        for line, cells in records:
            fitted = _fit_width(cells, width)
            if fitted is None:
                yield RecordError(f"{name}:{line}", f"expected {width} columns, found {len(cells)}", table, cells[0])
                continue
            cells, digest, joined = _digested(fitted, prefix)
            cells_of(cells)
            lines(line)
            digests(digest.hexdigest())
            size += len(joined)
            if len(batch.cells) >= BATCH or size > BATCH_BYTES:
                batch.size = size
                yield batch
                batch = TabularBatch(table, mapping, id_at, name, lists)
                cells_of, lines, digests = batch.cells.append, batch.lines.append, batch.digests.append
                size = 0
        if batch.cells:
            batch.size = size
            yield batch

    def _unknown(self, table: str) -> str:
        return f"not an HSDS {'3.1' if table in HSDS_31_TABLES else '3.0'} column of {table}"


def _fit_width(cells: list[str], width: int) -> list[str] | None:
    """A record's cells at the header's width: trailing empty cells (a spreadsheet's stray
    commas) are dropped; None when it has another number of columns (a rejected record)."""
    if len(cells) == width:
        return cells
    if len(cells) > width and not any(c.strip() for c in cells[width:]):
        return cells[:width]
    return None


def _digested(cells: list[str], prefix: Any) -> tuple[list[str], Any, str]:
    """(cells with spreadsheet-formula guards removed, digest of the cells as the feed
    sent them, the joined cells): the digest is taken before any change, so an unchanged
    record always hashes the same."""
    joined = "\x1f".join(cells)
    digest = prefix.copy()
    digest.update(joined.encode("utf-8", "surrogatepass"))
    if "'" in joined:
        cells = [unneutralize(c) for c in cells]
    return cells, digest, joined


def legacy_reads(file: str) -> frozenset[str]:
    """Every column any legacy source of ``file`` reads (phones.csv: the phone's and its languages')."""
    out: set[str] = set()
    for source in legacy.SOURCES:
        if source.file == file:
            out |= source.reads
    return frozenset(out)


def _as_text(values: dict[str, Any]) -> dict[str, Any]:
    return {k: ("" if v is None else v) for k, v in values.items()}

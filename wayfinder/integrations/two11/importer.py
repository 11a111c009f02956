"""HSDS import: table by table, parents first, in one transaction; each record stands alone.

For each batch of 2,000 rows of a table: the stored digests of their ids are read in one query, and
a row whose digest (of the record as the feed gives it) is unchanged is counted and skipped before
any of its fields is looked at. The others are checked and normalized (``checker.py``), their
references resolved (``links.py``: children of a rejected record are rejected too), and written in
bulk. A rejected record changes nothing stored, neither it nor what hangs from it, and ``--full``
does not deactivate it. Then the 2-1-1 children that re-sent records no longer list are removed
(children.py), categories are refreshed and, with ``--full``, missing services deactivated.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from wayfinder.directory import categories as cats

from .batchcheck import canonical_hex, precheck, precheck_columns
from .checker import IdMap, Notes, RowError, check_row
from .children import ANY, Statements
from .csvrows import TabularBatch, tabular_columns
from .deferindexes import DeferredIndexes
from .links import Links, show
from .readers import BATCH, BATCH_BYTES, JsonReader, RecordError, Row
from .report import ERROR, WARNING, Report
from .rules import Rules
from .sources import JSON, FeedError, open_feed
from .spool import Spool
from .sqlwrite import refresh_statistics, stored_hashes, unchanged_mask
from .tables import TABLES
from .tabular import DIGEST_VERSION, TabularReader
from .upsert import Writer


class Aborted(Exception):
    """Raised inside the transaction to undo everything when the feed turns out to be unreadable."""


@dataclass
class ImportResult:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    changed_service_ids: set[uuid.UUID] = field(default_factory=set)
    deactivated: int = 0
    errors: int = 0
    warnings: int = 0
    conflicts: int = 0
    fatal: str = ""
    version: str = ""
    report_path: Path | None = None

    @property
    def services(self) -> Counter:
        return self.counts["service"]

    @property
    def rejected(self) -> int:
        return sum(c["rejected"] for c in self.counts.values())

    @property
    def changed(self) -> bool:
        kinds = ("created", "updated", "removed", "unlinked")
        return bool(self.deactivated) or any(c[k] for c in self.counts.values() for k in kinds)


def json_digest(table: str, data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.md5(f"{DIGEST_VERSION}\x1e{table}\x1e{text}".encode(), usedforsecurity=False).hexdigest()


class Importer:
    def __init__(
        self, path: Path, report: Report, *, full: bool = False, progress: bool = False, feed_name: str = ""
    ) -> None:
        self.path, self.report, self.full, self.progress = Path(path), report, full, progress
        self.source_name = self.path.name
        self.result = ImportResult(report_path=report.path)
        self.feed_name = feed_name
        self.ids = IdMap(feed_name or (self.path.name if self.path.is_dir() else self.path.stem))
        self.notes = Notes()
        # Ids seen in the feed, per table, as 128-bit ints (half the memory of UUID objects).
        self.ok: dict[str, set[int]] = defaultdict(set)
        self.failed: dict[str, set[int]] = defaultdict(set)
        self.nested_only: dict[str, set[int]] = defaultdict(set)
        self.statements = Statements()
        self.empty_tables: set[str] = set()  # tables that held no row when the import reached them
        self.reader: TabularReader | None = None  # a CSV feed's
        self.indexes = DeferredIndexes()  # a first import's, on SQLite
        self.links = Links(self)
        self.rules = Rules(self)
        self.writer = Writer(self)
        self.now = timezone.now()
        self.today = timezone.localdate()

    # --- problems --------------------------------------------------------------------
    def reject(
        self,
        where: str,
        table: str,
        raw_id: Any,
        hexid: str | None,
        fld: str,
        reason: str,
        value: Any = "",
        *,
        unchanged: bool = False,
    ) -> None:
        """A record of the feed is rejected: nothing of it is written, and what hangs from it neither."""
        self.report.add(ERROR, where, table, raw_id, fld, reason, value)
        counts = self.result.counts[table]
        counts["rejected"] += 1
        if unchanged:
            counts["unchanged"] -= 1
        if hexid and table:
            i = int(hexid, 16)
            self.failed[table].add(i)
            self.ok[table].discard(i)

    def unreadable(self, item: RecordError) -> None:
        hexid = self.ids(item.table, item.record_id) if item.table and item.record_id else None
        self.reject(item.where, item.table, item.record_id, hexid, item.field, item.reason, item.value)

    # --- reading ---------------------------------------------------------------------
    def tables(self, feed: Any) -> Iterator[tuple[str, Iterator[Row | TabularBatch | RecordError]]]:
        if feed.kind != JSON:
            reader = self.reader = TabularReader(feed, self.report, self.notes)
            yield from reader.tables()
            self.result.version = reader.version
            return
        spool = Spool()
        try:
            for member in feed.members.values():
                self.source_name = member.name
                for item in JsonReader(member, self.report).rows():
                    if isinstance(item, RecordError):
                        self.unreadable(item)
                    else:
                        spool.add(item)
            for table in TABLES:
                if spool.has(table):
                    yield table, spool.rows(table)
        finally:
            spool.close()

    def process(self, table: str, rows: Iterator[Row | TabularBatch | RecordError], bar: tqdm) -> None:
        if not TABLES[table].model.objects.exists():
            # Nothing stored to compare with (a first import): no digest lookups. A row this import
            # writes and the feed sends again is a duplicate id, found before any lookup.
            self.empty_tables.add(table)
            self.indexes.set_aside(TABLES[table].model)
            if table == "service" and self.reader is not None:
                self.writer.hint_categories(self.reader)
        batch: list[Row] = []
        size = 0
        for item in rows:
            if item.__class__ is TabularBatch:
                if batch:
                    self.process_batch(table, batch)
                    bar.update(len(batch))
                    batch, size = [], 0
                self.process_batch(table, *self.accept_unchanged(table, item))  # type: ignore[arg-type]
                bar.update(len(item))  # type: ignore[arg-type]
                continue
            if isinstance(item, RecordError):
                self.unreadable(item)
                continue
            batch.append(item)
            size += item.size or sum(len(v) if type(v) is str else 8 for v in item.data.values())
            if len(batch) >= BATCH or size > BATCH_BYTES:  # bounded memory, however long the values
                self.process_batch(table, batch)
                bar.update(len(batch))
                batch, size = [], 0
        if batch:
            self.process_batch(table, batch)
            bar.update(len(batch))
        self.indexes.rebuild(TABLES[table].model)
        self.links.finish_table(table)

    def accept_unchanged(self, table: str, batch: TabularBatch) -> tuple[list[Row], dict[str, str] | None]:
        """Accept in bulk the rows of ``batch`` whose stored digest is theirs: counted unchanged, their
        ids taken, with no object made and no field looked at. Returns the other rows (new or changed:
        ``process_batch`` checks them one by one) and the stored digests it read, if any.

        Only for the common case, a batch of canonical UUID ids that are new to this import (no
        duplicate, nothing nested); any other batch goes whole through ``process_batch``."""
        if table in self.empty_tables or not len(batch):
            return batch.rows(), None
        hexids = canonical_hex(batch.record_ids())
        if hexids is None:
            return batch.rows(), None
        rids = list(map(int, hexids, repeat(16)))
        ok, failed = self.ok[table], self.failed[table]
        if len(set(rids)) != len(rids) or not ok.isdisjoint(rids) or not failed.isdisjoint(rids):
            return batch.rows(), None
        same, stored = unchanged_mask(TABLES[table].model, hexids, batch.digests)
        if not any(same):
            return batch.rows(), stored
        accepted = list(compress(rids, same))
        ok.update(accepted)
        self.statements.add_many(table, accepted, batch.lists)
        self.result.counts[table]["unchanged"] += len(accepted)
        return [batch.row(k) for k, s in enumerate(same) if not s], stored

    def process_batch(self, table: str, rows: list[Row], stored: dict[str, str] | None = None) -> None:
        if not rows:
            return
        counts = self.result.counts[table]
        raw_ids = [row.record_id() for row in rows]
        hexids = canonical_hex(raw_ids)  # the common case, converted for the whole batch at once
        if hexids is not None:
            entries = [
                (row, hexid, row.digest or json_digest(table, row.data), raw_id)
                for row, hexid, raw_id in zip(rows, hexids, raw_ids, strict=True)
            ]
        else:
            entries = []
            for row, raw_id in zip(rows, raw_ids, strict=True):
                hexid = self.ids(table, str(raw_id), own=True) if raw_id not in (None, "") else ""
                if not hexid:
                    self.reject(row.where, table, raw_id, None, "id", "required field is missing")
                    continue
                entries.append((row, hexid, row.digest or json_digest(table, row.data), raw_id))
        empty = table in self.empty_tables
        if stored is None:
            stored = {} if empty else stored_hashes(TABLES[table].model, [hexid for _, hexid, _, _ in entries])
        todo = [k for k, (_, hexid, digest, _) in enumerate(entries) if stored.get(hexid) != digest]
        checked = self.precheck(table, [row for row, _, _, _ in entries], todo)
        pending = []
        ok, failed, nested_only = self.ok[table], self.failed[table], self.nested_only[table]
        add_statement, unchanged = self.statements.add, 0
        for k, (row, hexid, digest, raw_id) in enumerate(entries):
            rid = int(hexid, 16)
            if rid in ok or rid in failed:
                # Nested JSON repeats shared objects (a phone under its location and its service): first copy wins.
                if row.nested:
                    continue
                if rid in nested_only:
                    nested_only.discard(rid)
                    continue
                self.report.add(
                    ERROR, row.where, table, raw_id, "id",
                    "duplicate id: this record appears more than once in the feed (first copy kept)",
                )  # fmt: skip
                continue
            if row.nested:
                nested_only.add(rid)
            if stored.get(hexid) == digest:
                ok.add(rid)
                add_statement(table, rid, row.lists)
                unchanged += 1
                continue
            values = checked[k]
            if values is None:
                try:
                    values = check_row(
                        table, row.data, from_text=row.from_text, where=row.where, notes=self.notes, ids=self.ids
                    )
                except RowError as exc:
                    self.reject(row.where, table, raw_id, hexid, exc.field, exc.reason, exc.value)
                    continue
            if not self.rules.check(table, values, row.where, raw_id):
                continue
            ok.add(rid)
            add_statement(table, rid, row.lists)
            pending.append((values, row.where, digest, raw_id, hexid in stored))
        counts["unchanged"] += unchanged
        if pending:
            good = self.links.resolve(table, pending)
            if good:
                self.writer.upsert(table, good)

    @staticmethod
    def precheck(table: str, rows: list[Row], todo: list[int]) -> list[dict[str, Any] | None]:
        """The values of ``rows[k]`` for each k in ``todo`` that the batch check vouches for
        (batchcheck.precheck_columns), else None: those are checked one by one, with their notes and errors."""
        out: list[dict[str, Any] | None] = [None] * len(rows)
        shaped = tabular_columns([rows[k] for k in todo])
        if shaped is not None:  # CSV rows: their cells are already columns, no dict is made to check them
            for k, values in zip(todo, precheck_columns(table, *shaped, from_text=True), strict=True):
                out[k] = values
            return out
        texts = [rows[k].from_text for k in todo]
        for from_text in set(texts):
            part = todo if len(set(texts)) == 1 else [k for k, t in zip(todo, texts, strict=True) if t is from_text]
            for k, values in zip(part, precheck(table, [rows[k].data for k in part], from_text=from_text), strict=True):
                out[k] = values
        return out

    # --- the run ---------------------------------------------------------------------
    def run(self) -> ImportResult:
        feed = None
        try:
            feed = open_feed(self.path)
            with transaction.atomic():
                self.writer.prepare()
                with tqdm(unit=" rows", desc="import", disable=not self.progress, leave=False) as bar:
                    for table, rows in self.tables(feed):
                        self.process(table, rows, bar)
                self.finish()
        except FeedError as exc:
            self.result.fatal = str(exc)
            self.result.counts.clear()
            self.result.changed_service_ids.clear()
            self.report.add(ERROR, str(exc).split(": ")[0], "", "", "", str(exc))
        finally:
            self.writer.release()
            if feed is not None:
                feed.close()
            if not self.result.fatal:
                self.report_notes()
            self.report.close()
        self.result.errors = self.report.errors
        self.result.warnings = self.report.counts[WARNING]
        self.result.changed_service_ids = {uuid.UUID(str(i)) for i in self.writer.changed_services}
        return self.result

    def finish(self) -> None:
        self.indexes.rebuild_all()
        if not any(self.ok.values()) and not self.report.errors:
            self.report.add(WARNING, self.path.name, "", "", "", "no HSDS records found; nothing to import")
        self.writer.feed_identifiers()
        self.writer.remove_unlisted_children()
        self.writer.refresh_categories()
        self.report_kept()
        if self.full:
            self.writer.deactivate_missing()

    def report_kept(self) -> None:
        """Rejected records the directory already holds stay as they were; say so, once each."""
        from .sqlwrite import db_uuids

        for table, ints in self.failed.items():
            if not ints:
                continue
            model = TABLES[table].model
            items = sorted(ints)
            for start in range(0, len(items), BATCH):
                for rid in model.objects.filter(id__in=db_uuids(items[start : start + BATCH])).values_list(
                    "id", flat=True
                ):
                    self.result.counts[table]["kept"] += 1
                    extra = (
                        " and, although --full, it is not marked inactive" if self.full and table == "service" else ""
                    )
                    self.report.add(
                        WARNING, self.path.name, table, show(rid.hex), "",
                        f"kept: the feed's version is invalid; the stored record stays as it was{extra}",
                    )  # fmt: skip

    def report_notes(self) -> None:
        """Normalizations and mapped ids, counted per table and field, with examples."""
        for (table, fld, what), count in sorted(self.notes.counts.items()):
            examples = "; ".join(self.notes.examples[(table, fld, what)])
            plural = "value" if count == 1 else "values"
            reason = f"{what} — {count:,} {plural}, e.g. {examples}"
            where = self.notes.first[(table, fld, what)].rsplit(":", 1)[0].split("[", 1)[0]
            self.report.add(WARNING, where, table, "", fld, reason)
        for table, count in sorted(self.ids.mapped.items()):
            examples = "; ".join(self.ids.examples[table])
            reason = f"{count:,} ids are not UUIDs: each read as a stable UUID for this feed (original kept), e.g. "
            self.report.add(WARNING, self.source_name, table, "", "id", reason + examples)


def import_feed(
    path: Path | str,
    report_path: Path | str | None = None,
    *,
    full: bool = False,
    progress: bool = False,
    feed_name: str = "",
    on_issue: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import an HSDS feed; the plain-function entry point behind ``manage.py import_hsds``."""
    from django.conf import settings

    if report_path is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        report_path = Path(settings.DATA_DIR) / "import-reports" / f"import-{stamp}.csv"
    cats.ensure_sdoh_taxonomy()
    importer = Importer(Path(path), Report(Path(report_path)), full=full, progress=progress, feed_name=feed_name)
    # Measured: the cyclic GC rescans the growing id sets and row dicts and costs a third of the run
    # at 100,000 services. Import data has no reference cycles, so collection waits until the end.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = importer.run()
    finally:
        if was_enabled:
            gc.enable()
    if result.changed and not result.fatal:
        refresh_statistics(table.model for table in TABLES.values())
    if on_issue:
        for issue in importer.report.first:
            on_issue(issue.line())
    return result


__all__ = ["ANY", "Aborted", "ImportResult", "Importer", "import_feed"]

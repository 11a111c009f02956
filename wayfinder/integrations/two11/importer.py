"""HSDS import: validate every record first, then commit the good ones in bulk.

Phase 1 streams the feed, checks each row against the official schema and our
rules (coordinates, taxonomy codes, duplicate ids) and spools good rows per table
to temporary files, keeping only id sets in memory. Phase 2 resolves references
(to the feed or the database), then upserts table by table, parents first, in one
transaction: an id whose feed digest is unchanged is not written at all, which is
what makes re-importing the same feed a no-op. Then the 2-1-1 children that the
re-sent records no longer list are removed (children.py), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import pickle
import re
import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Source, Taxonomy
from wayfinder.lib.geo import valid_coordinates

from .aftercommit import deactivate_missing, refresh_categories
from .children import ANY, LINKS, Pruner, Statements, services_of
from .readers import FeedError, RecordError, Row, read_feed
from .reconcile import drop_equal, keep_partner_fields
from .report import ERROR, WARNING, Report
from .sqlwrite import refresh_statistics, write
from .tables import ORDER, TABLES, RowError, check_row, columns

BATCH = 2000
# Up to this much text stays in memory between the phases; past it, rows spill to temporary files
# in chunks of at most BATCH rows or CHUNK_BYTES, so memory stays flat however big the feed is.
IN_MEMORY_BYTES = 64 << 20
CHUNK_BYTES = 8 << 20
ROW_OVERHEAD, VALUE_OVERHEAD = 400, 100
SOURCE_211 = str(Source.TWO11.value)
AIRS_RE = re.compile(r"\b(211|2-1-1|airs)\b", re.IGNORECASE)


@dataclass
class ImportResult:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    changed_service_ids: set[uuid.UUID] = field(default_factory=set)
    deactivated: int = 0
    errors: int = 0
    warnings: int = 0
    conflicts: int = 0
    fatal: str = ""
    report_path: Path | None = None

    @property
    def services(self) -> Counter:
        return self.counts["service"]

    @property
    def changed(self) -> bool:
        kinds = ("created", "updated", "removed", "unlinked")
        return bool(self.deactivated) or any(c[k] for c in self.counts.values() for k in kinds)


def _digest(values: dict[str, Any]) -> str:
    """Content digest; values are in column order (check_row builds them so), so no sorting is needed."""
    text = "\x1f".join(f"{k}\x1e{v}" for k, v in values.items())
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def is_ours(table: str, values: dict[str, Any]) -> bool:
    if table == "taxonomy":
        return values["id"] == cats.SDOH_TAXONOMY_ID
    return table == "taxonomy_term" and values.get("taxonomy_ref_id") == cats.SDOH_TAXONOMY_ID


@cache
def field_defaults(table: str) -> dict[str, Any]:
    fields = {f.attname: f for f in TABLES[table].model._meta.concrete_fields}
    return {c.attname: fields[c.attname].get_default() for c in columns(table)}


def _uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class Importer:
    def __init__(self, path: Path, report: Report, *, full: bool = False, progress: bool = False) -> None:
        self.path, self.report, self.full, self.progress = Path(path), report, full, progress
        self.result = ImportResult(report_path=report.path)
        # Ids seen in the feed, per table, as 128-bit ints (half the memory of UUID objects).
        self.ok: dict[str, set[int]] = defaultdict(set)
        self.failed: dict[str, set[int]] = defaultdict(set)
        self.nested_only: dict[str, set[int]] = defaultdict(set)
        self.airs_taxonomies: set[uuid.UUID] = {cats.AIRS_TAXONOMY_ID}
        # Which child lists each record states (children.py).
        self.statements = Statements()
        # Search: the services showing a changed record are re-indexed. ``touched`` holds the records
        # whose children (or own place) changed; ``written`` the parents this import itself wrote, whose
        # services are known without asking (a new location's services come with its new
        # service_at_locations), so a first import does not look all its parents up again.
        self.touched: dict[str, set[uuid.UUID]] = defaultdict(set)
        self.written: dict[str, set[uuid.UUID]] = defaultdict(set)
        self.written["service"] = self.written[ANY] = self.result.changed_service_ids
        self.organizations: set[uuid.UUID] = set()
        self.renamed_terms: set[uuid.UUID] = set()
        self.today = timezone.localdate()
        self.now = timezone.now()

    # --- phase 1 -------------------------------------------------------------
    def error(self, where: str, table: str, record_id: Any, fld: str, reason: str, reject: bool = True) -> None:
        self.report.add(ERROR, where, table, record_id, fld, reason)
        rid = _uuid(record_id)
        if reject and rid is not None and table:
            self.failed[table].add(rid.int)
            self.ok[table].discard(rid.int)

    def validate(self, spool: dict[str, Any]) -> int:
        for t in Taxonomy.objects.only("id", "name", "uri"):
            if AIRS_RE.search(f"{t.name} {t.uri}"):
                self.airs_taxonomies.add(t.id)
        rows = spooled = 0
        sizes: Counter[str] = Counter()
        bar = tqdm(read_feed(self.path), unit=" rows", desc="validate", disable=not self.progress, leave=False)
        for item in bar:
            if isinstance(item, RecordError):
                self.error(item.where, item.table, item.record_id, "", item.reason)
                continue
            values = self.check(item)
            if values is None:
                continue
            rows += 1
            spool.setdefault(item.table, []).append((values, item.where))
            # rough size in memory: the text plus Python's per-object overhead (measured ~100 B a value)
            size = ROW_OVERHEAD + sum(len(v) if type(v) is str else VALUE_OVERHEAD for v in values.values())
            spooled += size
            sizes[item.table] += size
            if spooled > IN_MEMORY_BYTES and (len(spool[item.table]) >= BATCH or sizes[item.table] > CHUNK_BYTES):
                self.flush(spool, item.table)
                sizes[item.table] = 0
        return rows

    def check(self, row: Row) -> dict[str, Any] | None:
        raw_id = row.data.get("id")
        try:
            values = check_row(row.table, row.data, from_text=row.from_text)
        except RowError as exc:
            self.error(row.where, row.table, raw_id, exc.field, exc.reason)
            return None
        rid = values["id"].int
        if rid in self.ok[row.table] or rid in self.failed[row.table]:
            # Nested JSON repeats shared objects (a phone under its location and its service): first copy wins.
            if row.nested:
                return None
            if rid in self.nested_only[row.table]:
                self.nested_only[row.table].discard(rid)
                return None
            self.error(
                row.where,
                row.table,
                values["id"],
                "id",
                "duplicate id: this record appears more than once in the feed (first copy kept)",
                reject=False,
            )
            return None
        if row.nested:
            self.nested_only[row.table].add(rid)
        if not self.rules(row, values):
            return None
        self.ok[row.table].add(rid)
        self.statements.add(row.table, rid, row.lists)
        return values

    def rules(self, row: Row, values: dict[str, Any]) -> bool:
        """Wayfinder's rules beyond the schema. False = the record is rejected."""
        if row.table == "location" and ("latitude" in values or "longitude" in values):
            lat, lon = values.get("latitude"), values.get("longitude")
            if not valid_coordinates(lat, lon):
                self.report.add(
                    WARNING,
                    row.where,
                    row.table,
                    values["id"],
                    "latitude",
                    f"coordinates ({lat}, {lon}) are missing or out of range; stored without coordinates",
                )
                values["latitude"] = values["longitude"] = None
        elif row.table == "taxonomy" and AIRS_RE.search(f"{values.get('name', '')} {values.get('uri', '')}"):
            self.airs_taxonomies.add(values["id"])
        elif row.table == "taxonomy_term":
            is_airs = values.get("taxonomy_ref_id") in self.airs_taxonomies or AIRS_RE.search(
                values.get("taxonomy_label", "")
            )
            code = values.get("code", "")
            if is_airs and not cats.is_valid_airs_code(code):
                self.error(row.where, row.table, values["id"], "code", f"unknown 2-1-1/AIRS taxonomy code {code!r}")
                return False
            if values.get("taxonomy_ref_id") == cats.SDOH_TAXONOMY_ID and code not in cats.LABELS:
                self.error(row.where, row.table, values["id"], "code", f"unknown Wayfinder category {code!r}")
                return False
        elif row.table == "service" and (values.get("minimum_age") or 0) > (values.get("maximum_age") or 1e9):
            self.error(row.where, row.table, values["id"], "minimum_age", "minimum_age is above maximum_age")
            return False
        return True

    def flush(self, spool: dict[str, Any], table: str) -> None:
        files = spool.setdefault("_files", {})
        if table not in files:
            files[table] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in run()
        pickle.dump(spool[table], files[table], protocol=pickle.HIGHEST_PROTOCOL)
        spool[table] = []

    @staticmethod
    def batches(spool: dict[str, Any], table: str) -> Iterator[list[tuple[dict[str, Any], str]]]:
        fh = spool.get("_files", {}).get(table)
        if fh is not None:
            fh.seek(0)
            while True:
                try:
                    yield pickle.load(fh)  # noqa: S301 - our own temporary spool file
                except EOFError:
                    break
            fh.close()
        pending = spool.get(table) or []
        for start in range(0, len(pending), BATCH):
            yield pending[start : start + BATCH]

    # --- phase 2 -------------------------------------------------------------
    def resolve(self, table: str, batch: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], str]]:
        spec = TABLES[table]
        attnames = {c.name: c.attname for c in columns(table)}
        unknown: dict[str, set[uuid.UUID]] = defaultdict(set)
        for values, _ in batch:
            for hsds, target, _req in spec.refs:
                ref = values.get(attnames[hsds])
                if ref is not None and ref.int not in self.ok[target] and ref.int not in self.failed[target]:
                    unknown[target].add(ref)
        in_db = {
            t: set(TABLES[t].model.objects.filter(id__in=ids).values_list("id", flat=True))
            for t, ids in unknown.items()
        }
        good = []
        for values, where in batch:
            rejected = False
            for hsds, target, hard in spec.refs:
                ref = values.get(attnames[hsds])
                if ref is None or ref.int in self.ok[target] or ref in in_db.get(target, ()):
                    continue
                why = (
                    "was rejected" if ref.int in self.failed[target] else "does not exist in the feed or the directory"
                )
                if hard:
                    self.error(where, table, values["id"], hsds, f"references {target} {ref}, which {why}")
                    rejected = True
                    break
                self.report.add(
                    WARNING,
                    where,
                    table,
                    values["id"],
                    hsds,
                    f"references {target} {ref}, which {why}; link left empty",
                )
                values[attnames[hsds]] = None
            if not rejected:
                good.append((values, where))
        return good

    def upsert(self, table: str, batch: list[tuple[dict[str, Any], str]]) -> None:
        model, counts = TABLES[table].model, self.result.counts[table]
        ids = [v["id"] for v, _ in batch]
        links = LINKS.get(table, {})
        stored = list(model.objects.filter(id__in=ids).values_list("id", "feed_hash", *links))
        current = {row[0]: row[1] for row in stored}
        old_links = {row[0]: row[2:] for row in stored} if links else {}
        new, changed = [], []
        for values, where in batch:
            if is_ours(table, values):
                counts["unchanged"] += 1  # Wayfinder's own SDoH taxonomy is maintained in code, not by feeds
                continue
            digest = _digest(values)
            if values["id"] not in current:
                new.append((values, digest, where))
            elif current[values["id"]] == digest:
                counts["unchanged"] += 1
            else:
                changed.append((values, digest, where))
        if changed:
            changed = drop_equal(table, changed, counts, field_defaults(table))
        if changed:
            self.result.conflicts += keep_partner_fields(table, changed, self.report)
        self.note_for_search(table, new, changed, links, old_links)
        attnames = [c.attname for c in columns(table)]
        extra = ["feed_hash", "source", "updated_at", "last_verified"]
        # created_at etc. go in the INSERT part of the upsert too: SQLite checks NOT NULL before ON CONFLICT.
        created = ["created_at", "partner_owned_fields"] + (["categories"] if table == "service" else [])
        tail = [self.now, [], []][: len(created)]
        self.defaults = field_defaults(table)
        write(
            model,
            [*attnames, *extra, *created],
            [self.row(attnames, values, digest) + tail for values, digest, _ in new],
        )
        write(
            model,
            [*attnames, *extra, *created],
            [self.row(attnames, values, digest) + tail for values, digest, _ in changed],
            update=[a for a in attnames if a != "id"] + ["feed_hash", "updated_at", "last_verified"],
        )
        counts["created"] += len(new)
        counts["updated"] += len(changed)

    def note_for_search(self, table: str, new: list, changed: list, links: dict[str, str], old: dict) -> None:
        """Note what the written rows change on service pages and search documents (``touched``)."""
        if table == "service":
            self.result.changed_service_ids.update(v["id"] for v, _, _ in new + changed)
        elif table == "organization":  # its name is in its services' documents
            self.written[table].update(v["id"] for v, _, _ in new)
            self.organizations.update(v["id"] for v, _, _ in changed)
        elif table == "location":  # so is its place
            self.written[table].update(v["id"] for v, _, _ in new)
            self.touched[table].update(v["id"] for v, _, _ in changed)
        elif table == "taxonomy_term":  # a renamed term is in the keywords of the services filed under it
            self.renamed_terms.update(v["id"] for v, _, _ in changed)
        elif links:  # a child row: its parents, before and after (not an organization: see services_of)
            touched, written = self.touched, self.written
            shown = [(i, fk, parent) for i, (fk, parent) in enumerate(links.items()) if parent != "organization"]
            for values, _, _ in new + changed:
                for _, fk, parent in shown:
                    if (value := values.get(fk)) is not None and value not in written[parent]:
                        touched[parent].add(value)
            for values, _, _ in changed:
                before = old[values["id"]]
                for i, _, parent in shown:
                    if (value := before[i]) is not None and value not in written[parent]:
                        touched[parent].add(value)
            if table == "service_at_location":  # a written one has told its service already
                written[table].update(v["id"] for v, _, _ in new + changed)

    def row(self, attnames: list[str], values: dict[str, Any], digest: str) -> list[Any]:
        get = values.get
        defaults = self.defaults
        out = [get(a, defaults.get(a)) for a in attnames]
        out += [digest, SOURCE_211, self.now, get("assured_date") or self.today]
        return out

    def commit(self, spool: dict[str, Any], rows: int) -> None:
        bar = tqdm(total=rows, unit=" rows", desc="commit", disable=not self.progress, leave=False)
        if connection.vendor == "sqlite":  # random UUID keys touch pages all over the indexes: cache more of them
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -131072")
        with transaction.atomic(), bar:
            for table in ORDER:
                for batch in self.batches(spool, table):
                    good = self.resolve(table, batch)
                    if good:
                        self.upsert(table, good)
                    bar.update(len(batch))
            self.remove_unlisted_children()
            self.refresh_categories()
            if self.full:
                self.deactivate_missing()

    def remove_unlisted_children(self) -> None:
        """2-1-1 children the re-sent records no longer list go (children.py); their services are re-indexed."""
        pruner = Pruner(self.statements, self.ok, self.failed, self.report, self.path.name)
        outcome = pruner.plan()
        for table, n in outcome.removed.items():
            self.result.counts[table]["removed"] += n
        for table, n in outcome.unlinked.items():
            self.result.counts[table]["unlinked"] += n
        self.result.conflicts += outcome.conflicts
        for table, ids in outcome.touched.items():
            self.touched[table] |= ids - self.written[table]
        # read before the rows go: a deleted service_at_location still says which service it belonged to
        self.result.changed_service_ids |= services_of(self.touched, self.organizations, self.renamed_terms)
        pruner.execute()

    def refresh_categories(self) -> None:
        ids = set(self.result.changed_service_ids)
        if self.result.counts["attribute"]["created"] or self.result.counts["attribute"]["updated"]:
            ids |= {uuid.UUID(int=i) for i in self.ok["service"]}
        self.result.changed_service_ids |= refresh_categories(ids)

    def deactivate_missing(self) -> None:
        missing = deactivate_missing(self.ok["service"], self.now)
        self.result.deactivated = len(missing)
        self.result.changed_service_ids.update(missing)

    def run(self) -> ImportResult:
        spool: dict[str, Any] = {}
        try:
            rows = self.validate(spool)
        except FeedError as exc:
            self.result.fatal = str(exc)
            self.report.add(ERROR, str(exc).split(": ")[0], "", "", "", str(exc))
        else:
            if rows == 0 and not self.report.errors:
                self.report.add(WARNING, self.path.name, "", "", "", "no HSDS records found; nothing to import")
            if rows:
                self.commit(spool, rows)
        finally:
            for fh in spool.get("_files", {}).values():
                fh.close()
            self.report.close()
        self.result.errors = self.report.errors
        self.result.warnings = self.report.counts[WARNING]
        return self.result


def import_feed(
    path: Path | str,
    report_path: Path | str | None = None,
    *,
    full: bool = False,
    progress: bool = False,
    on_issue: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import an HSDS feed; the plain-function entry point behind ``manage.py import_hsds``."""
    from django.conf import settings

    if report_path is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        report_path = Path(settings.DATA_DIR) / "import-reports" / f"import-{stamp}.csv"
    cats.ensure_sdoh_taxonomy()
    importer = Importer(Path(path), Report(Path(report_path)), full=full, progress=progress)
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

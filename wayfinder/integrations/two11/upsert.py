"""Writing what the import decided, in bulk, and the work after the last table.

Ids are 32-character hex strings here (what SQLite stores; PostgreSQL reads them as UUIDs), so no
UUID object is made per row. A re-sent record that changed is updated in the fields it carries
only (the partial-record rule in checker.py); a new one is inserted whole, defaults for the rest.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Source

from . import pgbulk
from .aftercommit import categories_hint, deactivate_missing, refresh_categories, set_new_categories
from .checker import UUID_TEXT
from .children import ANY, LINKS, Pruner, services_of
from .models import FeedIdentifier
from .reconcile import drop_equal, keep_partner_fields
from .sqlwrite import begin_import, converters, write
from .tables import TABLES, columns

# SQLite's page cache during an import: random UUID keys touch index pages all over, and a page pushed
# out mid-transaction is written to the log and read back. 512 MB was tried at 100,000 services (1.1
# million rows, 450 MB of database): 7% faster than this in five pairs of runs (median; from 16% faster
# to 8% slower), but no faster in five pairs of whole imports against the code before it, for about
# 450 MB more peak memory; not kept. A bound, not an allocation; release() gives the memory back.
SQLITE_IMPORT_CACHE_KB = 128 * 1024

if TYPE_CHECKING:
    from .tabular import TabularReader

SOURCE_211 = str(Source.TWO11.value)
SDOH = cats.SDOH_TAXONOMY_ID.hex
Item = tuple[dict[str, Any], str, str, Any, bool]  # values, where, digest, raw id, exists


@cache
def field_defaults(table: str) -> dict[str, Any]:
    fields = {f.attname: f for f in TABLES[table].model._meta.concrete_fields}
    return {c.attname: fields[c.attname].get_default() for c in columns(table)}


def is_ours(table: str, values: dict[str, Any]) -> bool:
    """Wayfinder's own SDoH taxonomy is maintained in code, not by feeds."""
    if table == "taxonomy":
        return values["id"] == SDOH
    return table == "taxonomy_term" and values.get("taxonomy_ref_id") == SDOH


def _hex(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "").lower()


class Writer:
    def __init__(self, imp: Any) -> None:
        self.imp = imp
        self.changed_services: set[str] = set()
        # Search: the services showing a changed record are re-indexed. ``touched`` holds the records
        # whose children (or own place) changed; ``written`` the parents this import itself wrote, whose
        # services are known without asking (a new location's services come with its new
        # service_at_locations), so a first import does not look all its parents up again.
        self.touched: dict[str, set[str]] = defaultdict(set)
        self.written: dict[str, set[str]] = defaultdict(set)
        self.written["service"] = self.written[ANY] = self.changed_services
        self.organizations: set[str] = set()
        self.renamed_terms: set[str] = set()
        self.originals: list[FeedIdentifier] = []
        self.builders: dict[str, tuple[list[str], list[str], Any]] = {}
        self.links_checked: list[str] = []
        # service id (hex) -> its attributes' term ids, while every attribute and service is this
        # import's own (a first import): the categories are set from it (aftercommit)
        self.new_attribute_links: dict[str, set[str]] | None = None
        # a first import of a CSV feed: service id (hex) -> the slugs its attributes will give it,
        # read ahead and written with the service (aftercommit.categories_hint)
        self.category_hint: dict[str, tuple[str, ...]] = {}
        self.cache_size: int | None = None  # SQLite's, before the import (prepare, release)

    def prepare(self) -> None:
        begin_import()
        if connection.vendor == "postgresql":  # checked as each COPY ends, in parallel with the reading (pgbulk)
            self.links_checked = pgbulk.check_links_per_statement([t.model._meta.db_table for t in TABLES.values()])
        if connection.vendor == "sqlite":  # a bigger page cache (SQLITE_IMPORT_CACHE_KB)
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KB}")
                # and the digest lookups of a re-import read rows all over the file: mapped, a page read
                # is no system call (as for the search index rebuild, directory/search/parallel.py)
                cursor.execute("PRAGMA mmap_size = 8589934592")

    def release(self) -> None:
        """After the import's transaction: the connection (a worker's lives on) gets its own page
        cache size back, and SQLite the memory of the pages beyond it."""
        if connection.vendor != "sqlite" or self.cache_size is None:
            return
        size, self.cache_size = int(self.cache_size), None
        # a failed import may have left the connection unusable: it is then reopened with its own size
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {size}")
            cursor.execute("PRAGMA shrink_memory")

    def upsert(self, table: str, batch: list[Item]) -> None:
        imp = self.imp
        counts = imp.result.counts[table]
        links = LINKS.get(table, {})
        new, changed = [], []
        for values, where, digest, raw_id, exists in batch:
            if is_ours(table, values):
                counts["unchanged"] += 1
                continue
            (changed if exists else new).append((values, digest, where))
            if not exists and raw_id is not None and not UUID_TEXT.match(str(raw_id).strip()):
                original = str(raw_id).strip()
                if len(original) <= 500:
                    self.originals.append(
                        FeedIdentifier(feed=imp.ids.feed, table=table, original=original, record_id=values["id"])
                    )
        defaults = field_defaults(table)
        old_links: dict[str, tuple] = {}
        if table == "service":  # no last_modified from the feed: the record's last change is this import
            for values, _, _ in changed:
                if values.get("last_modified") is None:
                    values.pop("last_modified", None)
        if changed:
            changed, old_links = drop_equal(table, changed, counts, defaults, links)
        if changed:
            imp.result.conflicts += keep_partner_fields(table, changed, imp.report)
        if table == "service":
            for values, _, _ in new + changed:
                if values.get("last_modified") is None:
                    values["last_modified"] = imp.now
        self.note_for_search(table, new, changed, links, old_links)
        if table == "attribute":
            self.note_attribute_links(new)
        model = TABLES[table].model
        attnames, every, build = self.row_builder(table)
        rows = [build(v, d) for v, d, _ in new]
        if table == "service" and self.category_hint:
            self.write_hinted_categories(rows, every)
        write(model, every, rows, prepared=True)
        groups: dict[tuple[str, ...], list] = defaultdict(list)
        for values, digest, _ in changed:
            groups[tuple(a for a in attnames if a in values and a != "id")].append(build(values, digest))
        for present, rows in groups.items():
            update = [*present, "feed_hash", "updated_at", "last_verified"]
            write(model, every, rows, update=update, prepared=True)
        counts["created"] += len(new)
        counts["updated"] += len(changed)
        if len(self.originals) >= 2000:
            self.feed_identifiers()

    def row_builder(self, table: str) -> tuple[list[str], list[str], Any]:
        """(HSDS attnames, every column written, a function values, digest -> a row in the database's
        form). Built once per table: the constant columns (times, sources, empty JSON lists) are
        converted once, and only the columns that need a conversion get one."""
        if table in self.builders:
            return self.builders[table]
        model = TABLES[table].model
        attnames = [c.attname for c in columns(table)]
        defaults = field_defaults(table)
        extra = ["feed_hash", "source", "updated_at", "last_verified"]
        # created_at etc. go in the INSERT part of the upsert too: SQLite checks NOT NULL before ON CONFLICT.
        created = ["created_at", "partner_owned_fields"] + (["categories"] if table == "service" else [])
        every = [*attnames, *extra, *created]
        convs = dict(converters(model, tuple(every)))
        n = len(attnames)
        now = convs[n + 2](self.imp.now) if n + 2 in convs else self.imp.now
        tail = [convs[i](v) if i in convs else v for i, v in enumerate([self.imp.now, [], []][: len(created)], n + 4)]
        verified = convs.get(n + 3, lambda v: v)
        today = self.imp.today
        per_value = [(i, c) for i, c in convs.items() if i < n]
        fallbacks = [defaults.get(a) for a in attnames]

        def build(values: dict[str, Any], digest: str) -> list[Any]:
            get = values.get
            row = list(map(get, attnames, fallbacks))  # a C loop: the fields the row has, else defaults
            for i, c in per_value:
                row[i] = c(row[i])
            row += (digest, SOURCE_211, now, verified(get("assured_date") or today), *tail)
            return row

        self.builders[table] = (attnames, every, build)
        return self.builders[table]

    def feed_identifiers(self) -> None:
        if self.originals:
            FeedIdentifier.objects.bulk_create(self.originals, ignore_conflicts=True, batch_size=1000)
            self.originals = []

    def note_for_search(self, table: str, new: list, changed: list, links: dict[str, str], old: dict) -> None:
        """Note what the written rows change on service pages and search documents (``touched``)."""
        if table == "service":
            self.changed_services.update(v["id"] for v, _, _ in new + changed)
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
                    if (value := values.get(fk)) and value not in written[parent]:
                        touched[parent].add(value)
            for values, _, _ in changed:
                before = old.get(values["id"], ())
                for i, _, parent in shown:
                    if i < len(before) and (value := before[i]) is not None and _hex(value) not in written[parent]:
                        touched[parent].add(_hex(value))
            if table == "service_at_location":  # a written one has told its service already
                written[table].update(v["id"] for v, _, _ in new + changed)

    def remove_unlisted_children(self) -> None:
        """2-1-1 children the re-sent records no longer list go (children.py); their services are re-indexed."""
        imp = self.imp
        if connection.vendor == "postgresql":  # the removals below are checked at the commit, as usual
            pgbulk.check_links_at_commit(self.links_checked)
        pruner = Pruner(imp.statements, imp.ok, imp.failed, imp.report, imp.path.name)
        outcome = pruner.plan()
        for table, n in outcome.removed.items():
            imp.result.counts[table]["removed"] += n
        for table, n in outcome.unlinked.items():
            imp.result.counts[table]["unlinked"] += n
        imp.result.conflicts += outcome.conflicts
        for table, ids in outcome.touched.items():
            self.touched[table] |= {_hex(i) for i in ids} - self.written[table]
        # read before the rows go: a deleted service_at_location still says which service it belonged to
        found = services_of(self.touched, self.organizations, self.renamed_terms)
        self.changed_services |= {_hex(i) for i in found}
        pruner.execute()

    def hint_categories(self, reader: TabularReader) -> None:
        """Reaching the services of a first import (no service stored): read their categories ahead
        from the feed's attributes, if no attribute is stored either (see categories_hint)."""
        if "attribute" not in reader.sources or TABLES["attribute"].model.objects.exists():
            return
        self.category_hint = categories_hint(reader.attribute_links())

    def write_hinted_categories(self, rows: list[list[Any]], every: list[str]) -> None:
        """Put the hinted categories in new service rows (as the database takes them, each list once)."""
        at, id_at = every.index("categories"), every.index("id")
        convert = dict(converters(TABLES["service"].model, tuple(every)))[at]
        adapted: dict[tuple[str, ...], Any] = {}
        hint = self.category_hint
        for row in rows:
            slugs = hint.get(row[id_at])
            if slugs:
                value = adapted.get(slugs)
                if value is None:
                    value = adapted[slugs] = convert(list(slugs))
                row[at] = value

    def note_attribute_links(self, new: list) -> None:
        """A first import: note which terms the new attributes give which record. The attribute and
        service tables held nothing when the import reached them, so every row is new (none is
        compared with a stored one) and nothing is removed from them afterwards."""
        imp = self.imp
        if not {"attribute", "service"} <= imp.empty_tables:
            return
        if self.new_attribute_links is None:
            self.new_attribute_links = defaultdict(set)
        links = self.new_attribute_links
        for values, _, _ in new:
            if values.get("link_id") and values.get("taxonomy_term_id"):
                links[values["link_id"]].add(values["taxonomy_term_id"])

    def refresh_categories(self) -> None:
        imp = self.imp
        if self.new_attribute_links is not None:
            ok = imp.ok["service"]
            links = {k: v for k, v in self.new_attribute_links.items() if int(k, 16) in ok}
            written = {k: v for k, v in self.category_hint.items() if int(k, 16) in ok}
            self.changed_services |= set_new_categories(links, written)
            return
        ids = set(self.changed_services)
        if imp.result.counts["attribute"]["created"] or imp.result.counts["attribute"]["updated"]:
            ids |= {f"{i:032x}" for i in imp.ok["service"]}
        self.changed_services |= {_hex(i) for i in refresh_categories(ids)}

    def deactivate_missing(self) -> None:
        """--full: 2-1-1 services missing from the feed become inactive; a rejected one is in the feed."""
        imp = self.imp
        missing = deactivate_missing(imp.ok["service"] | imp.failed["service"], imp.now)
        imp.result.deactivated = len(missing)
        self.changed_services.update(_hex(i) for i in missing)

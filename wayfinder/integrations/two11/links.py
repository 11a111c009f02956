"""References between records: what a row points at must be in the feed or in the directory.

The rules (docs/formats/hsds-import.md, "What happens to a record", **References**):

- a required link (a service's organization, a service_at_location's service and location, ...)
  that does not resolve rejects the row;
- a row hanging from a parent (a phone from its service, location, contact, ...) is rejected when
  any parent it names was rejected in this import: its stored version stays as it was. A parent
  that is nowhere is left empty with a warning; a row left with no parent at all is rejected;
- other optional links (a service's program, a term's taxonomy) that do not resolve are left empty
  with a warning; a link to a row later in the same table (a term's parent) is checked when the
  table is done;
- an attribute or metadata row naming a record of a known table that was rejected is rejected; one
  naming a record that is nowhere is kept with a warning (HSDS allows links to other systems' ids).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from itertools import repeat
from typing import Any

from django.db import connection

from .children import LINKS
from .report import ERROR, WARNING
from .sqlwrite import db_uuids, stored_ids
from .tables import TABLES, columns

ENTITY_OF = {"attribute": ("link_id", "link_entity"), "metadata": ("resource_id", "resource_type")}


def show(hexid: Any) -> str:
    try:
        return str(uuid.UUID(str(hexid)))
    except ValueError:
        return str(hexid)


class Links:
    """Reference checks for one import; ``imp`` is the Importer (its ok/failed sets and report)."""

    def __init__(self, imp: Any) -> None:
        self.imp = imp
        self.deferred: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # table -> (id, att, ref, where)

    def in_db(self, wanted: dict[str, set[str]]) -> dict[str, set[str]]:
        return {table: stored_ids(TABLES[table].model, ids) for table, ids in wanted.items() if ids}

    def resolve(self, table: str, batch: list[tuple[dict[str, Any], str, str, str, bool]]) -> list:
        """The rows of ``batch`` ((values, where, digest, raw id, exists)) whose references hold."""
        imp, spec = self.imp, TABLES[table]
        ok, failed = imp.ok, imp.failed
        attnames = {c.name: c.attname for c in columns(table)}
        parents = LINKS.get(table, {})
        refs = [(hsds, attnames[hsds], target, hard) for hsds, target, hard in spec.refs]
        unknown: dict[str, set[str]] = defaultdict(set)
        dirty = self.dirty(table, [item[0] for item in batch], refs, parents, unknown)
        entity = ENTITY_OF.get(table)
        if entity:
            for values, *_ in batch:
                target = str(values.get(entity[1], ""))
                ref = values.get(entity[0])
                if target in TABLES and ref and int(ref, 16) not in ok[target] and int(ref, 16) not in failed[target]:
                    unknown[target].add(ref)
        found = self.in_db(unknown)
        good = []
        for j, item in enumerate(batch):
            values, where, _digest, raw_id, _exists = item
            if j not in dirty or self.check(table, values, where, raw_id, refs, parents, found):
                good.append(item)
        return good

    def dirty(
        self, table: str, rows: list[dict[str, Any]], refs: list, parents: dict[str, str], unknown: dict[str, set[str]]
    ) -> set[int]:
        """The positions of the rows ``check`` must look at, column by column; adds to ``unknown`` the
        references to look up in the directory. Every other row names only records this import has
        taken (and at least one parent, if it hangs from one): ``check`` would pass it unchanged, and
        nothing else, so it is not called (measured: a tenth of a first import)."""
        imp = self.imp
        if table in ENTITY_OF:  # attribute, metadata: their link is checked row by row
            return set(range(len(rows)))
        dirty: set[int] = set()
        parent_columns = []
        for _, att, target, _ in refs:
            column = list(map(dict.get, rows, repeat(att)))
            if att in parents:
                parent_columns.append(column)
            given = set(column)
            given.discard(None)
            given.discard("")
            if not given:
                continue
            if target == table:  # perhaps later in this table, perhaps rejected in this batch
                dirty.update(j for j, ref in enumerate(column) if ref)
            as_int = dict(zip(given, map(int, given, repeat(16)), strict=True))
            missing = set(as_int.values()) - imp.ok[target]
            if missing:
                refs_missing = {ref for ref, i in as_int.items() if i in missing}
                dirty.update(j for j, ref in enumerate(column) if ref in refs_missing)
                unknown[target].update(ref for ref in refs_missing if as_int[ref] not in imp.failed[target])
        if parents:
            if not parent_columns:
                return set(range(len(rows)))
            dirty.update(j for j, has in enumerate(map(any, zip(*parent_columns, strict=True))) if not has)
        return dirty

    def check(self, table, values, where, raw_id, refs, parents, found) -> bool:
        imp = self.imp
        had_parent = False
        for hsds, att, target, hard in refs:
            ref = values.get(att)
            if not ref:
                continue
            i = int(ref, 16)
            is_parent = att in parents
            had_parent |= is_parent
            if i in imp.ok[target] or ref in found.get(target, ()):
                continue
            rejected = i in imp.failed[target]
            why = "was rejected" if rejected else "is not in the feed or the directory"
            if target == table and not rejected:  # perhaps later in this table: checked at its end
                self.deferred[table].append((values["id"], att, ref, where))
                continue
            if hard or (is_parent and rejected):
                imp.reject(
                    where, table, raw_id, values["id"], hsds, f"references {target} {show(ref)}, which {why}", ref
                )
                return False
            imp.report.add(
                WARNING,
                where,
                table,
                raw_id,
                hsds,
                f"references {target} {show(ref)}, which {why}; left empty",
                show(ref),
            )
            values[att] = None
        if parents and had_parent and not any(values.get(att) for att in parents):
            imp.reject(where, table, raw_id, values["id"], "", "belongs to no record: every record it names is missing")
            return False
        if parents and not had_parent and table not in ENTITY_OF:
            names = ", ".join(a.removesuffix("_id") for a in parents if a != "link_id")
            imp.reject(where, table, raw_id, values["id"], "", f"belongs to no record (names no {names})")
            return False
        entity = ENTITY_OF.get(table)
        if entity:
            return self.check_entity(table, values, where, raw_id, entity, found)
        return True

    def check_entity(self, table, values, where, raw_id, entity, found) -> bool:
        imp = self.imp
        id_att, kind_att = entity
        target, ref = str(values.get(kind_att, "")), values.get(id_att)
        if target not in TABLES or not ref:
            imp.notes.add(table, kind_att, "names no HSDS table: kept as given", where, target, target)
            return True
        i = int(ref, 16)
        if i in imp.failed[target] and i not in imp.ok[target]:
            imp.reject(where, table, raw_id, values["id"], id_att, f"its {target} {show(ref)} was rejected", ref)
            return False
        if i not in imp.ok[target] and ref not in found.get(target, ()):
            imp.notes.add(
                table,
                id_att,
                f"names a {target} that is not in the feed or the directory: kept",
                where,
                show(ref),
                show(ref),
            )
        return True

    def finish_table(self, table: str) -> None:
        """Links to rows later in the same table, then stored rows of this feed that still hang from
        a parent rejected in this import (unchanged, so not checked row by row)."""
        imp = self.imp
        model = TABLES[table].model
        deferred = self.deferred.pop(table, [])
        if deferred:
            refs = {ref for *_, ref, _ in deferred if int(ref, 16) not in imp.ok[table]}
            found = stored_ids(model, refs) if refs else set()
            clear: dict[str, list[str]] = defaultdict(list)
            for rid, att, ref, where in deferred:
                i = int(ref, 16)
                if i in imp.ok[table] or ref in found or int(rid, 16) not in imp.ok[table]:
                    continue
                why = "was rejected" if i in imp.failed[table] else "is not in the feed or the directory"
                imp.report.add(
                    WARNING,
                    where,
                    table,
                    show(rid),
                    att,
                    f"references {table} {show(ref)}, which {why}; left empty",
                    show(ref),
                )
                clear[att].append(rid)
            for att, ids in clear.items():
                for start in range(0, len(ids), 2000):
                    model.objects.filter(id__in=ids[start : start + 2000]).update(**{att: None})
        self.reject_hanging(table)

    def reject_hanging(self, table: str) -> None:
        imp = self.imp
        model = TABLES[table].model
        for att, parent in LINKS.get(table, {}).items():
            if att == "link_id":
                continue
            rejected = imp.failed.get(parent)
            if not rejected:
                continue
            for chunk in _chunks(rejected):
                rows = model.objects.filter(**{f"{att}__in": db_uuids(chunk)}).values_list("id", att)
                for rid, ref in rows:
                    if rid.int in imp.ok[table]:
                        imp.reject(
                            imp.source_name,
                            table,
                            show(rid),
                            rid.hex,
                            att.removesuffix("_id") + "_id",
                            f"references {parent} {ref}, which was rejected",
                            ref.hex,
                            unchanged=True,
                        )


def _chunks(ints: Iterable[int], size: int = 2000) -> Iterable[list[int]]:
    items = list(ints)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def vendor() -> str:
    return connection.vendor


__all__ = ["ERROR", "Links", "show"]

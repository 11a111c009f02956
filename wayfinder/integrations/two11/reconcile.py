"""Deciding what an incoming row really changes: equal content, and fields a partner took over."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from .report import CONFLICT, Report
from .sqlwrite import update_column
from .tables import TABLES, columns

Changed = list[tuple[dict[str, Any], str, str]]  # (values, digest, where)


def comparable(kind: str, value: Any) -> Any:
    """A stored or incoming value in one form: ids as hex, whatever the driver or the reader gave."""
    if kind == "uuid" and value is not None:
        return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "").lower()
    return value


def drop_equal(
    table: str, changed: Changed, counts: Counter, defaults: dict[str, Any], links: dict[str, str]
) -> tuple[Changed, dict[str, tuple]]:
    """Rows whose digest differs but whose stored values already equal the feed's (the same record
    written another way: the digest is of the feed's text, so ``Active`` and ``active`` differ) are
    unchanged: only their digest is recorded. Returns the rows that differ, and the stored values
    of their parent links (search needs the parents a changed row hung from)."""
    kinds = {c.attname: c.kind for c in columns(table)}
    model = TABLES[table].model
    ids = [v["id"] for v, _, _ in changed]
    stored = {comparable("uuid", r["id"]): r for r in model.objects.filter(id__in=ids).values(*kinds)}
    still, adopt, old_links = [], [], {}
    for values, digest, where in changed:
        current = stored.get(values["id"], {})
        if all(comparable(kinds[a], current.get(a)) == comparable(kinds[a], v) for a, v in values.items()):
            adopt.append((values["id"], digest))
            counts["unchanged"] += 1
        else:
            still.append((values, digest, where))
            old_links[values["id"]] = tuple(current.get(fk) for fk in links)
    update_column(model, "feed_hash", adopt)
    return still, old_links


def keep_partner_fields(table: str, changed: Changed, report: Report) -> int:
    """Fields a partner took over keep the partner's value; a differing feed value is reported as a
    conflict instead of being written. Mutates ``changed`` values; returns the number of conflicts."""
    by_name = {c.name: c.attname for c in columns(table)}
    kinds = {c.attname: c.kind for c in columns(table)}
    ids = [values["id"] for values, _, _ in changed]
    rows = {o.id.hex: o for o in TABLES[table].model.objects.filter(id__in=ids).exclude(partner_owned_fields=[])}
    conflicts = 0
    for values, _digest, where in changed:
        obj = rows.get(values["id"])
        if obj is None:
            continue
        for name in obj.partner_owned_fields:
            attname = by_name.get(name, name)
            if attname not in values:  # the feed says nothing of it this time
                continue
            mine = getattr(obj, attname, None)
            kind = kinds.get(attname, "str")
            if comparable(kind, values.get(attname)) != comparable(kind, mine):
                reason = f"partner-owned field kept ({mine!r}); feed has {values.get(attname)!r}"
                report.add(CONFLICT, where, table, obj.id, name, reason)
                conflicts += 1
            values[attname] = comparable(kind, mine)
    return conflicts

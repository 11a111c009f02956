"""Deciding what an incoming row really changes: equal content, and fields a partner took over."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .report import CONFLICT, Report
from .sqlwrite import update_column
from .tables import TABLES, columns

Changed = list[tuple[dict[str, Any], str, str]]  # (values, digest, where)


def drop_equal(table: str, changed: Changed, counts: Counter, defaults: dict[str, Any]) -> Changed:
    """Rows whose digest differs but whose stored values already equal the feed's (created by hand, or
    by another import path) are unchanged: only their digest is recorded. Returns the rows that differ."""
    attnames = [c.attname for c in columns(table)]
    model = TABLES[table].model
    stored = {r["id"]: r for r in model.objects.filter(id__in=[v["id"] for v, _, _ in changed]).values(*attnames)}
    still, adopt = [], []
    for values, digest, where in changed:
        current = stored.get(values["id"], {})
        if all(current.get(a) == values.get(a, defaults.get(a)) for a in attnames):
            adopt.append((values["id"], digest))
            counts["unchanged"] += 1
        else:
            still.append((values, digest, where))
    update_column(model, "feed_hash", adopt)
    return still


def keep_partner_fields(table: str, changed: Changed, report: Report) -> int:
    """Fields a partner took over keep the partner's value; a differing feed value is reported as a
    conflict instead of being written. Mutates ``changed`` values; returns the number of conflicts."""
    by_name = {c.name: c.attname for c in columns(table)}
    ids = [values["id"] for values, _, _ in changed]
    rows = {o.id: o for o in TABLES[table].model.objects.filter(id__in=ids).exclude(partner_owned_fields=[])}
    conflicts = 0
    for values, _digest, where in changed:
        obj = rows.get(values["id"])
        if obj is None:
            continue
        for name in obj.partner_owned_fields:
            attname = by_name.get(name, name)
            mine = getattr(obj, attname, None)
            if values.get(attname) != mine:
                reason = f"partner-owned field kept ({mine!r}); feed has {values.get(attname)!r}"
                report.add(CONFLICT, where, table, obj.id, name, reason)
                conflicts += 1
            values[attname] = mine
    return conflicts

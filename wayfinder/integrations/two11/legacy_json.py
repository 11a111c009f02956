"""HSDS 2.0 keys in JSON documents, read as HSDS 3.0 (docs/formats/hsds-legacy.md).

HSDS API 1.0 (for HSDS 2.0) and the first Open Referral UK profile nest a service's objects under
2.0 names: ``physical_addresses`` under a location, ``regular_schedules``, ``service_taxonomys``,
``eligibilitys``, ``fundings``, and children that keep a 2.0 field (a service area's
``service_area``, a language's ``language``). A document whose keys include one of these is
rewritten into its 3.0 shape before it is flattened, with the same conversions as the CSV files of
those versions (legacy.py); a 3.0 document is left alone after one set test. What each key became is
counted for the report (``JsonReader``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from . import legacy
from .checker import Notes

Doc = dict[str, Any]
_CTX = legacy.Context(Notes())  # the converters' notes are for CSV lines; JSON counts keys instead
_SCHEDULES = ("regular_schedules", "holiday_schedules")
LEGACY_KEYS: dict[str, frozenset[str]] = {
    "organization": frozenset({"url"}),
    "service": frozenset({*_SCHEDULES, "eligibilitys", "fundings", "service_taxonomys"}),
    "location": frozenset({*_SCHEDULES, "physical_addresses", "postal_addresses", "accessibility_for_disabilities"}),
    "service_at_location": frozenset(_SCHEDULES),
    "service_area": frozenset({"service_area"}),
    "language": frozenset({"language"}),
    "accessibility": frozenset({"accessibility"}),
}


def needs_upgrade(table: str, doc: Doc) -> bool:
    """Whether ``doc`` has an HSDS 2.0 key, or is a location without ``location_type`` (new in 3.0,
    where it is required: a location without the key is a 2.0 one)."""
    keys = LEGACY_KEYS.get(table)
    return keys is not None and (not keys.isdisjoint(doc) or (table == "location" and "location_type" not in doc))


def upgrade(table: str, doc: Doc, counts: Counter[tuple[str, str, str]]) -> Doc:
    """``doc`` in its HSDS 3.0 shape; ``counts[(table, 2.0 key, what it became)]`` for the report."""
    out = dict(doc)
    legacy_keys = LEGACY_KEYS[table]
    for key in [k for k in doc if k in legacy_keys]:  # in the document's order: stable report places
        value = doc[key]
        if isinstance(value, list) != (key not in _SCALAR) or isinstance(value, dict):
            continue  # not the shape 2.0 gives it: left where it is, and reported as an unknown key
        del out[key]
        target = _UPGRADES[key](table, value, out)
        counts[(table, key, f"an HSDS 2.0 key: read as HSDS 3.0 {target}")] += 1
    if table == "location" and "location_type" not in out:
        out["location_type"] = "physical"  # as a 2.0 CSV location's (legacy._location)
        counts[(table, "location_type", "not given (HSDS 2.0 has none): physical")] += 1
    return out


def _clean(made: Doc) -> Doc:
    """A converter's row without its empty cells (a nested child gets its parent's id from its place)."""
    return {k: v for k, v in made.items() if v not in ("", None)}


def _cells(item: Doc) -> dict[str, str]:
    """A JSON object as the text cells legacy.py's CSV converters read."""
    return {k: "" if v is None else str(v) for k, v in item.items()}


def _items(value: list[Any]) -> list[Doc]:
    return [item for item in value if isinstance(item, dict)]


def _others(value: list[Any]) -> list[Any]:
    """The items of a 2.0 list that are not objects: passed on as they are, so that reading the 3.0
    list rejects each with its place ("expected a JSON object")."""
    return [item for item in value if not isinstance(item, dict)]


def _extend(out: Doc, key: str, items: list[Doc]) -> None:
    if items:
        current = out.get(key)
        out[key] = [*(current if isinstance(current, list) else []), *items]


def _schedules(kind: str) -> Callable[[str, Any, Doc], str]:
    convert = legacy.regular_schedule if kind == "regular" else legacy.holiday_schedule

    def apply(table: str, value: Any, out: Doc) -> str:
        made = []
        for item in _items(value):
            if kind == "regular" and "weekday" not in item:  # already RFC 5545 (byday, freq): as 3.0
                made.append({**item, "id": legacy.prefixed("regular:", str(item.get("id") or ""))})
                continue
            made.extend({**_clean(row), **_kept(item)} for row in convert(_cells(item), _CTX))
        _extend(out, "schedules", made + _others(value))
        return "schedules"

    return apply


def _kept(item: Doc) -> Doc:
    """3.0 schedule fields a 2.0 schedule may already carry, kept as given."""
    return {k: item[k] for k in ("description", "timezone", "notes") if item.get(k) not in (None, "")}


def _addresses(kind: str) -> Callable[[str, Any, Doc], str]:
    convert, _ = legacy.address(kind)

    def apply(table: str, value: Any, out: Doc) -> str:
        rows = []
        for item in _items(value):
            rows.extend(_clean(row) for row in convert(_cells(item), _CTX))
        _extend(out, "addresses", rows + _others(value))
        return "addresses"

    return apply


def _accessibility(table: str, value: Any, out: Doc) -> str:
    items = [{**{k: v for k, v in i.items() if k != "accessibility"}, "description": i.get("accessibility")}
             for i in _items(value)]  # fmt: skip
    _extend(out, "accessibility", items + _others(value))
    return "accessibility"


def _eligibility(table: str, value: Any, out: Doc) -> str:
    """2.0's eligibility objects: their texts joined as the 3.0 eligibility_description, and the ages of
    a lone one as the service's own."""
    items, odd = [], []
    for item in value:
        (items if isinstance(item, dict) and isinstance(item.get("eligibility", ""), str) else odd).append(item)
    if odd:  # not objects, or not text: kept under the 2.0 key, reported as ignored
        out["eligibilitys"] = odd
    texts = [i["eligibility"].strip() for i in items if (i.get("eligibility") or "").strip()]
    if texts and not str(out.get("eligibility_description") or "").strip():
        out["eligibility_description"] = "; ".join(texts)
    if len(items) == 1:
        for age in ("minimum_age", "maximum_age"):
            if items[0].get(age) not in (None, "") and out.get(age) in (None, ""):
                out[age] = items[0][age]
    return "eligibility_description"


def _funding(table: str, value: Any, out: Doc) -> str:
    _extend(out, "funding", value)
    return "funding"


def _taxonomies(table: str, value: Any, out: Doc) -> str:
    """A 2.0 service_taxonomy links the service to a term (``taxonomy``, its 2.0 fields): a 3.0 attribute."""
    made = []
    for item in _items(value):
        term = item.get("taxonomy") if isinstance(item.get("taxonomy"), dict) else None
        term_id = str((term or {}).get("id") or item.get("taxonomy_id") or "")
        attribute: Doc = {"id": legacy.prefixed("service_taxonomy:", str(item.get("id") or ""))}
        if term is not None:
            text = {k: "" if v is None or isinstance(v, dict | list) else str(v) for k, v in term.items()}
            parent = term.get("parent")
            text["parent_id"] = str(parent.get("id", "")) if isinstance(parent, dict) else str(parent or "")
            attribute["taxonomy_term"] = _clean(next(legacy.taxonomy_term(text, _CTX)))
        elif term_id:
            attribute["taxonomy_term_id"] = term_id
        if item.get("taxonomy_detail") not in (None, ""):
            attribute["value"] = item["taxonomy_detail"]
        made.append(attribute)
    _extend(out, "attributes", made + _others(value))
    return "attributes"


def _renamed(target: str) -> Callable[[str, Any, Doc], str]:
    def apply(table: str, value: Any, out: Doc) -> str:
        if out.get(target) in (None, ""):
            out[target] = value
        return target

    return apply


def _language(table: str, value: Any, out: Doc) -> str:
    if isinstance(value, str) and value.strip() and not (out.get("name") or out.get("code")):
        out.update(legacy.language_fields(value))
    return "code" if "code" in out else "name"


_SCALAR = frozenset({"url", "service_area", "language", "accessibility"})  # 2.0 keys holding one value
_UPGRADES: dict[str, Callable[[str, Any, Doc], str]] = {
    "regular_schedules": _schedules("regular"),
    "holiday_schedules": _schedules("holiday"),
    "physical_addresses": _addresses("physical"),
    "postal_addresses": _addresses("postal"),
    "accessibility_for_disabilities": _accessibility,
    "eligibilitys": _eligibility,
    "fundings": _funding,
    "service_taxonomys": _taxonomies,
    "url": _renamed("website"),
    "service_area": _renamed("name"),
    "language": _language,
    "accessibility": _renamed("description"),
}

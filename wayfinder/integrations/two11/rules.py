"""Wayfinder's rules beyond the schema, on each new or changed record (``Rules.check``)."""

from __future__ import annotations

import re
from typing import Any

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Taxonomy
from wayfinder.lib.geo import valid_coordinates

from .report import WARNING

AIRS_RE = re.compile(r"\b(211|2-1-1|airs)\b", re.IGNORECASE)
SDOH_TAXONOMY = cats.SDOH_TAXONOMY_ID.hex
AIRS_TAXONOMY = cats.AIRS_TAXONOMY_ID.hex


class Rules:
    def __init__(self, imp: Any) -> None:
        self.imp = imp
        self._airs: set[str] | None = None

    @property
    def airs_taxonomies(self) -> set[str]:
        """2-1-1/AIRS taxonomies (hex ids): ours, and any whose name or uri says so."""
        if self._airs is None:
            self._airs = {AIRS_TAXONOMY}
            for t in Taxonomy.objects.only("id", "name", "uri"):
                if AIRS_RE.search(f"{t.name} {t.uri}"):
                    self._airs.add(t.id.hex)
        return self._airs

    def check(self, table: str, values: dict[str, Any], where: str, raw_id: Any) -> bool:
        """False = the record is rejected (reported here)."""
        imp = self.imp
        if table == "location" and ("latitude" in values or "longitude" in values):
            lat, lon = values.get("latitude"), values.get("longitude")
            if (lat is not None or lon is not None) and not valid_coordinates(lat, lon):
                imp.report.add(
                    WARNING, where, table, raw_id, "latitude",
                    f"coordinates ({lat}, {lon}) are missing or out of range; stored without coordinates",
                )  # fmt: skip
                values["latitude"] = values["longitude"] = None
        elif table == "taxonomy" and AIRS_RE.search(f"{values.get('name', '')} {values.get('uri', '')}"):
            self.airs_taxonomies.add(values["id"])
        elif table == "taxonomy_term":
            is_airs = values.get("taxonomy_ref_id") in self.airs_taxonomies or AIRS_RE.search(
                values.get("taxonomy_label") or ""
            )
            code = values.get("code") or ""
            if is_airs and not cats.is_valid_airs_code(code):
                imp.reject(
                    where, table, raw_id, values["id"], "code", f"unknown 2-1-1/AIRS taxonomy code {code!r}", code
                )
                return False
            if values.get("taxonomy_ref_id") == SDOH_TAXONOMY and code not in cats.LABELS:
                imp.reject(where, table, raw_id, values["id"], "code", f"unknown Wayfinder category {code!r}", code)
                return False
        elif table == "service" and (values.get("minimum_age") or 0) > (values.get("maximum_age") or 1e9):
            imp.reject(where, table, raw_id, values["id"], "minimum_age", "minimum_age is above maximum_age")
            return False
        return True

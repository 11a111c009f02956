"""HSDS export: every service fully nested as JSON/NDJSON, or the whole directory as a CSV datapackage."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from wayfinder.directory import availability
from wayfinder.directory.hsds.serialize import services_full
from wayfinder.directory.models import Service, ServiceAvailability
from wayfinder.lib import csv_safe

from .tables import TABLES, csv_columns, datapackage, text_value

CHUNK = 500


def export_json(out: Path, *, ndjson: bool = False) -> int:
    """Write all services (compiled/service.json each): a JSON array, or one per line. Returns the count."""
    ids = list(Service.objects.order_by("id").values_list("id", flat=True))
    with Path(out).open("w", encoding="utf-8") as fh:
        if not ndjson:
            fh.write("[\n")
        for start in range(0, len(ids), CHUNK):
            for i, doc in enumerate(services_full(ids[start : start + CHUNK])):
                text = json.dumps(doc, ensure_ascii=False)
                if ndjson:
                    fh.write(text + "\n")
                else:
                    fh.write(("" if start == 0 and i == 0 else ",\n") + text)
        if not ndjson:
            fh.write("\n]\n")
    return len(ids)


def export_csv(out: Path) -> dict[str, int]:
    """Write the tabular datapackage (folder, or a .zip when ``out`` ends in .zip). Returns rows per table."""
    out = Path(out)
    folder = Path(tempfile.mkdtemp()) if out.suffix == ".zip" else out
    folder.mkdir(parents=True, exist_ok=True)
    counts, resources = {}, []
    extra = AvailabilityRows()
    for name, spec in TABLES.items():
        cols = csv_columns(name)
        if not cols:
            continue
        counts[name] = 0
        with (folder / spec.csv).open("w", newline="", encoding="utf-8") as fh:
            writer = csv_safe.writer(fh)
            writer.writerow([c.name for c in cols])
            rows = spec.model.objects.order_by("id").values_list(*[c.attname for c in cols])
            for row in rows.iterator(chunk_size=2000):
                values = extra.row(name, dict(zip((c.name for c in cols), row, strict=True)))
                if values is not None:
                    writer.writerow([text_value(c, values[c.name]) for c in cols])
                    counts[name] += 1
            for values in extra.added(name):
                writer.writerow([values.get(c.name, "") for c in cols])
                counts[name] += 1
        resources.append(name)
    package = {k: v for k, v in datapackage().items() if k != "resources"}
    package["resources"] = [r for r in datapackage()["resources"] if r["name"] in resources]
    (folder / "datapackage.json").write_text(json.dumps(package, indent=1), encoding="utf-8")
    if out.suffix == ".zip":
        shutil.make_archive(str(out.with_suffix("")), "zip", folder)
        shutil.rmtree(folder)
    return counts


class AvailabilityRows:
    """The partners' availability in the CSV datapackage, as serialize.attach_availability puts it
    in the JSON: the services' ``wait_time``, and a 3.1 service capacity of 0 referral places (in
    the "Referral place" unit) for a full service or a waitlist; a stored row with that capacity's
    id (an import of our own export) gives way to the current one."""

    def __init__(self) -> None:
        ids = ServiceAvailability.objects.values_list("service_id", flat=True)
        self.by_service = availability.hsds_for_services(ids)
        self.own_ids = {availability.hsds_capacity_id(sid) for sid in self.by_service}
        self.unit_stored = False

    def row(self, table: str, values: dict[str, Any]) -> dict[str, Any] | None:
        """The stored row as it is exported, or None to leave it out."""
        if table == "service" and (hsds := self.by_service.get(str(values["id"]))) is not None:
            return {**values, "wait_time": hsds["wait_time"]}
        if table == "service_capacity" and str(values["id"]) in self.own_ids:
            return None
        if table == "unit" and str(values["id"]) == availability.HSDS_UNIT["id"]:
            self.unit_stored = True
        return values

    def added(self, table: str) -> list[dict[str, str]]:
        capacities = [h["capacity"] for h in self.by_service.values() if h["capacity"] is not None]
        if table == "service_capacity":
            return [{k: str(v) for k, v in c.items() if k != "unit"} for c in capacities]
        if table == "unit" and capacities and not self.unit_stored:
            return [dict(availability.HSDS_UNIT)]
        return []

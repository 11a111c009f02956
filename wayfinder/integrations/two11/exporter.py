"""HSDS export: every service fully nested as JSON/NDJSON, or the whole directory as a CSV datapackage."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from wayfinder.directory.hsds.serialize import services_full
from wayfinder.directory.models import Service
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
                writer.writerow([text_value(c, v) for c, v in zip(cols, row, strict=True)])
                counts[name] += 1
        resources.append(name)
    package = {k: v for k, v in datapackage().items() if k != "resources"}
    package["resources"] = [r for r in datapackage()["resources"] if r["name"] in resources]
    (folder / "datapackage.json").write_text(json.dumps(package, indent=1), encoding="utf-8")
    if out.suffix == ".zip":
        shutil.make_archive(str(out.with_suffix("")), "zip", folder)
        shutil.rmtree(folder)
    return counts

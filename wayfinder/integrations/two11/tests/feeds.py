"""Helpers for the feed tests: editable copies of the official examples, table counts, report rows."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from .conftest import EXAMPLES, SHARED, read_csv, write_csv


def official_csv(tmp_path: Path, name: str = "official") -> Path:
    """A private copy of the official examples/csv datapackage (its datapackage.json points at ../..)."""
    folder = Path(shutil.copytree(EXAMPLES / "csv", tmp_path / name))
    (folder / "datapackage.json").unlink()
    return folder


def edit_rows(folder: Path, name: str, change: Callable[[list[dict]], list[dict]]) -> list[dict]:
    fields, rows = read_csv(folder, name)
    rows = change([dict(r) for r in rows])
    extra = [k for r in rows for k in r if k not in fields]
    write_csv(folder, name, [*fields, *dict.fromkeys(extra)], rows)
    return rows


def empty_directory() -> None:
    """Remove every record an import wrote (the personas' organizations, made here, stay)."""
    from wayfinder.integrations.two11.tables import ORDER, TABLES

    for table in reversed(ORDER):
        TABLES[table].model.objects.exclude(feed_hash="").delete()


def table_counts() -> dict[str, int]:
    """Rows in every directory table the importer writes."""
    from wayfinder.integrations.two11.tables import TABLES

    return {name: spec.model.objects.count() for name, spec in TABLES.items()}


def report_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def errors(path: Path) -> list[dict]:
    return [r for r in report_rows(path) if r["severity"] == "error"]


def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"feed/{path.name}")
    return out


def compiled_validator(name: str = "service.json"):
    """A jsonschema validator for an official compiled schema, with strict uri and email checks."""
    import jsonschema

    from .strict_formats import checker

    schema = json.loads((SHARED / "schema" / "compiled" / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=checker())


def frictionless_report(package: Path) -> dict:
    import subprocess
    import sys

    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "--json", str(package / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stdout)
    report["problems"] = [
        f"{task['name']}: {e.get('type')}: {e.get('message', '')[:300]}"
        for task in report["tasks"]
        for e in task["errors"]
    ]
    return report


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()

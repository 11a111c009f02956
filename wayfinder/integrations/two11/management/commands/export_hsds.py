"""manage.py export_hsds --format json|ndjson|csv OUT: publish the directory as HSDS 3.0."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from wayfinder.integrations.two11.exporter import export_csv, export_json


class Command(BaseCommand):
    help = "Export the directory: services as HSDS JSON/NDJSON, or everything as the CSV datapackage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="file (json, ndjson), folder or .zip (csv)")
        parser.add_argument("--format", choices=["json", "ndjson", "csv"], default="json")

    def handle(self, *args, **options) -> None:
        if options["format"] == "csv":
            counts = export_csv(options["out"])
            self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items() if v))
        else:
            n = export_json(options["out"], ndjson=options["format"] == "ndjson")
            self.stdout.write(f"{n} services written to {options['out']}")

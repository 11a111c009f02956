"""``manage.py validate_ccda FILE``: the CDA schema, then the C-CDA R2.1 schematron.

Prints each failed rule (id, context, message). Exit 0 valid, 1 invalid, 2 when the
file is unreadable or refused as hostile (too large, a DOCTYPE, not XML)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wayfinder.integrations.hie.ccda import validation


class Command(BaseCommand):
    help = "Validate a C-CDA document against the CDA schema and the C-CDA R2.1 schematron."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--max-bytes", type=int, default=validation.MAX_BYTES)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            if size > options["max_bytes"]:
                raise validation.Unreadable(f"the file is {size:,} bytes; the limit is {options['max_bytes']:,}")
            report = validation.validate_bytes(path.read_bytes(), max_bytes=options["max_bytes"])
        except (OSError, validation.Unreadable) as exc:
            self.stderr.write(f"{path}: unreadable: {exc}")
            sys.exit(2)
        for failure in report.failures:
            self.stdout.write(f"{failure.stage} {failure.rule} at {failure.context}: {failure.message}")
        if not report.valid:
            self.stdout.write(f"{path}: INVALID, {len(report.failures)} failed rule(s)")
            sys.exit(1)
        self.stdout.write(f"{path}: valid (CDA schema and C-CDA R2.1 schematron)")

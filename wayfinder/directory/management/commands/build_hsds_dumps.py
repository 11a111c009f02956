"""manage.py build_hsds_dumps: write the daily NDJSON downloads the HSDS API serves unpaged."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wayfinder.directory.hsds.dumps import RENDER, build_dumps, dump_path


class Command(BaseCommand):
    help = (
        "Write the whole-directory NDJSON files that /api/hsds/...?format=ndjson serves (the scheduler runs it daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help=f"only these dumps (default: all of {', '.join(RENDER)})")

    def handle(self, *args, **options) -> None:
        unknown = sorted(set(options["names"]) - set(RENDER))
        if unknown:
            raise CommandError(f"no such dump: {', '.join(unknown)} (known: {', '.join(RENDER)})")
        for name, count in build_dumps(options["names"] or None).items():
            self.stdout.write(f"{name}: {count:,} records in {dump_path(name)}")
